// Bicep parsing with web-tree-sitter and the tree-sitter-bicep grammar (wasm, no native code). The text is
// masked first (mask.ts) so that valid Bicep the grammar does not know yet parses without ERROR nodes;
// trees keep the user's offsets (UTF-16 code units, like String.prototype.slice and LSP positions).

import * as path from 'path';
import { Edit, Language, Parser, type Node, type ParseState, type Point, type Range, type Tree } from 'web-tree-sitter';
import { maskBicep, type MaskOptions } from './mask';
import { lineOf } from '../lines';
import { captureRawCursor } from './raw-cursor';
import { SyntaxCache } from './syntax';

export type { Node, Tree };

/** A change to a document: replace `span` (in the text as it is before this change) with `newText`. */
export interface TextChange {
	span: { start: number; end: number };
	newText: string;
}

let parser: Parser | undefined;
let initializing: Promise<void> | undefined;

/**
 * Load the tree-sitter runtime and the Bicep grammar. Without `wasmDir` both wasm files are resolved from
 * node_modules; the bundle passes `wasmDir: __dirname` (the build copies both files next to it).
 */
export function initBicep(opts: { wasmDir?: string } = {}): Promise<void> {
	if (parser) return Promise.resolve();
	if (!initializing) {
		initializing = (async () => {
			const runtimeWasm = opts.wasmDir ? path.join(opts.wasmDir, 'web-tree-sitter.wasm') : resolveAsset('web-tree-sitter/web-tree-sitter.wasm');
			const bicepWasm = opts.wasmDir ? path.join(opts.wasmDir, 'tree-sitter-bicep.wasm') : resolveAsset('tree-sitter-bicep/tree-sitter-bicep.wasm');
			// The runtime fills the options object with its exports: the raw cursor takes its functions from there.
			const runtime = { locateFile: () => runtimeWasm };
			await Parser.init(runtime);
			captureRawCursor(runtime);
			const language = await Language.load(bicepWasm);
			const p = new Parser();
			p.setLanguage(language);
			parser = p;
		})();
		// A failed load may be retried (e.g. with another wasmDir).
		initializing.catch(() => {
			initializing = undefined;
		});
	}
	return initializing;
}

/**
 * require.resolve through a variable: a bundler must not try to bundle (or warn about) the wasm files,
 * which the build copies next to the bundle and passes as `wasmDir`.
 */
function resolveAsset(id: string): string {
	return require.resolve(id);
}

export function isBicepReady(): boolean {
	return parser !== undefined;
}

/** What a tree was parsed from, so an incremental reparse can tell how the masked text moved. */
interface TreeSource {
	text: string;
	masked: string;
	bicepparam: boolean;
	/** An open document's tree (BicepDocumentCache): copies of its subtrees are kept between analyses. */
	syntax?: SyntaxCache;
}

const sources = new WeakMap<Tree, TreeSource>();

function requireParser(): Parser {
	if (!parser) throw new Error('Bicep parser not initialised: call initBicep() first');
	return parser;
}

// Parse time guard. Valid Bicep parses in time that grows faster than the text (member expressions cost
// O(file length) each, see the notes: 10,000 lines take 1-3 s), and tree-sitter's error recovery can spend
// seconds on a few KB of hostile text (a thousand `{"a":` in a row). A parse that runs past an allowance
// for its length is cancelled; the adapter then reads the text statement by statement (parseStatements),
// which is linear and bounds every statement on its own. Large texts go that way directly (see adapter).
const PARSE_BASE_MS = 100;
const PARSE_MS_PER_CHAR = 0.005;

/** With errors found: statement-wise reading (parseStatements) is cheaper than long error recovery. */
const PARSE_ERROR_BASE_MS = 30;
const PARSE_ERROR_MS_PER_CHAR = 0.002;

function parseAllowanceMs(chars: number): number {
	return PARSE_BASE_MS + PARSE_MS_PER_CHAR * chars;
}

/** parser.parse with the time guard; null when cancelled (the parser is reset for the next document). */
function guardedParse(p: Parser, text: string, oldTree: Tree | null, includedRanges?: Range[]): Tree | null {
	const chars = includedRanges ? includedRanges.reduce((n, r) => n + r.endIndex - r.startIndex, 0) : text.length;
	const start = performance.now();
	const allowance = parseAllowanceMs(chars);
	// Once error recovery has started, give up sooner: the statement-by-statement fallback is cheap.
	const errorAllowance = Math.min(allowance, PARSE_ERROR_BASE_MS + PARSE_ERROR_MS_PER_CHAR * chars);
	// Typed `=> void` in web-tree-sitter's declarations, but a true result cancels the parse.
	const progressCallback = ((state: ParseState): boolean => performance.now() - start > (state.hasError ? errorAllowance : allowance)) as unknown as (state: ParseState) => void;
	const tree = p.parse(text, oldTree, { includedRanges, progressCallback });
	if (!tree) p.reset();
	return tree;
}

