import type { Node as JsonNode } from 'jsonc-parser';
import type { ObjectEntry, Origin, Value, ValueSource } from '../types';
import { evaluateArmString, type ArmEvalContext } from './expression';

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
	const origin = (replaceable: boolean): Origin => ({
		uri: ctx.uri,
		span,
		source: ctx.source,
		format: 'json',
		name: ctx.name,
		replaceable,
		jsonPath: path,
	});
	if (depth > 256) return { kind: 'unknown', reason: 'nesting too deep', origin: origin(false) };
	switch (node.type) {
		case 'string': {
			const raw = node.value as string;
			if (ctx.evalCtx) {
				const v = evaluateArmString(raw, { span, jsonPath: path }, { ...ctx.evalCtx, uri: ctx.uri });
				// A plain literal keeps the source of the place it is written in (parameter default, variable...).
				if (v.origin && v.origin.source === 'literal' && v.origin.replaceable) {
					return { ...v, origin: origin(true) } as Value;
				}
				return v;
			}
			return { kind: 'string', value: raw, origin: origin(true) };
		}
		case 'number':
			return { kind: 'number', value: node.value as number, origin: origin(true) };
		case 'boolean':
			return { kind: 'boolean', value: node.value as boolean, origin: origin(true) };
		case 'null':
			return { kind: 'null', origin: origin(true) };
		case 'array': {
			const items: Value[] = [];
			const children = node.children ?? [];
			for (let i = 0; i < children.length; i++) {
				items.push(jsonToValue(children[i], [...path, i], ctx, depth + 1));
			}
			return { kind: 'array', items, origin: origin(false) };
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
			return { kind: 'object', entries, origin: origin(false) };
		}
		default:
			return { kind: 'unknown', reason: 'unreadable JSON', origin: origin(false) };
	}
}

/** Case-insensitive property lookup on a jsonc object node. */
export function prop(node: JsonNode | undefined, key: string): JsonNode | undefined {
	if (!node || node.type !== 'object' || !node.children) return undefined;
	const lower = key.toLowerCase();
	for (const p of node.children) {
		const k = p.children?.[0];
		if (k && typeof k.value === 'string' && k.value.toLowerCase() === lower) return p.children?.[1];
	}
	return undefined;
}

/** The key as written for a case-insensitive lookup (for JSON paths). */
export function propKey(node: JsonNode | undefined, key: string): string {
	if (!node || node.type !== 'object' || !node.children) return key;
	const lower = key.toLowerCase();
	for (const p of node.children) {
		const k = p.children?.[0];
		if (k && typeof k.value === 'string' && k.value.toLowerCase() === lower) return k.value;
	}
	return key;
}

export function stringOf(node: JsonNode | undefined): string | undefined {
	return node && node.type === 'string' ? (node.value as string) : undefined;
}

export function spanOf(node: JsonNode): { start: number; end: number } {
	return { start: node.offset, end: node.offset + node.length };
}
