import type { Node as JsonNode } from 'jsonc-parser';
import { MAX_VALUE_SIZE, valueSize } from '../rule';
import type { Location, ObjectEntry, Span, Value, ValueSource } from '../types';
import { JsonOrigin, PathStep, type JsonPath, type PathAt } from './json-path';
import { eachMember } from './lazy-json';
import { evaluateArmString, isArmExpression, unescapeArmLiteral, type ArmEvalContext } from './expression';

export type { JsonPath };

export interface ConvertContext {
	uri: string;
	source: ValueSource;
	name?: string;
	/** Evaluates `"[...]"` strings; absent for parameter files, where strings are plain values. */
	evalCtx?: ArmEvalContext;
	/**
	 * Objects read their members when first asked (resource bodies: rules read a few paths of the resources they
	 * check). Their expanded size is then not capped here: whatever walks a whole value checks `valueSize` first.
	 */
	lazyObjects?: boolean;
}

/**
 * Convert a jsonc-parser node to a Value, evaluating ARM expressions in strings. Every literal keeps
 * its origin (span incl. quotes, JSON path) so findings can point at it and fixes can replace it.
 * Iterative depth is bounded by the parser's own nesting; we guard against pathological depth anyway.
 */
export function jsonToValue(node: JsonNode, path: PathAt, ctx: ConvertContext): Value {
	const evalCtx = ctx.evalCtx && ctx.evalCtx.uri !== ctx.uri ? { ...ctx.evalCtx, uri: ctx.uri } : ctx.evalCtx;
	return convert(node, path, undefined, ctx, evalCtx, 0);
}

/** Expanded size (see `valueSize`) of the value the last `convert` call returned: counted while building. */
let convertedSize = 0;

/** The value of `node`, written at `key` below path `up`. */
function convert(node: JsonNode, up: PathAt, key: string | number | undefined, ctx: ConvertContext, evalCtx: ArmEvalContext | undefined, depth: number): Value {
	const start = node.offset;
	const end = node.offset + node.length;
	convertedSize = 1;
	if (depth > 256) return { kind: 'unknown', reason: 'nesting too deep', origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, false, up, key) };
	switch (node.type) {
		case 'string': {
			const raw = node.value as string;
			// Plain strings (most of a template) need no evaluator: build the literal directly.
			if (evalCtx && isArmExpression(raw)) {
				const v = evaluateArmString(raw, { span: { start, end }, path: key === undefined ? up : new PathStep(up, key) }, evalCtx);
				convertedSize = valueSize(v);
				// A plain literal keeps the source of the place it is written in (parameter default, variable...).
				if (v.origin && v.origin.source === 'literal' && v.origin.replaceable) {
					return { ...v, origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, true, up, key) } as Value;
				}
				return v;
			}
			const value = evalCtx ? unescapeArmLiteral(raw) : raw;
			convertedSize = 1 + (value.length >> 6);
			return { kind: 'string', value, origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, true, up, key) };
		}
		case 'number':
			return { kind: 'number', value: node.value as number, origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, true, up, key) };
		case 'boolean':
			return { kind: 'boolean', value: node.value as boolean, origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, true, up, key) };
		case 'null':
			return { kind: 'null', origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, true, up, key) };
		case 'array': {
			const origin = new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, false, up, key);
			const items: Value[] = [];
			const children = node.children ?? [];
			let size = 1;
			for (let i = 0; i < children.length; i++) {
				items.push(convert(children[i], origin, i, ctx, evalCtx, depth + 1));
				size += convertedSize;
			}
			return bounded({ kind: 'array', items, origin }, size);
		}
		case 'object': {
			const origin = new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, false, up, key);
			if (ctx.lazyObjects) return new LazyObject(node, origin, ctx, evalCtx, depth);
			const { entries, size } = members(node, origin, ctx, evalCtx, depth);
			return bounded({ kind: 'object', entries, origin }, size);
		}
		default:
			return { kind: 'unknown', reason: 'unreadable JSON', origin: new JsonOrigin(ctx.uri, start, end, ctx.source, ctx.name, false, up, key) };
	}
}

