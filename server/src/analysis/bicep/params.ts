// Parameter files for Bicep templates: `.bicepparam` (Bicep syntax: `using '...'`, `param x = expr`, `var`)
// and ARM JSON `*.parameters.json`. The grammar cannot parse `param x = ...` assignments, so the masker
// rewrites them to `var   x = ...` (same length) and the ordinary evaluator reads them: literals, objects,
// arrays, variables, interpolation and functions all work; runtime values (getSecret(),
// readEnvironmentVariable()) are unknown.

import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { resolveUri, type Host } from '../host';
import type { ObjectEntry, Origin, Problem, Value } from '../types';
import { BicepEvaluator, namedChildren } from './evaluate';
import { firstSyntaxError, isBicepReady, parseBicep, topLevelStatements, type Tree } from './parser';
import { toSyntax, type SyntaxNode } from './syntax';

export interface BicepParams {
	/** The template named by `using '...'`, resolved against the parameter file (undefined for `using none`/registry). */
	using?: string;
	/** Parameter values by lower-cased name, origin source 'parameterFile'. */
	values: Map<string, Value>;
	problems: Problem[];
}

const MAX_EXTENDS = 4;
const REGISTRY = /^(br|ts)[:/]/i;

/** Read a `.bicepparam` file. Never throws. */
export function loadBicepParams(uri: string, text: string, host: Host, depth = 0): BicepParams {
	const result: BicepParams = { values: new Map(), problems: [] };
	const tree = isBicepReady() ? parseBicep(text, undefined, { bicepparam: true }) : undefined;
	if (!tree) {
		result.using = usingByScan(uri, text);
		return result;
	}
	let pieces: Tree[] = [];
	try {
		const err = firstSyntaxError(tree);
		if (err) {
			result.problems.push({
				message: err.isMissing ? `Syntax error: missing ${err.type}` : 'Syntax error',
				location: { uri, span: { start: err.startIndex, end: Math.max(err.endIndex, err.startIndex + 1) } },
				severity: 'error',
			});
		}
		// `extends './base.bicepparam'`: the base file's values, overridden by this file's.
		const ext = /^[ \t]*extends[ \t]+'([^'\n]*)'/m.exec(text);
		if (ext && depth < MAX_EXTENDS) {
			const baseUri = resolveUri(uri, ext[1]);
			const baseText = baseUri && baseUri !== uri ? host.readText(baseUri) : undefined;
			if (baseUri && baseText !== undefined) {
				for (const [k, v] of loadBicepParams(baseUri, baseText, host, depth + 1).values) result.values.set(k, v);
			}
		}
		const ev = new BicepEvaluator(uri, text);
		const params: string[] = [];
		const top = topLevelStatements(text, tree);
		pieces = top.trees;
		for (const node of top.nodes) {
			switch (node.type) {
				case 'using_statement': {
					const s = node.namedChild(0);
					if (s?.type === 'string' && s.namedChildCount <= 1) {
						const path = text.slice(s.startIndex + 1, s.endIndex - 1);
						if (!REGISTRY.test(path)) result.using = resolveUri(uri, path);
					}
					break;
				}
				case 'variable_declaration': {
					const nameNode = node.namedChild(0);
					const parts = namedChildren(node);
					const valueNode = parts.length >= 2 ? parts[parts.length - 1] : undefined;
					if (!nameNode || nameNode.type !== 'identifier' || !valueNode) break;
					const name = text.slice(nameNode.startIndex, nameNode.endIndex);
					// Masked `param` assignments start with `param` in the user's text.
					const isParam = text.startsWith('param', node.startIndex);
					let copied: SyntaxNode | undefined;
					ev.symbols.set(name, { kind: 'var', expr: () => (copied ??= toSyntax(valueNode)), source: isParam ? 'parameterFile' : 'variable', name, state: 0 });
					if (isParam) params.push(name);
					break;
				}
				case 'import_functionality':
				case 'import_statement':
					for (const c of namedChildren(node)) {
						if (c.type === 'identifier') ev.symbols.set(text.slice(c.startIndex, c.endIndex), { kind: 'namespace', reason: 'imported from another file' });
					}
					break;
			}
		}
		// Evaluated now: the tree is deleted below.
		for (const name of params) {
			const sym = ev.symbols.get(name);
			if (sym?.kind === 'var') result.values.set(name.toLowerCase(), ev.evalVar(sym));
		}
	} catch (e) {
		result.problems.push({
			message: `Internal error while reading the parameter file: ${e instanceof Error ? e.message : String(e)}`,
			location: { uri, span: { start: 0, end: Math.min(1, text.length) } },
			severity: 'warning',
		});
	} finally {
		for (const t of pieces) t.delete();
		tree.delete();
	}
	return result;
}

