import type { Node as JsonNode } from 'jsonc-parser';
import { MAX_VALUE_SIZE, valueSize } from '../rule';
import type { ObjectEntry, Origin, Value, ValueSource } from '../types';
import { evaluateArmString, isArmExpression, unescapeArmLiteral, type ArmEvalContext } from './expression';

export type JsonPath = (string | number)[];

export interface ConvertContext {
	uri: string;
	source: ValueSource;
	name?: string;
	/** Evaluates `"[...]"` strings; absent for parameter files, where strings are plain values. */
	evalCtx?: ArmEvalContext;
}

/**
 * Convert a jsonc-parser node to a Value, evaluating ARM expressions in strings. Every literal keeps
 * its origin (span incl. quotes, JSON path) so findings can point at it and fixes can replace it.
 * Iterative depth is bounded by the parser's own nesting; we guard against pathological depth anyway.
 */
export function jsonToValue(node: JsonNode, path: JsonPath, ctx: ConvertContext, depth = 0): Value {
	const span = { start: node.offset, end: node.offset + node.length };
	if (depth > 256) return { kind: 'unknown', reason: 'nesting too deep', origin: originAt(ctx, span, path, false) };
	switch (node.type) {
		case 'string': {
			const raw = node.value as string;
			// Plain strings (most of a template) need no evaluator: build the literal directly.
			if (ctx.evalCtx && isArmExpression(raw)) {
				const evalCtx = ctx.evalCtx.uri === ctx.uri ? ctx.evalCtx : { ...ctx.evalCtx, uri: ctx.uri };
				const v = evaluateArmString(raw, { span, jsonPath: path }, evalCtx);
				// A plain literal keeps the source of the place it is written in (parameter default, variable...).
				if (v.origin && v.origin.source === 'literal' && v.origin.replaceable) {
					return { ...v, origin: originAt(ctx, span, path, true) } as Value;
				}
				return v;
			}
			return { kind: 'string', value: ctx.evalCtx ? unescapeArmLiteral(raw) : raw, origin: originAt(ctx, span, path, true) };
		}
		case 'number':
			return { kind: 'number', value: node.value as number, origin: originAt(ctx, span, path, true) };
		case 'boolean':
			return { kind: 'boolean', value: node.value as boolean, origin: originAt(ctx, span, path, true) };
		case 'null':
			return { kind: 'null', origin: originAt(ctx, span, path, true) };
		case 'array': {
			const items: Value[] = [];
			const children = node.children ?? [];
			for (let i = 0; i < children.length; i++) {
				items.push(jsonToValue(children[i], [...path, i], ctx, depth + 1));
			}
			return bounded({ kind: 'array', items, origin: originAt(ctx, span, path, false) });
		}
		case 'object': {
			const entries = new Map<string, ObjectEntry>();
			for (const prop of node.children ?? []) {
				const [keyNode, valueNode] = prop.children ?? [];
				if (!keyNode || !valueNode || typeof keyNode.value !== 'string') continue;
				const key = keyNode.value;
				entries.set(key.toLowerCase(), {
					key,
					value: jsonToValue(valueNode, [...path, key], ctx, depth + 1),
					keySpan: { start: keyNode.offset + 1, end: keyNode.offset + keyNode.length - 1 },
					site: { uri: ctx.uri, span: { start: valueNode.offset, end: valueNode.offset + valueNode.length } },
				});
			}
			return bounded({ kind: 'object', entries, origin: originAt(ctx, span, path, false) });
		}
		default:
			return { kind: 'unknown', reason: 'unreadable JSON', origin: originAt(ctx, span, path, false) };
	}
}

function originAt(ctx: ConvertContext, span: { start: number; end: number }, path: JsonPath, replaceable: boolean): Origin {
	return { uri: ctx.uri, span, source: ctx.source, format: 'json', name: ctx.name, replaceable, jsonPath: path };
}

/** Case-insensitive property lookup on a jsonc object node. */
export function prop(node: JsonNode | undefined, key: string): JsonNode | undefined {
	if (!node || node.type !== 'object' || !node.children) return undefined;
	const lower = key.toLowerCase();
	for (const p of node.children) {
		const k = p.children?.[0];
		if (k && typeof k.value === 'string' && sameKey(k.value, key, lower)) return p.children?.[1];
	}
	return undefined;
}

/** The key as written for a case-insensitive lookup (for JSON paths). */
export function propKey(node: JsonNode | undefined, key: string): string {
	if (!node || node.type !== 'object' || !node.children) return key;
	const lower = key.toLowerCase();
	for (const p of node.children) {
		const k = p.children?.[0];
		if (k && typeof k.value === 'string' && sameKey(k.value, key, lower)) return k.value;
	}
	return key;
}

/**
 * Case-insensitive key comparison without lower-casing every key of every object looked at. Keys of
 * different lengths never match (as in ARM's ordinal ignore-case comparison; callers pass ASCII keys).
 */
function sameKey(written: string, key: string, lower: string): boolean {
	return written.length === key.length && (written === key || written.toLowerCase() === lower);
}

export function stringOf(node: JsonNode | undefined): string | undefined {
	return node && node.type === 'string' ? (node.value as string) : undefined;
}

export function spanOf(node: JsonNode): { start: number; end: number } {
	return { start: node.offset, end: node.offset + node.length };
}

/** A literal array/object whose members share a large variable value (`{ "a": "[variables('v')]", "b": ... }`) can be exponentially large once expanded: unknown then. */
function bounded(v: Value): Value {
	return valueSize(v) > MAX_VALUE_SIZE ? { kind: 'unknown', reason: `value larger than ${MAX_VALUE_SIZE} elements`, origin: v.origin } : v;
}
