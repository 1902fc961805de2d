// Plain-JS copies of tree-sitter subtrees. Every property read on a web-tree-sitter Node is a round trip
// into wasm (marshal the node, call, unmarshal), and evaluation reads each node several times (type,
// children, fields). Copying a subtree costs three calls per node (type, end, children in bulk) and
// makes every later read a plain property access. Subtrees are copied only when something evaluates them.
//
// SyntaxNode mirrors the subset of the Node API the Bicep front end uses, so code reads the same over both.
// Field access is positional (the grammar's field order is fixed); comments are left out.

import type { Language, Node, TreeCursor } from 'web-tree-sitter';
import { loadCursor, rawCursor, type RawCursor } from './raw-cursor';

export class SyntaxNode {
	private named?: SyntaxNode[];

	constructor(
		readonly type: string,
		readonly startIndex: number,
		readonly endIndex: number,
		readonly isNamed: boolean,
		readonly hasError: boolean,
		readonly isMissing: boolean,
		readonly children: SyntaxNode[],
	) {}

	get isError(): boolean {
		return this.type === 'ERROR';
	}

	get childCount(): number {
		return this.children.length;
	}

	child(i: number): SyntaxNode | null {
		return this.children[i] ?? null;
	}

	get namedChildren(): SyntaxNode[] {
		if (!this.named) this.named = this.children.filter((c) => c.isNamed);
		return this.named;
	}

	get namedChildCount(): number {
		return this.namedChildren.length;
	}

	namedChild(i: number): SyntaxNode | null {
		return this.namedChildren[i] ?? null;
	}

	/** Fields by position (see the grammar's rules); null when absent. */
	childForFieldName(field: string): SyntaxNode | null {
		const named = this.namedChildren;
		const first = named[0] ?? null;
		const last = named[named.length - 1] ?? null;
		switch (this.type) {
			case 'member_expression':
			case 'subscript_expression':
			case 'resource_expression':
				if (named.length < 2) return field === 'object' ? first : null;
				return field === 'object' ? first : last;
			case 'binary_expression':
				if (field === 'operator') return this.children.find((c, i) => i > 0 && !c.isNamed) ?? null;
				return field === 'left' ? first : field === 'right' && named.length >= 2 ? last : null;
			case 'unary_expression':
				if (field === 'operator') return this.children[0] && !this.children[0].isNamed ? this.children[0] : null;
				return field === 'argument' ? last : null;
			case 'ternary_expression':
				if (named.length < 3) return null;
				return field === 'condition' ? named[0] : field === 'consequence' ? named[1] : field === 'alternative' ? named[2] : null;
			case 'call_expression':
				if (field === 'function') return first;
				return field === 'arguments' ? (named.find((c) => c.type === 'arguments') ?? null) : null;
			case 'for_statement':
				return field === 'body' && named.length >= 2 ? last : null;
			case 'user_defined_function':
				return field === 'name' ? (named.find((c) => c.type === 'identifier') ?? null) : null;
			default:
				return null;
		}
	}
}

/** What the front end reads from a node; both web-tree-sitter Nodes and SyntaxNodes have it. */
export interface TreeNode {
	readonly type: string;
	readonly startIndex: number;
	readonly endIndex: number;
	readonly isNamed: boolean;
	readonly hasError: boolean;
	readonly children: (TreeNode | null)[];
	readonly namedChildren: (TreeNode | null)[];
	readonly namedChildCount: number;
	namedChild(i: number): TreeNode | null;
	childForFieldName(field: string): TreeNode | null;
}

const namedTables = new WeakMap<Language, boolean[]>();

function namedTable(language: Language): boolean[] {
	let table = namedTables.get(language);
	if (!table) {
		table = [];
		const count = language.nodeTypeCount;
		for (let i = 0; i < count; i++) table.push(language.nodeTypeIsNamed(i));
		namedTables.set(language, table);
	}
	return table;
}

const EXTRAS = new Set(['comment', 'diagnostic_comment']);

/**
 * Copies of an open document's error-free subtrees, by type and text, kept from one analysis to the next (the
 * language server's incremental path): after an edit most of the document reads the same, and a subtree that
 * only moved is shifted in plain JS instead of being copied out of wasm again.
 */
export class SyntaxCache {
	private entries = new Map<string, SyntaxNode>();

	get(key: string): SyntaxNode | undefined {
		return this.entries.get(key);
	}

	set(key: string, node: SyntaxNode): void {
		// A bound on what one document keeps; what the current analysis needs comes back on the next miss.
		if (this.entries.size >= SYNTAX_CACHE_ENTRIES) this.entries.clear();
		this.entries.set(key, node);
	}
}

const SYNTAX_CACHE_ENTRIES = 4096;

/** Where copies of one document's subtrees can be reused: the cache and the document's text. */
export interface SyntaxReuse {
	cache: SyntaxCache;
	text: string;
}