/** Row/column (UTF-16 columns, as web-tree-sitter counts them) of `index` in `text`. */
function pointAt(text: string, index: number, from?: { index: number; point: Point }): Point {
	let row = from?.point.row ?? 0;
	let lineStart = from ? from.index - from.point.column : 0;
	let i = from?.index ?? 0;
	for (;;) {
		const nl = text.indexOf('\n', i);
		if (nl < 0 || nl >= index) break;
		row++;
		lineStart = nl + 1;
		i = nl + 1;
	}
	return { row, column: index - lineStart };
}

/** The tree-sitter edit for replacing [start, oldEnd) of `before` so that the text becomes `after`. */
function editFor(before: string, start: number, oldEnd: number, after: string, newEnd: number): Edit {
	const startPosition = pointAt(before, start);
	const anchor = { index: start, point: startPosition };
	return new Edit({
		startIndex: start,
		oldEndIndex: oldEnd,
		newEndIndex: newEnd,
		startPosition,
		oldEndPosition: pointAt(before, oldEnd, anchor),
		newEndPosition: pointAt(after, newEnd, anchor),
	});
}

/** The single edit turning `a` into `b` (common prefix and suffix kept), or undefined when equal. */
function diffEdit(a: string, b: string): Edit | undefined {
	if (a === b) return undefined;
	const max = Math.min(a.length, b.length);
	let p = 0;
	while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
	let s = 0;
	while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
	return editFor(a, p, a.length - s, b, b.length - s);
}

/**
 * Parse Bicep text. With `old`, the old tree is edited in place (`tree.edit`) with each change and the text
 * is reparsed incrementally; the caller still owns (and deletes) the old tree. `changes` are applied in
 * order, each against the text left by the previous one (LSP didChange semantics). Returns undefined when
 * the parse is cancelled by the time guard (hostile text that sends error recovery into a spin).
 */
export function parseBicep(
	text: string,
	old?: { tree: Tree; edits: TextChange[] },
	opts: MaskOptions = {},
): Tree | undefined {
	const p = requireParser();
	const bicepparam = opts.bicepparam === true;
	const masked = maskBicep(text, { bicepparam });
	let oldTree: Tree | null = null;
	const src = old ? sources.get(old.tree) : undefined;
	if (old && src && src.bicepparam === bicepparam) {
		let current = src.text;
		let expected = src.masked;
		let ok = true;
		for (const change of old.edits) {
			const { start, end } = change.span;
			if (start < 0 || end < start || end > current.length) {
				ok = false;
				break;
			}
			const next = current.slice(0, start) + change.newText + current.slice(end);
			old.tree.edit(editFor(current, start, end, next, start + change.newText.length));
			current = next;
			expected = expected.slice(0, start) + change.newText + expected.slice(end);
		}
		if (ok && current === text) {
			// Masks are local, but a change can move one (typing `...`, closing a string): describe whatever
			// else changed in the masked text as one more edit so no reused node lies about its text.
			const extra = diffEdit(expected, masked);
			if (extra) old.tree.edit(extra);
			oldTree = old.tree;
		}
	}
	const tree = guardedParse(p, masked, oldTree) ?? undefined;
	if (tree) sources.set(tree, { text, masked, bicepparam });
	return tree;
}

