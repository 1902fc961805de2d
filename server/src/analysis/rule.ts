import type { EditIntent, InsertedResource, JsonValue, RelatedInformation, Suggestion } from './findings';
import type { Location, ObjectEntry, Origin, Resource, Severity, Template, Value } from './types';

/** A property looked up on a resource, as rules see it. */
export interface Prop {
	path: string;
	/** The evaluated value with its provenance. */
	raw: Value;
	/** Plain JS value when fully known (strings, numbers, booleans, null, arrays, objects), else undefined. */
	value: unknown;
	known: boolean;
	/** Where the finding about this property is shown: the deepest place in the resource's own text. */
	site: Location;
	keySite?: Location;
	origin?: Origin;
}

export interface ReportDescriptor {
	messageId: string;
	data?: Record<string, string | number | boolean | undefined>;
	/** Where to report: a property, a location, or (default) the resource's type string. */
	node?: Prop | Location;
	suggest?: Suggestion[];
	related?: RelatedInformation[];
	/**
	 * A weaker variant of the rule's finding (e.g. a non-secure parameter where a literal secret is an
	 * error): caps the finding's level at this one. It only ever lowers the configured level, never raises it.
	 */
	severity?: Exclude<Severity, 'off'>;
}

export interface RuleContext {
	resource: ResourceView;
	template: Template;
	/** Every resource of the template, for cross-resource rules. */
	resources: ResourceView[];
	/** The resources of one type (case-insensitive), in template order. */
	ofType(type: string): readonly ResourceView[];
	/** The resources whose lower-cased type passes `test`, in template order. */
	ofTypeWhere(test: (typeKey: string) => boolean): readonly ResourceView[];
	/** A value computed once per analysis of the template (shared by every rule and resource), by key. */
	shared<T>(key: string, compute: () => T): T;
	report(descriptor: ReportDescriptor): void;
	/** Report "cannot verify" (info) when the user opted in to unknown-value reports. */
	unknown(prop: Prop, data?: Record<string, string | number | boolean | undefined>): void;
}

export interface TemplateRuleContext {
	template: Template;
	resources: ResourceView[];
	ofType(type: string): readonly ResourceView[];
	ofTypeWhere(test: (typeKey: string) => boolean): readonly ResourceView[];
	shared<T>(key: string, compute: () => T): T;
	report(descriptor: ReportDescriptor & { node: Prop | Location }): void;
}

export interface RuleDefinition {
	id: string;
	mcsb: string;
	title: string;
	/** Default level from the catalog. */
	severity: Severity;
	/** Resource types the rule checks (case-insensitive); empty for template-wide rules. */
	resourceTypes: string[];
	fix: 'none' | 'safe' | 'suggestion';
	messages: Record<string, string>;
	check?(ctx: RuleContext): void;
	checkTemplate?(ctx: TemplateRuleContext): void;
}

export type Rule = RuleDefinition;

export function defineRule(rule: RuleDefinition): Rule {
	return rule;
}

export function setProperty(path: string, value: JsonValue): EditIntent {
	return { kind: 'setProperty', path, value };
}

export function removeProperty(path: string): EditIntent {
	return { kind: 'removeProperty', path };
}

export function raiseApiVersion(version: string): EditIntent {
	return { kind: 'raiseApiVersion', version };
}

export function markParameterSecure(parameter: string, dropDefault = true): EditIntent {
	return { kind: 'markParameterSecure', parameter, dropDefault };
}

export function markOutputSecure(output: string): EditIntent {
	return { kind: 'markOutputSecure', output };
}

export function removeOutput(output: string): EditIntent {
	return { kind: 'removeOutput', output };
}

export function insertResource(resource: InsertedResource): EditIntent {
	return { kind: 'insertResource', resource };
}

/**
 * Cap on the expanded size of one value (elements, plus one per 64 string characters). The evaluators
 * share sub-values (`createArray(v, v)`, `[v, v]`, `{ a: v, b: v }` through variables), so a few lines can
 * describe a value whose plain form is exponential: toPlain, JSON text and rule walks over it would run
 * out of memory. Values larger than this are unknown.
 */
export const MAX_VALUE_SIZE = 1_000_000;

const valueSizes = new WeakMap<Value, number>();
/**
 * Sizes are memoised only from this size up: that is all the protection against shared sub-values needs (a
 * smaller value costs at most this much to count again), and a WeakMap entry per small value is expensive (V8
 * keeps WeakMap keys through minor GCs, so every small value of an analysis would be promoted to the old space).
 */
const MEMO_FROM = 1024;