/** The template a `.bicepparam` file uses (for opening the template when the parameter file is edited). */
export function readUsingTarget(uri: string, text: string): string | undefined {
	return usingByScan(uri, text);
}

/** `using '<path>'` found by a line scan that skips comments: no parse needed for one statement. */
function usingByScan(uri: string, text: string): string | undefined {
	let inBlock = false;
	for (const line of text.split('\n')) {
		let l = line;
		if (inBlock) {
			const end = l.indexOf('*/');
			if (end < 0) continue;
			l = l.slice(end + 2);
			inBlock = false;
		}
		const start = l.indexOf('/*');
		if (start >= 0 && l.indexOf('*/', start) < 0) {
			inBlock = true;
			l = l.slice(0, start);
		}
		const m = /^\s*using\s+'([^'\n]*)'/.exec(l);
		if (m) return REGISTRY.test(m[1]) ? undefined : resolveUri(uri, m[1]);
	}
	return undefined;
}

// -- ARM JSON parameter files

export interface JsonParams {
	values: Map<string, Value>;
	problems: Problem[];
}

/** Read `parameters.<p>.value` of an ARM parameter file; undefined when the text is not one. */
export function loadJsonParams(uri: string, text: string): JsonParams | undefined {
	const errors: ParseError[] = [];
	let root: JsonNode | undefined;
	try {
		root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
	} catch {
		return undefined;
	}
	if (!root || root.type !== 'object') return undefined;
	const parameters = jsonProp(root, 'parameters');
	if (!parameters || parameters.node.type !== 'object') return undefined;
	const result: JsonParams = { values: new Map(), problems: [] };
	if (errors.length) {
		const e = errors[0];
		result.problems.push({ message: 'Invalid JSON', location: { uri, span: { start: e.offset, end: e.offset + Math.max(1, e.length) } }, severity: 'error' });
	}
	for (const prop of parameters.node.children ?? []) {
		const [keyNode, decl] = prop.children ?? [];
		if (!keyNode || typeof keyNode.value !== 'string' || !decl || decl.type !== 'object') continue;
		const name = keyNode.value;
		const value = jsonProp(decl, 'value');
		if (value) {
			result.values.set(name.toLowerCase(), jsonToValue(value.node, ['parameters', name, value.key], uri, name, 0));
			continue;
		}
		const reference = jsonProp(decl, 'reference');
		if (reference) {
			result.values.set(name.toLowerCase(), {
				kind: 'unknown',
				reason: `parameter '${name}' is a Key Vault reference`,
				origin: jsonOrigin(reference.node, ['parameters', name, reference.key], uri, name, false),
			});
		}
	}
	return result;
}

function jsonProp(obj: JsonNode, key: string): { key: string; node: JsonNode } | undefined {
	const lower = key.toLowerCase();
	for (const p of obj.children ?? []) {
		const [k, v] = p.children ?? [];
		if (k && v && typeof k.value === 'string' && k.value.toLowerCase() === lower) return { key: k.value, node: v };
	}
	return undefined;
}

function jsonOrigin(node: JsonNode, path: (string | number)[], uri: string, name: string, replaceable: boolean): Origin {
	return { uri, span: { start: node.offset, end: node.offset + node.length }, source: 'parameterFile', format: 'json', name, replaceable, jsonPath: path };
}

function jsonToValue(node: JsonNode, path: (string | number)[], uri: string, name: string, depth: number): Value {
	const origin = (replaceable: boolean) => jsonOrigin(node, path, uri, name, replaceable);
	if (depth > 200) return { kind: 'unknown', reason: 'nesting too deep', origin: origin(false) };
	switch (node.type) {
		case 'string':
			return { kind: 'string', value: node.value as string, origin: origin(true) };
		case 'number':
			return { kind: 'number', value: node.value as number, origin: origin(true) };
		case 'boolean':
			return { kind: 'boolean', value: node.value as boolean, origin: origin(true) };
		case 'null':
			return { kind: 'null', origin: origin(true) };
		case 'array':
			return { kind: 'array', items: (node.children ?? []).map((c, i) => jsonToValue(c, [...path, i], uri, name, depth + 1)), origin: origin(false) };
		case 'object': {
			const entries = new Map<string, ObjectEntry>();
			for (const p of node.children ?? []) {
				const [k, v] = p.children ?? [];
				if (!k || !v || typeof k.value !== 'string') continue;
				entries.set(k.value.toLowerCase(), {
					key: k.value,
					value: jsonToValue(v, [...path, k.value], uri, name, depth + 1),
					keySpan: { start: k.offset + 1, end: k.offset + k.length - 1 },
					site: { uri, span: { start: v.offset, end: v.offset + v.length } },
				});
			}
			return { kind: 'object', entries, origin: origin(false) };
		}
		default:
			return { kind: 'unknown', reason: 'unreadable JSON', origin: origin(false) };
	}
}