/** Top-level statements start at column 0 by convention; decorator lines stay with what follows. */
const STATEMENT_START = /^(?:@|#disable|resource\b|param\b|var\b|module\b|output\b|type\b|func\b|import\b|targetScope\b|metadata\b|using\b|assert\b|test\b)/;

/** Offsets where top-level statements start, by a line scan (decorators join the next statement). */
function statementStarts(text: string): number[] {
	const starts: number[] = [];
	let onlyDecorators = false;
	for (let i = 0; i <= text.length; ) {
		const nl = text.indexOf('\n', i);
		const end = nl < 0 ? text.length : nl;
		const line = text.slice(i, Math.min(end, i + 16));
		if (STATEMENT_START.test(line)) {
			const decorator = line.startsWith('@') || line.startsWith('#');
			if (!onlyDecorators) starts.push(i);
			onlyDecorators = decorator;
		}
		if (nl < 0) break;
		i = nl + 1;
	}
	return starts;
}

/**
 * The top-level statements of a tree, with broken regions re-read. Error recovery can glue the statements
 * after a syntax error into the broken one (`var y = (` swallows the next resource), so every top-level
 * node with an error is split at the statement starts it covers and each piece is parsed on its own
 * (`includedRanges`: same offsets, cost proportional to the piece). Healthy statements are taken as they
 * are. The extra trees belong to the caller (delete them after use).
 */
export function topLevelStatements(text: string, tree: Tree): { nodes: Node[]; trees: Tree[] } {
	const root = tree.rootNode;
	const children: Node[] = [];
	const count = root.namedChildCount;
	for (let i = 0; i < count; i++) {
		const c = root.namedChild(i);
		if (c) children.push(c);
	}
	if (!root.hasError) return { nodes: children, trees: [] };
	const p = requireParser();
	const src = sources.get(tree);
	const masked = src?.masked ?? maskBicep(text);
	const starts = statementStarts(masked);
	const nodes: Node[] = [];
	const trees: Tree[] = [];
	let rows: number[] | undefined;
	const point = (index: number): Point => pointInRows((rows ??= rowStarts(masked)), index);
	for (const c of children) {
		if (!c.hasError && !c.isError && !c.isMissing) {
			nodes.push(c);
			continue;
		}
		// Pieces of [c.start, c.end) between statement starts.
		const cuts = [c.startIndex, ...starts.filter((s) => s > c.startIndex && s < c.endIndex), c.endIndex];
		if (cuts.length === 2 && c.type !== 'ERROR') {
			// Nothing to split: the statement itself is broken; keep what the parser made of it.
			nodes.push(c);
			continue;
		}
		for (let k = 0; k + 1 < cuts.length; k++) {
			const start = cuts[k];
			const end = cuts[k + 1];
			if (masked.slice(start, end).trim() === '') continue;
			const piece = guardedParse(p, masked, null, [{ startIndex: start, endIndex: end, startPosition: point(start), endPosition: point(end) }]);
			if (!piece) continue;
			trees.push(piece);
			const pr = piece.rootNode;
			const n = pr.namedChildCount;
			for (let i = 0; i < n; i++) {
				const d = pr.namedChild(i);
				if (d) nodes.push(d);
			}
		}
	}
	return { nodes, trees };
}

/** Per-statement allowance when a whole-file parse was cancelled (valid statements take well under 1 ms). */
const PIECE_BASE_MS = 100;
/** ... and for a statement already in error recovery: it is lost either way. */
const PIECE_ERROR_MS = 10;

/**
 * Fallback when the whole-file parse was cancelled: parse statement by statement (cut at the statement
 * starts), each with its own small time allowance, so hostile text costs only its own statements and the
 * declarations around it are still read. `broken` is where the first unreadable statement starts.
 */
export function parseStatements(text: string, opts: MaskOptions = {}): { nodes: Node[]; trees: Tree[]; broken?: { start: number; end: number } } {
	const p = requireParser();
	const masked = maskBicep(text, opts);
	const starts = statementStarts(masked);
	if (starts[0] !== 0) starts.unshift(0);
	const rows = rowStarts(masked);
	const point = (index: number): Point => pointInRows(rows, index);
	const nodes: Node[] = [];
	const trees: Tree[] = [];
	let broken: { start: number; end: number } | undefined;
	// A bound for the whole fallback: many hostile statements cost their 10 ms each only up to here.
	const deadline = performance.now() + Math.max(250, 2 * parseAllowanceMs(text.length));
	for (let k = 0; k < starts.length; k++) {
		const start = starts[k];
		const end = k + 1 < starts.length ? starts[k + 1] : masked.length;
		if (k === 0 && !STATEMENT_START.test(masked.slice(start, start + 16))) {
			// Text before the first statement: comments, or something that does not start like a statement
			// (no declaration to find there, and error recovery on it is what was too slow).
			const head = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(masked.slice(start, end))![0].length;
			if (start + head >= end) continue;
			if (!/[A-Za-z_@#]/.test(masked[start + head])) {
				broken ??= { start: start + head, end: start + head + 1 };
				continue;
			}
		} else if (masked.slice(start, end).trim() === '') continue;
		const range: Range = { startIndex: start, endIndex: end, startPosition: point(start), endPosition: point(end) };
		const pieceDeadline = Math.min(deadline, performance.now() + PIECE_BASE_MS + 2 * PARSE_MS_PER_CHAR * (end - start));
		const pieceStart = performance.now();
		const cancel = ((state: ParseState): boolean => {
			const now = performance.now();
			return now > pieceDeadline || (state.hasError && now - pieceStart > PIECE_ERROR_MS);
		}) as unknown as (state: ParseState) => void;
		const piece = performance.now() < deadline ? p.parse(masked, null, { includedRanges: [range], progressCallback: cancel }) : null;
		if (!piece) {
			p.reset();
			broken ??= { start, end: Math.min(end, masked.indexOf('\n', start) < 0 ? end : masked.indexOf('\n', start)) };
			continue;
		}
		trees.push(piece);
		const root = piece.rootNode;
		if (root.hasError && !broken) {
			const err = firstSyntaxError(piece);
			if (err) broken = { start: err.startIndex, end: Math.max(err.endIndex, err.startIndex + 1) };
		}
		const n = root.namedChildCount;
		for (let i = 0; i < n; i++) {
			const d = root.namedChild(i);
			if (d) nodes.push(d);
		}
	}
	return { nodes, trees, broken };
}

/** Row starts as tree-sitter counts rows (a row ends at \n only, unlike an LSP line). */
function rowStarts(text: string): number[] {
	const out = [0];
	for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
	return out;
}

function pointInRows(rows: readonly number[], index: number): Point {
	const row = lineOf(rows, index);
	return { row, column: index - rows[row] };
}

/** First ERROR or MISSING node of the tree, or undefined when it parsed cleanly. */
export function firstSyntaxError(tree: Tree): Node | undefined {
	const root = tree.rootNode;
	if (!root.hasError) return undefined;
	let node: Node | null = root;
	// Descend into the first child that has the error: no full walk.
	outer: while (node) {
		if (node.isError || node.isMissing) return node;
		const count: number = node.childCount;
		for (let i = 0; i < count; i++) {
			const child: Node | null = node.child(i);
			if (child && (child.hasError || child.isError || child.isMissing)) {
				node = child;
				continue outer;
			}
		}
		return node;
	}
	return undefined;
}

/**
 * Parse trees of open documents, reparsed incrementally as they change. Trees are owned by the cache: a
 * returned tree stays valid until the next `update`/`delete` of the same uri.
 */
export class BicepDocumentCache {
	private readonly trees = new Map<string, { tree: Tree; text: string }>();
	private readonly syntax = new Map<string, SyntaxCache>();

	/** The tree for `text`; with `changes` (relative to the cached text) the old tree is reused. */
	update(uri: string, text: string, changes?: TextChange[]): Tree | undefined {
		const entry = this.trees.get(uri);
		if (entry && entry.text === text) return entry.tree;
		const bicepparam = /\.bicepparam$/i.test(uri);
		let tree: Tree | undefined;
		if (entry) {
			// Without changes, one diff edit still lets tree-sitter reuse the unchanged parts.
			const edits = changes ?? [diffChange(entry.text, text)];
			tree = parseBicep(text, { tree: entry.tree, edits }, { bicepparam });
			entry.tree.delete();
			this.trees.delete(uri);
		} else {
			tree = parseBicep(text, undefined, { bicepparam });
		}
		if (tree) {
			this.trees.set(uri, { tree, text });
			let syntax = this.syntax.get(uri);
			if (!syntax) this.syntax.set(uri, (syntax = new SyntaxCache()));
			const source = sources.get(tree);
			if (source) source.syntax = syntax;
		}
		return tree;
	}

	get(uri: string): Tree | undefined {
		return this.trees.get(uri)?.tree;
	}

	delete(uri: string): void {
		this.syntax.delete(uri);
		const entry = this.trees.get(uri);
		if (entry) {
			entry.tree.delete();
			this.trees.delete(uri);
		}
	}

	clear(): void {
		for (const entry of this.trees.values()) entry.tree.delete();
		this.trees.clear();
		this.syntax.clear();
	}
}

/** The subtree copies kept for the document a BicepDocumentCache tree belongs to, if it is one. */
export function syntaxCacheOf(tree: Tree): SyntaxCache | undefined {
	return sources.get(tree)?.syntax;
}

function diffChange(a: string, b: string): TextChange {
	const max = Math.min(a.length, b.length);
	let p = 0;
	while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
	let s = 0;
	while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
	return { span: { start: p, end: a.length - s }, newText: b.slice(p, b.length - s) };
}