/** Expanded size of a value (a shared sub-value counts once per use), memoised; stops counting past MAX_VALUE_SIZE. */
export function valueSize(v: Value): number {
	if (v.kind === 'string') return 1 + (v.value.length >> 6);
	if (v.kind !== 'array' && v.kind !== 'object') return 1;
	const known = valueSizes.get(v);
	if (known !== undefined) return known;
	let n = 1;
	if (v.kind === 'array') {
		for (const item of v.items) {
			n += valueSize(item);
			if (n > MAX_VALUE_SIZE) break;
		}
	} else {
		for (const e of v.entries.values()) {
			n += valueSize(e.value);
			if (n > MAX_VALUE_SIZE) break;
		}
	}
	if (n >= MEMO_FROM) valueSizes.set(v, n);
	return n;
}

/** Deeper values than this are treated as unknown (the evaluators cap nesting well below it). */
const MAX_PLAIN_DEPTH = 200;

/** Plain JS value of a fully known Value, or undefined when any part is unknown (or absurdly deep or large). */
export function toPlain(v: Value, depth = 0): unknown {
	// Values whose members are read lazily (ARM resource bodies) are not capped when built: count here.
	return plainOf(v, depth, { left: MAX_VALUE_SIZE });
}

function plainOf(v: Value, depth: number, budget: { left: number }): unknown {
	if (depth > MAX_PLAIN_DEPTH) return undefined;
	switch (v.kind) {
		case 'string':
			budget.left -= 1 + (v.value.length >> 6);
			return budget.left < 0 ? undefined : v.value;
		case 'number':
		case 'boolean':
			return v.value;
		case 'null':
			return null;
		case 'unknown':
			return undefined;
		case 'array': {
			if (--budget.left < 0) return undefined;
			const out: unknown[] = [];
			for (const item of v.items) {
				const p = plainOf(item, depth + 1, budget);
				if (p === undefined) return undefined;
				out.push(p);
			}
			return out;
		}
		case 'object': {
			if (--budget.left < 0) return undefined;
			const out: Record<string, unknown> = {};
			for (const e of v.entries.values()) {
				const p = plainOf(e.value, depth + 1, budget);
				if (p === undefined) return undefined;
				out[e.key] = p;
			}
			return out;
		}
	}
}

/** Deep equality of two known values (strings case-sensitive, object keys case-insensitive). */
export function valuesEqual(a: Value, b: Value, caseInsensitive = false, step?: () => void): boolean | undefined {
	step?.();
	if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
	if (a.kind !== b.kind) return false;
	switch (a.kind) {
		case 'string': {
			const bv = (b as typeof a).value;
			return caseInsensitive ? a.value.toLowerCase() === bv.toLowerCase() : a.value === bv;
		}
		case 'number':
		case 'boolean':
			return a.value === (b as typeof a).value;
		case 'null':
			return true;
		case 'array': {
			const bi = (b as Extract<Value, { kind: 'array' }>).items;
			if (a.items.length !== bi.length) return false;
			let unknown = false;
			for (let i = 0; i < bi.length; i++) {
				const r = valuesEqual(a.items[i], bi[i], caseInsensitive, step);
				if (r === false) return false;
				if (r === undefined) unknown = true;
			}
			return unknown ? undefined : true;
		}
		case 'object': {
			const be = (b as Extract<Value, { kind: 'object' }>).entries;
			if (a.entries.size !== be.size) return false;
			let unknown = false;
			for (const [k, e] of a.entries) {
				const other = be.get(k);
				if (!other) return false;
				const r = valuesEqual(e.value, other.value, caseInsensitive, step);
				if (r === false) return false;
				if (r === undefined) unknown = true;
			}
			return unknown ? undefined : true;
		}
	}
}

/** Case-insensitive member lookup on an object value. */
export function member(v: Value | undefined, key: string): Value | undefined {
	if (!v || v.kind !== 'object') return undefined;
	return v.entries.get(key.toLowerCase())?.value;
}

/** True when the value is unknown anywhere inside. */
export function isUnknown(v: Value): boolean {
	return toPlain(v) === undefined;
}

/** The first unknown reason inside a value (for "cannot verify" messages). */
export function unknownReason(v: Value): string | undefined {
	switch (v.kind) {
		case 'unknown':
			return v.reason;
		case 'array':
			for (const i of v.items) {
				const r = unknownReason(i);
				if (r) return r;
			}
			return undefined;
		case 'object':
			for (const e of v.entries.values()) {
				const r = unknownReason(e.value);
				if (r) return r;
			}
			return undefined;
		default:
			return undefined;
	}
}