/** The converted members of an object node, and their expanded size. */
function members(node: JsonNode, origin: JsonOrigin, ctx: ConvertContext, evalCtx: ArmEvalContext | undefined, depth: number): { entries: Map<string, ObjectEntry>; size: number } {
	const entries = new Map<string, ObjectEntry>();
	let size = 1;
	eachMember(node, (name, keyOffset, keyLength, valueNode) => {
		const value = convert(valueNode, origin, name, ctx, evalCtx, depth + 1);
		// A later duplicate key replaces the earlier one (as in JSON.parse and ARM).
		const lower = name.toLowerCase();
		const earlier = entries.get(lower);
		if (earlier) size -= valueSize(earlier.value);
		size += convertedSize;
		entries.set(lower, new JsonEntry(name, value, ctx.uri, keyOffset, keyLength, valueNode.offset, valueNode.offset + valueNode.length));
	});
	return { entries, size };
}

/**
 * An object value whose members are listed when first read, and each member's value converted when that member
 * is first read (see ConvertContext.lazyObjects): a rule reading `properties.minTlsVersion` evaluates that
 * string, not the routing rules and endpoints beside it.
 */
class LazyObject {
	readonly kind = 'object' as const;
	private read?: Map<string, ObjectEntry>;

	constructor(
		private readonly node: JsonNode,
		readonly origin: JsonOrigin,
		readonly ctx: ConvertContext,
		readonly evalCtx: ArmEvalContext | undefined,
		readonly depth: number,
	) {}

	get entries(): Map<string, ObjectEntry> {
		if (!this.read) {
			const entries = new Map<string, ObjectEntry>();
			// A later duplicate key replaces the earlier one (as in JSON.parse and ARM).
			eachMember(this.node, (name, keyOffset, keyLength, valueNode) => {
				entries.set(name.toLowerCase(), new JsonEntry(name, undefined, this.ctx.uri, keyOffset, keyLength, valueNode.offset, valueNode.offset + valueNode.length, valueNode, this));
			});
			this.read = entries;
		}
		return this.read;
	}
}

/**
 * A member of a converted JSON object. Its key span and site are made when first read: a rule reads few of the
 * members a template has. A lazy object's member converts its value when first read too.
 */
class JsonEntry implements ObjectEntry {
	private keyAt?: Span;
	private siteAt?: Location;

	constructor(
		readonly key: string,
		private converted: Value | undefined,
		private readonly uri: string,
		private readonly keyOffset: number,
		private readonly keyLength: number,
		private readonly valueStart: number,
		private readonly valueEnd: number,
		private readonly valueNode?: JsonNode,
		private readonly owner?: LazyObject,
	) {}

	get value(): Value {
		if (this.converted === undefined) {
			const o = this.owner as LazyObject;
			this.converted = convert(this.valueNode as JsonNode, o.origin, this.key, o.ctx, o.evalCtx, o.depth + 1);
		}
		return this.converted;
	}

	get keySpan(): Span {
		this.keyAt ??= { start: this.keyOffset + 1, end: this.keyOffset + this.keyLength - 1 };
		return this.keyAt;
	}

	get site(): Location {
		if (!this.siteAt) {
			const o = this.value.origin;
			const span = o && o.span.start === this.valueStart && o.span.end === this.valueEnd ? o.span : { start: this.valueStart, end: this.valueEnd };
			this.siteAt = { uri: this.uri, span };
		}
		return this.siteAt;
	}
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
function bounded(v: Value, size: number): Value {
	if (size > MAX_VALUE_SIZE) {
		convertedSize = 1;
		return { kind: 'unknown', reason: `value larger than ${MAX_VALUE_SIZE} elements`, origin: v.origin };
	}
	convertedSize = size;
	return v;
}