/** Copy a subtree into SyntaxNodes (comments dropped); a SyntaxNode is returned as it is. */
export function toSyntax(node: Node | SyntaxNode | TreeNode, reuse?: SyntaxReuse): SyntaxNode {
	if (node instanceof SyntaxNode) return node;
	if (!reuse) return copyTree(node as Node);
	const n = node as Node;
	if (n.hasError) return copyTree(n);
	const start = n.startIndex;
	const key = `${n.typeId}:${reuse.text.slice(start, n.endIndex)}`;
	const hit = reuse.cache.get(key);
	if (hit) return hit.startIndex === start ? hit : shifted(hit, start - hit.startIndex);
	const copy = copyTree(n);
	reuse.cache.set(key, copy);
	return copy;
}

/** The same subtree `delta` characters further on. */
function shifted(node: SyntaxNode, delta: number): SyntaxNode {
	const children: SyntaxNode[] = [];
	for (const c of node.children) children.push(shifted(c, delta));
	return new SyntaxNode(node.type, node.startIndex + delta, node.endIndex + delta, node.isNamed, node.hasError, node.isMissing, children);
}

/** Deeper subtrees are cut off (hostile input): the evaluator reads the stub as "nesting too deep". */
const MAX_COPY_DEPTH = 512;
export const TOO_DEEP = 'nesting_too_deep';

function copyTree(node: Node): SyntaxNode {
	const language = node.tree.language;
	if (node.hasError) return copy(node, language.types, namedTable(language), true, 0);
	// Without errors, a cursor walk reads each node with no Node object made per child (web-tree-sitter builds one
	// per child for `children`, the bulk of a copy's cost); with the raw cursor, without marshalling either.
	const cursor = node.walk();
	const fast = rawCursor();
	const tree = fast ? loadCursor(cursor) : undefined;
	try {
		if (fast && tree !== undefined) {
			try {
				return copyAtRawCursor(fast, tree, language.types, namedTable(language), 0);
			} finally {
				fast.save(cursor);
			}
		}
		return copyAtCursor(cursor, language.types, namedTable(language), 0);
	} finally {
		cursor.delete();
	}
}

function copyAtCursor(cursor: TreeCursor, types: string[], named: boolean[], depth: number): SyntaxNode {
	const typeId = cursor.nodeTypeId;
	const type = types[typeId] || 'ERROR';
	const start = cursor.startIndex;
	const end = cursor.endIndex;
	if (depth > MAX_COPY_DEPTH) return new SyntaxNode(TOO_DEEP, start, end, true, false, false, []);
	const children: SyntaxNode[] = [];
	if (cursor.gotoFirstChild()) {
		do {
			const child = copyAtCursor(cursor, types, named, depth + 1);
			if (child.isNamed && EXTRAS.has(child.type)) continue;
			children.push(child);
		} while (cursor.gotoNextSibling());
		cursor.gotoParent();
	}
	return new SyntaxNode(type, start, end, type === 'ERROR' || named[typeId] === true, type === 'ERROR', false, children);
}

/** copyAtCursor over the raw cursor functions (raw-cursor.ts): the same walk, the same nodes. */
function copyAtRawCursor(c: RawCursor, tree: number, types: string[], named: boolean[], depth: number): SyntaxNode {
	const typeId = c.typeId(tree);
	const type = types[typeId] || 'ERROR';
	const start = c.startIndex(tree);
	const end = c.endIndex(tree);
	if (depth > MAX_COPY_DEPTH) return new SyntaxNode(TOO_DEEP, start, end, true, false, false, []);
	const children: SyntaxNode[] = [];
	if (c.gotoFirstChild(tree) === 1) {
		do {
			const child = copyAtRawCursor(c, tree, types, named, depth + 1);
			if (child.isNamed && EXTRAS.has(child.type)) continue;
			children.push(child);
		} while (c.gotoNextSibling(tree) === 1);
		c.gotoParent(tree);
	}
	return new SyntaxNode(type, start, end, type === 'ERROR' || named[typeId] === true, type === 'ERROR', false, children);
}

function copy(node: Node, types: string[], named: boolean[], mayHaveError: boolean, depth: number): SyntaxNode {
	if (depth > MAX_COPY_DEPTH) return new SyntaxNode(TOO_DEEP, node.startIndex, node.endIndex, true, false, false, []);
	const typeId = node.typeId;
	const type = types[typeId] || 'ERROR';
	const end = node.endIndex;
	// Error flags cost a call per node: only asked for inside subtrees that have an error.
	const hasError = mayHaveError ? node.hasError : false;
	const isMissing = mayHaveError ? node.isMissing : false;
	const raw = node.children;
	const children: SyntaxNode[] = [];
	for (let i = 0; i < raw.length; i++) {
		const c = raw[i];
		if (!c) continue;
		const child = copy(c, types, named, hasError || isMissing, depth + 1);
		if (child.isNamed && EXTRAS.has(child.type)) continue;
		children.push(child);
	}
	return new SyntaxNode(type, node.startIndex, end, type === 'ERROR' || named[typeId] === true, hasError || type === 'ERROR', isMissing, children);
}