function within(loc: Location, outer: Location): boolean {
	return loc.uri === outer.uri && loc.span.start >= outer.span.start && loc.span.end <= outer.span.end;
}

/** A resource as rules see it: typed lookups by property path, case-insensitively. */
export class ResourceView {
	/** The type lower-cased, for comparisons. */
	readonly typeKey: string;

	constructor(
		readonly resource: Resource,
		readonly template: Template,
	) {
		this.typeKey = resource.type.toLowerCase();
	}

	get name(): string {
		return this.resource.displayName;
	}

	get type(): string {
		return this.resource.type;
	}

	get apiVersion(): string | undefined {
		return this.resource.apiVersion;
	}

	/** The resource's type string: where findings about missing properties go. */
	get node(): Location {
		return this.resource.typeSite;
	}

	isType(type: string): boolean {
		return this.typeKey === lowerCased(type);
	}

	private derived?: Map<string, unknown>;

	/** A value derived from this resource, computed once per analysis and shared by the rules (read-only). */
	memo<T>(key: string, compute: () => T): T {
		this.derived ??= new Map();
		if (!this.derived.has(key)) this.derived.set(key, compute());
		return this.derived.get(key) as T;
	}

	/**
	 * Look a property up by dotted path. Returns undefined when the property (or an object on the way) is
	 * missing or null, i.e. the service default applies. An unknown value on the way gives an unknown Prop.
	 */
	get(path: string): Prop | undefined {
		return lookup(this.resource.body, path, this.resource.site);
	}
}

const lowered = new Map<string, string>();

/** `s.toLowerCase()`, remembered: rules compare against the same few type names for every resource. */
function lowerCased(s: string): string {
	let l = lowered.get(s);
	if (l === undefined) {
		l = s.toLowerCase();
		if (lowered.size < 1024) lowered.set(s, l);
	}
	return l;
}

/** The views of each type (lower-cased type → views in template order), built on first use. */
export class TypeIndex {
	private index?: Map<string, ResourceView[]>;

	constructor(private readonly views: readonly ResourceView[]) {}

	ofType(type: string): readonly ResourceView[] {
		return this.built().get(lowerCased(type)) ?? [];
	}

	/** The views whose lower-cased type passes `test`, in template order. */
	where(test: (typeKey: string) => boolean): readonly ResourceView[] {
		const keys = [...this.built().keys()].filter(test);
		if (keys.length <= 1) return keys.length === 0 ? [] : this.built().get(keys[0])!;
		const wanted = new Set(keys);
		return this.views.filter((v) => wanted.has(v.typeKey));
	}

	private built(): Map<string, ResourceView[]> {
		if (!this.index) {
			this.index = new Map();
			for (const v of this.views) {
				const list = this.index.get(v.typeKey);
				if (list) list.push(v);
				else this.index.set(v.typeKey, [v]);
			}
		}
		return this.index;
	}
}

const segmentCache = new Map<string, string[]>();

/** A dotted path's lower-cased segments, remembered (rules look the same few paths up on every resource). */
function pathSegments(path: string): string[] {
	let segments = segmentCache.get(path);
	if (!segments) {
		segments = path.toLowerCase().split('.');
		if (segmentCache.size < 4096) segmentCache.set(path, segments);
	}
	return segments;
}

/** Dotted-path lookup inside any value, tracking the deepest site within `home`. */
export function lookup(root: Value, path: string, home: Location): Prop | undefined {
	let cur: Value = root;
	let site: Location = home;
	// The leaf's entry when it is written inside `home` (its key span is where a key finding goes).
	let leaf: ObjectEntry | undefined;
	const segments = pathSegments(path);
	for (let i = 0; i < segments.length; i++) {
		if (cur.kind === 'unknown') {
			return { path, raw: cur, value: undefined, known: false, site, origin: cur.origin };
		}
		if (cur.kind !== 'object') return undefined;
		const entry = cur.entries.get(segments[i]);
		if (!entry) return undefined;
		if (entry.site && within(entry.site, home)) {
			site = entry.site;
			leaf = entry;
		} else {
			leaf = undefined;
		}
		cur = entry.value;
	}
	if (cur.kind === 'null') return undefined;
	const value = toPlain(cur);
	const keySite = leaf?.keySpan && leaf.site ? { uri: leaf.site.uri, span: leaf.keySpan } : undefined;
	return { path, raw: cur, value, known: value !== undefined, site, keySite, origin: cur.origin };
}

export function levelOf(rule: Rule, levels: Record<string, Severity> | undefined): Severity {
	return levels?.[rule.id] ?? rule.severity;
}

export type { Origin, Value };
