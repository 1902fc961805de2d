// Bicep expression evaluation over the tree-sitter tree, into the shared Value model. Values keep their
// provenance (Origin): plain literals are replaceable where they are written (resource body, parameter
// default, variable, parameter file, module argument), pass-through expressions (references, member access,
// `??`, coalesce(), any()) keep the origin of the value they pass on, everything else is 'computed'.
// Anything only known at deployment (resourceGroup(), reference(), listKeys(), module outputs...) is
// `unknown` with a reason. A shared step budget and a depth cap bound hostile input; nothing here throws.

import { MAX_VALUE_SIZE, toPlain, valueSize, valuesEqual } from '../rule';
import type { ObjectEntry, Origin, Span, Value, ValueSource } from '../types';
import type { SyntaxNode as Node, SyntaxReuse } from './syntax';

export const DEFAULT_STEP_BUDGET = 200_000;
const MAX_DEPTH = 200;
const MAX_STRING = 1_000_000;
const MAX_ITEMS = 10_000;

// Same placeholders as the ARM evaluator's resourceId(), so ids of the same resource compare equal across
// formats.
export const SUBSCRIPTION_PLACEHOLDER = '{subscriptionId}';
export const RESOURCE_GROUP_PLACEHOLDER = '{resourceGroup}';

export interface Budget {
	steps: number;
	/** A shared pool this budget also draws from (all documents of one load). */
	parent?: Budget;
}

/** Local bindings (loop variables, lambda and function parameters), innermost first. */
export interface Env {
	name: string;
	value: Value;
	next?: Env;
}

/** Where the expression being evaluated is written: decides the source of its literals. */
export interface Frame {
	source: ValueSource;
	/** Parameter / variable name for the origin. */
	name?: string;
	env?: Env;
}

/** What the evaluator needs to know about a resource symbol (the adapter fills it in). */
export interface ResourceSymbol {
	symbol: string;
	/** Full type without the version (`Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups`), '' if unknown. */
	type: string;
	apiVersion?: string;
	/** Declared in (or under) a for loop: `x.id` is then per element, unknown. */
	inLoop: boolean;
	existing: boolean;
	/** Full name (`parent/child`), memoised by the adapter. */
	name(): Value;
	/** Explicit `scope:` of an extension resource, as a resource id when known; undefined = the deployment scope. */
	scopeId(): Value | undefined;
	/** Nested resources by symbolic name, for `parent::child`. */
	children: Map<string, ResourceSymbol>;
}

/** Symbols of a document. Expressions are handed over as thunks: their subtrees are copied on first use. */
export type BicepSymbol =
	| { kind: 'value'; get(): Value }
	| { kind: 'var'; expr(): Node; source: ValueSource; name: string; state: 0 | 1 | 2; value?: Value }
	| { kind: 'resource'; resource: ResourceSymbol }
	| { kind: 'module'; name: string }
	| { kind: 'func'; decl(): Node }
	| { kind: 'namespace'; reason: string };

class Abort extends Error {
	constructor(readonly reason: string) {
		super(reason);
	}
}

type ObjectValue = Extract<Value, { kind: 'object' }>;
type ArrayValue = Extract<Value, { kind: 'array' }>;

const RUNTIME_FUNCTIONS = new Set([
	'resourcegroup',
	'subscription',
	'tenant',
	'managementgroup',
	'deployment',
	'deployer',
	'environment',
	'uniquestring',
	'guid',
	'newguid',
	'utcnow',
	'datetimeadd',
	'datetimefromepoch',
	'datetimetoepoch',
	'reference',
	'pickzones',
	'providers',
	'getsecret',
	'readenvironmentvariable',
	'externalinput',
	'loadtextcontent',
	'loadjsoncontent',
	'loadyamlcontent',
	'loadfileasbase64',
	'loaddirectoryfileinfo',
	'managementgroupresourceid',
	'base64',
	'base64tostring',
	'base64tojson',
	'datauri',
	'datauritostring',
	'uri',
	'uricomponent',
	'uricomponenttostring',
]);

function span(node: Node): Span {
	return { start: node.startIndex, end: node.endIndex };
}

interface TreeLike<T> {
	type: string;
	namedChildCount: number;
	namedChild(i: number): T | null;
}

/** Named children without comments (extras can appear between any two tokens); for both node kinds. */
export function namedChildren<T extends TreeLike<T>>(node: T): T[] {
	const out: T[] = [];
	const count = node.namedChildCount;
	for (let i = 0; i < count; i++) {
		const c = node.namedChild(i);
		if (c && c.type !== 'comment' && c.type !== 'diagnostic_comment') out.push(c);
	}
	return out;
}

/** Decode Bicep escapes of a single-quoted string segment (raw text between quotes / interpolations). */
export function decodeBicepEscapes(raw: string): string {
	if (raw.indexOf('\\') < 0) return raw;
	let out = '';
	for (let i = 0; i < raw.length; i++) {
		const c = raw[i];
		if (c !== '\\' || i + 1 >= raw.length) {
			out += c;
			continue;
		}
		const e = raw[++i];
		switch (e) {
			case 'n':
				out += '\n';
				break;
			case 'r':
				out += '\r';
				break;
			case 't':
				out += '\t';
				break;
			case 'u': {
				const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(raw.slice(i + 1));
				if (m) {
					const cp = parseInt(m[1], 16);
					out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
					i += m[0].length;
				} else out += 'u';
				break;
			}
			default:
				// \\ \' \$ and anything else: the character itself.
				out += e;
		}
	}
	return out;
}


function firstUnknown(values: Value[]): Extract<Value, { kind: 'unknown' }> | undefined {
	for (const v of values) {
		const u = deepUnknown(v);
		if (u) return u;
	}
	return undefined;
}

function deepUnknown(v: Value, depth = 0): Extract<Value, { kind: 'unknown' }> | undefined {
	if (v.kind === 'unknown') return v;
	if (depth > MAX_DEPTH) return { kind: 'unknown', reason: 'nesting too deep' };
	if (v.kind === 'array') {
		for (const i of v.items) {
			const u = deepUnknown(i, depth + 1);
			if (u) return u;
		}
	} else if (v.kind === 'object') {
		for (const e of v.entries.values()) {
			const u = deepUnknown(e.value, depth + 1);
			if (u) return u;
		}
	}
	return undefined;
}

/** ARM's string(): strings as they are, JSON for objects and arrays, True/False for booleans. */
function stringify(v: Value, depth = 0): string | undefined {
	switch (v.kind) {
		case 'string':
			return v.value;
		case 'number':
			return String(v.value);
		case 'boolean':
			return v.value ? 'True' : 'False';
		case 'null':
			return '';
		case 'unknown':
			return undefined;
		default: {
			const plain = toPlain(v, depth);
			return plain === undefined ? undefined : JSON.stringify(plain);
		}
	}
}

function truthy(v: Value): boolean | undefined {
	return v.kind === 'boolean' ? v.value : undefined;
}

/**
 * Evaluates expressions of one Bicep document (one instantiation of it: a module called twice with other
 * arguments gets two evaluators). Symbols are registered by the adapter before evaluation starts.
 */
export class BicepEvaluator {
	readonly symbols = new Map<string, BicepSymbol>();
	/** `targetScope` of the file, for the form of resource ids. */
	targetScope = 'resourceGroup';
	/** Copies of this document's subtrees kept from an earlier analysis (an open document in the editor). */
	syntaxReuse?: SyntaxReuse;

	constructor(
		readonly uri: string,
		readonly text: string,
		readonly budget: Budget = { steps: DEFAULT_STEP_BUDGET },
	) {}

	/** Evaluate `node` written in a place of kind `frame.source`. Never throws. */
	evaluate(node: Node | null | undefined, frame: Frame): Value {
		if (!node) return { kind: 'unknown', reason: 'missing expression' };
		try {
			return this.eval(node, frame, 0);
		} catch (e) {
			const reason = e instanceof Abort ? e.reason : `evaluation failed: ${e instanceof Error ? e.message : String(e)}`;
			return { kind: 'unknown', reason, origin: this.computed(node) };
		}
	}

	// -- origins

	origin(node: Node, frame: Frame, replaceable: boolean): Origin {
		const o: Origin = { uri: this.uri, span: span(node), source: frame.source, format: 'bicep', replaceable };
		if (frame.name !== undefined) o.name = frame.name;
		return o;
	}

	computed(node: Node): Origin {
		return { uri: this.uri, span: span(node), source: 'computed', format: 'bicep', replaceable: false };
	}

	private unknown(reason: string, node: Node): Value {
		return { kind: 'unknown', reason, origin: this.computed(node) };
	}

	/** The same value, re-homed at `node` as a computed (non-replaceable) result. */
	private copyAs(v: Value, node: Node): Value {
		return { ...v, origin: this.computed(node) } as Value;
	}

	private str(value: string, node: Node): Value {
		if (value.length > MAX_STRING) throw new Abort('string too long');
		return { kind: 'string', value, origin: this.computed(node) };
	}

	private num(value: number, node: Node): Value {
		return { kind: 'number', value, origin: this.computed(node) };
	}

	private bool(value: boolean, node: Node): Value {
		return { kind: 'boolean', value, origin: this.computed(node) };
	}

	private arr(items: Value[], node: Node): Value {
		if (items.length > MAX_ITEMS) throw new Abort('array too long');
		return { kind: 'array', items, origin: this.computed(node) };
	}

	private tick(depth: number): void {
		const b = this.budget;
		if (--b.steps < 0 || (b.parent !== undefined && --b.parent.steps < 0)) throw new Abort('evaluation budget exceeded');
		if (depth > MAX_DEPTH) throw new Abort('expression nesting too deep');
	}

	// -- expressions

	eval(node: Node, frame: Frame, depth: number): Value {
		const v = this.evalNode(node, frame, depth);
		// Shared sub-values (`[v, v]` through variables) can describe an exponentially large value: refuse those.
		if ((v.kind === 'array' || v.kind === 'object') && valueSize(v) > MAX_VALUE_SIZE) throw new Abort(`value larger than ${MAX_VALUE_SIZE} elements`);
		return v;
	}

	private evalNode(node: Node, frame: Frame, depth: number): Value {
		this.tick(depth);
		switch (node.type) {
			case 'string':
				return this.evalString(node, frame, depth);
			case 'number': {
				const n = Number(this.text.slice(node.startIndex, node.endIndex));
				return Number.isFinite(n) ? { kind: 'number', value: n, origin: this.origin(node, frame, true) } : this.unknown('invalid number', node);
			}
			case 'boolean':
				return { kind: 'boolean', value: this.text.startsWith('true', node.startIndex), origin: this.origin(node, frame, true) };
			case 'null':
				return { kind: 'null', origin: this.origin(node, frame, true) };
			case 'object':
				return this.evalObject(node, frame, depth);
			case 'array':
				return this.evalArray(node, frame, depth);
			case 'parenthesized_expression': {
				const inner = namedChildren(node);
				// `(a, b) => ...` lambda parameter lists also parse as parenthesized expressions.
				if (inner.length !== 1) return this.unknown('not a value', node);
				return this.eval(inner[0], frame, depth + 1);
			}
			case 'identifier':
				return this.evalIdentifier(node, frame, depth);
			case 'member_expression':
				return this.evalMember(node, frame, depth);
			case 'subscript_expression':
				return this.evalSubscript(node, frame, depth);
			case 'resource_expression': {
				const res = this.resourceOf(node, frame);
				return res ? this.resourceIdValue(res, node) : this.unknown('unknown nested resource', node);
			}
			case 'call_expression':
				return this.evalCall(node, frame, depth);
			case 'ternary_expression':
				return this.evalTernary(node, frame, depth);
			case 'binary_expression':
				return this.evalBinary(node, frame, depth);
			case 'unary_expression':
				return this.evalUnary(node, frame, depth);
			case 'for_statement':
				return this.evalFor(node, frame, depth);
			case 'lambda_expression': {
				// Only reached while applying a lambda (see applyLambda): the body, parameters bound in env.
				const parts = namedChildren(node);
				return parts.length ? this.eval(parts[parts.length - 1], frame, depth + 1) : this.unknown('empty lambda', node);
			}
			case 'nesting_too_deep':
				return this.unknown('expression nesting too deep', node);
			default:
				return this.unknown(node.type === 'ERROR' ? 'syntax error' : `unsupported expression (${node.type})`, node);
		}
	}

	private evalString(node: Node, frame: Frame, depth: number): Value {
		const text = this.text;
		const start = node.startIndex;
		const end = node.endIndex;
		if (text.startsWith("'''", start)) {
			// Multi-line strings are verbatim; a line break right after the opening quotes is not content.
			let raw = text.slice(start + 3, Math.max(start + 3, end - 3));
			if (raw.startsWith('\r\n')) raw = raw.slice(2);
			else if (raw.startsWith('\n')) raw = raw.slice(1);
			return { kind: 'string', value: raw, origin: this.origin(node, frame, true) };
		}
		const closed = end - start >= 2 && text.charCodeAt(end - 1) === 0x27;
		const contentEnd = closed ? end - 1 : end;
		let pos = start + 1;
		let out = '';
		let interpolated = false;
		let unknown: Value | undefined;
		const count = node.namedChildCount;
		for (let i = 0; i < count; i++) {
			const child = node.namedChild(i);
			if (!child || child.type !== 'interpolation') continue;
			interpolated = true;
			out += decodeBicepEscapes(text.slice(pos, child.startIndex));
			pos = child.endIndex;
			const exprs = namedChildren(child);
			const v = exprs.length ? this.eval(exprs[0], frame, depth + 1) : this.unknown('empty interpolation', child);
			if (unknown) continue;
			const s = stringify(v);
			if (s === undefined) unknown = deepUnknown(v) ?? v;
			else {
				out += s;
				if (out.length > MAX_STRING) throw new Abort('string too long');
			}
		}
		out += decodeBicepEscapes(text.slice(pos, Math.max(pos, contentEnd)));
		if (!interpolated) return { kind: 'string', value: out, origin: this.origin(node, frame, true) };
		if (unknown) return { kind: 'unknown', reason: unknown.kind === 'unknown' ? unknown.reason : 'unknown', origin: this.computed(node) };
		return this.str(out, node);
	}

	/** The key of an object property: identifier or (possibly interpolated) string. */
	private keyOf(keyNode: Node, frame: Frame, depth: number): { key: string; keySpan: Span } | undefined {
		if (keyNode.type === 'identifier' || keyNode.type === 'compatible_identifier') {
			return { key: this.text.slice(keyNode.startIndex, keyNode.endIndex), keySpan: span(keyNode) };
		}
		if (keyNode.type === 'string') {
			const v = this.evalString(keyNode, frame, depth + 1);
			if (v.kind !== 'string') return undefined;
			const multi = this.text.startsWith("'''", keyNode.startIndex);
			const q = multi ? 3 : 1;
			return { key: v.value, keySpan: { start: keyNode.startIndex + q, end: Math.max(keyNode.startIndex + q, keyNode.endIndex - q) } };
		}
		return undefined;
	}

	evalObject(node: Node, frame: Frame, depth: number): ObjectValue {
		const entries = new Map<string, ObjectEntry>();
		const count = node.namedChildCount;
		const set = (keyNode: Node, valueNode: Node, value: Value | undefined): void => {
			const key = this.keyOf(keyNode, frame, depth);
			if (!key) return;
			this.tick(depth);
			const v = value ?? this.eval(valueNode, frame, depth + 1);
			entries.set(key.key.toLowerCase(), { key: key.key, value: v, keySpan: key.keySpan, site: { uri: this.uri, span: span(valueNode) } });
		};
		for (let i = 0; i < count; i++) {
			const prop = node.namedChild(i);
			if (!prop || prop.type !== 'object_property') continue;
			const parts = namedChildren(prop);
			if (parts.length < 2) continue;
			const keyNode = parts[0];
			if (keyNode.type === 'resource_declaration') continue; // nested resources are resources, not properties
			const valueNode = parts[parts.length - 1];
			if (prop.hasError || (i + 1 < count && node.namedChild(i + 1)?.type === 'ERROR')) {
				// A property being typed (`key:` with no value yet) makes the parser take the next line's key
				// as its value. Give each key its own value again so the half-typed line costs nothing else.
				if (this.recoverProperty(parts, node.namedChild(i + 1), frame, set)) {
					if (!prop.hasError) i++;
					continue;
				}
			}
			if (this.text.startsWith('...', prop.startIndex)) {
				// Spread (masked to `_: expr`): merge the spread object's entries in place.
				const spread = this.eval(valueNode, frame, depth + 1);
				if (spread.kind === 'object') for (const [k, e] of spread.entries) entries.set(k, e);
				continue;
			}
			set(keyNode, valueNode, undefined);
		}
		return { kind: 'object', entries, origin: this.origin(node, frame, false) };
	}

	/**
	 * Two shapes of `a:` (value missing) followed by `b: value` on the next line:
	 *   (object_property a (ERROR b :) value)           -> a unknown, b = value
	 *   (object_property a b) (ERROR : value)            -> a unknown, b = value
	 * Returns false when the property is not one of these.
	 */
	private recoverProperty(parts: Node[], next: Node | null, frame: Frame, set: (k: Node, v: Node, value: Value | undefined) => void): boolean {
		const keyNode = parts[0];
		const missing = (n: Node): Value => ({ kind: 'unknown', reason: 'the property has no value yet', origin: this.computed(n) });
		if (parts.length === 3 && parts[1].type === 'ERROR') {
			const inner = namedChildren(parts[1]);
			const nextKey = inner[inner.length - 1];
			if (!nextKey || nextKey.type !== 'identifier' || this.text.charCodeAt(parts[1].endIndex - 1) !== 0x3a) return false;
			set(keyNode, keyNode, missing(keyNode));
			set(nextKey, parts[2], undefined);
			return true;
		}
		const value = parts[1];
		if (parts.length === 2 && value.type === 'identifier' && next?.type === 'ERROR' && this.text.charCodeAt(next.startIndex) === 0x3a && this.text.slice(keyNode.endIndex, value.startIndex).includes('\n')) {
			set(keyNode, keyNode, missing(keyNode));
			const v = namedChildren(next)[0];
			if (v) set(value, v, undefined);
			else {
				// Inside an ERROR, `true`/`false`/`null` are bare tokens: read a plain literal from the text.
				const raw = this.text.slice(next.startIndex + 1, next.endIndex);
				const start = next.startIndex + 1 + (raw.length - raw.trimStart().length);
				const lit = raw.trim();
				const origin = { uri: this.uri, span: { start, end: start + lit.length }, source: frame.source, format: 'bicep' as const, replaceable: true, ...(frame.name !== undefined ? { name: frame.name } : {}) };
				let literal: Value | undefined;
				if (lit === 'true' || lit === 'false') literal = { kind: 'boolean', value: lit === 'true', origin };
				else if (lit === 'null') literal = { kind: 'null', origin };
				else if (/^-?\d+$/.test(lit)) literal = { kind: 'number', value: Number(lit), origin };
				set(value, next, literal ?? missing(next));
			}
			return true;
		}
		return false;
	}

	private evalArray(node: Node, frame: Frame, depth: number): Value {
		const items: Value[] = [];
		const count = node.namedChildCount;
		for (let i = 0; i < count; i++) {
			const child = node.namedChild(i);
			if (!child || child.type === 'comment' || child.type === 'diagnostic_comment' || child.type === 'decorators') continue;
			const v = this.eval(child, frame, depth + 1);
			if (child.startIndex >= 3 && this.text.startsWith('...', child.startIndex - 3)) {
				// Spread (masked to spaces): splice the items in.
				if (v.kind === 'array') items.push(...v.items);
				else return this.unknown(v.kind === 'unknown' ? v.reason : 'spread of a non-array', node);
			} else items.push(v);
			if (items.length > MAX_ITEMS) throw new Abort('array too long');
		}
		return { kind: 'array', items, origin: this.origin(node, frame, false) };
	}

	private lookupLocal(name: string, env: Env | undefined): Value | undefined {
		for (let e = env; e; e = e.next) if (e.name === name) return e.value;
		return undefined;
	}

	private evalIdentifier(node: Node, frame: Frame, depth: number): Value {
		const name = this.text.slice(node.startIndex, node.endIndex);
		const local = this.lookupLocal(name, frame.env);
		if (local) return local;
		const sym = this.symbols.get(name);
		if (!sym) return this.unknown(`unknown symbol '${name}'`, node);
		switch (sym.kind) {
			case 'value':
				return sym.get();
			case 'var':
				return this.evalVar(sym, depth);
			case 'resource':
				return this.resourceIdValue(sym.resource, node);
			case 'module':
				return this.unknown(`module '${name}' is only known at deployment`, node);
			case 'func':
				return this.unknown(`function '${name}' used as a value`, node);
			case 'namespace':
				return this.unknown(sym.reason, node);
		}
	}

	/** A variable's value (lazy, memoised; a cycle gives unknown). */
	evalVar(sym: Extract<BicepSymbol, { kind: 'var' }>, depth = 0): Value {
		if (sym.state === 2) return sym.value as Value;
		const node = sym.expr();
		if (sym.state === 1) return this.unknown(`variable '${sym.name}' refers to itself`, node);
		sym.state = 1;
		let v: Value;
		try {
			v = this.eval(node, { source: sym.source, name: sym.name }, depth + 1);
		} catch (e) {
			if (!(e instanceof Abort)) throw e;
			// Memoise the failure too: a budget overrun must not be retried by every reference.
			v = this.unknown(e.reason, node);
		}
		sym.value = v;
		sym.state = 2;
		return v;
	}

	/** The resource symbol an expression names (`hub`, `hub::child`), if any. */
	private resourceOf(node: Node, frame: Frame): ResourceSymbol | undefined {
		if (node.type === 'identifier') {
			const name = this.text.slice(node.startIndex, node.endIndex);
			if (this.lookupLocal(name, frame.env)) return undefined;
			const sym = this.symbols.get(name);
			return sym?.kind === 'resource' ? sym.resource : undefined;
		}
		if (node.type === 'resource_expression') {
			const obj = node.childForFieldName('object');
			const child = node.childForFieldName('resource');
			const parent = obj ? this.resourceOf(obj, frame) : undefined;
			return parent && child ? parent.children.get(this.text.slice(child.startIndex, child.endIndex)) : undefined;
		}
		return undefined;
	}

	private moduleOf(node: Node, frame: Frame): string | undefined {
		if (node.type !== 'identifier') return undefined;
		const name = this.text.slice(node.startIndex, node.endIndex);
		if (this.lookupLocal(name, frame.env)) return undefined;
		return this.symbols.get(name)?.kind === 'module' ? name : undefined;
	}

	/** `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/<ns>/<type>/<name>...` */
	resourceIdValue(res: ResourceSymbol, node: Node): Value {
		if (res.inLoop) return this.unknown(`'${res.symbol}' is a resource collection`, node);
		const name = res.name();
		if (name.kind !== 'string') return this.unknown(name.kind === 'unknown' ? name.reason : `name of '${res.symbol}' is not a string`, node);
		if (!res.type) return this.unknown(`type of '${res.symbol}' is not known`, node);
		const [namespace, ...types] = res.type.split('/');
		const names = name.value.split('/');
		if (names.length !== types.length) return this.unknown(`name of '${res.symbol}' does not match its type`, node);
		let prefix: string;
		const scope = res.scopeId();
		if (scope) {
			if (scope.kind !== 'string') return this.unknown(scope.kind === 'unknown' ? scope.reason : 'scope is not a resource', node);
			prefix = scope.value.replace(/\/+$/, '');
		} else if (this.targetScope === 'subscription' || this.targetScope === 'tenant' || this.targetScope === 'managementGroup') {
			if (this.targetScope !== 'subscription') return this.unknown(`resource ids at ${this.targetScope} scope are not evaluated`, node);
			if (res.type.toLowerCase() === 'microsoft.resources/resourcegroups') {
				return this.str(`/subscriptions/${SUBSCRIPTION_PLACEHOLDER}/resourceGroups/${name.value}`, node);
			}
			prefix = `/subscriptions/${SUBSCRIPTION_PLACEHOLDER}`;
		} else {
			prefix = `/subscriptions/${SUBSCRIPTION_PLACEHOLDER}/resourceGroups/${RESOURCE_GROUP_PLACEHOLDER}`;
		}
		let id = `${prefix}/providers/${namespace}`;
		for (let i = 0; i < types.length; i++) id += `/${types[i]}/${names[i]}`;
		return this.str(id, node);
	}

	/** `.`/`.?` of a resource symbol: deploy-time constants are known, everything else is runtime state. */
	private resourceMember(res: ResourceSymbol, prop: string, node: Node): Value {
		switch (prop.toLowerCase()) {
			case 'id':
				return this.resourceIdValue(res, node);
			case 'name': {
				if (res.inLoop) return this.unknown(`'${res.symbol}' is a resource collection`, node);
				return res.name();
			}
			case 'type':
				return res.type ? this.str(res.type, node) : this.unknown('resource type not known', node);
			case 'apiversion':
				return res.apiVersion ? this.str(res.apiVersion, node) : this.unknown('api version not known', node);
			default:
				return this.unknown(`'${res.symbol}.${prop}' is only known at deployment`, node);
		}
	}

	/** True when the chain under `node` has a `.?` or `[?]` (Bicep short-circuits the rest of the chain). */
	private hasSafeAccess(node: Node | null): boolean {
		for (let n = node, i = 0; n && i < 64; i++) {
			if (n.type === 'member_expression') {
				const prop = n.childForFieldName('property');
				if (prop && this.text.charCodeAt(prop.startIndex - 1) === 0x3f) return true;
				n = n.childForFieldName('object');
			} else if (n.type === 'subscript_expression') {
				if (isSafeSubscript(n)) return true;
				n = n.childForFieldName('object');
			} else if (n.type === 'parenthesized_expression') {
				n = n.namedChild(0);
			} else return false;
		}
		return false;
	}

	private evalMember(node: Node, frame: Frame, depth: number): Value {
		const objNode = node.childForFieldName('object');
		const propNode = node.childForFieldName('property');
		if (!objNode || !propNode) return this.unknown('incomplete member access', node);
		const prop = this.text.slice(propNode.startIndex, propNode.endIndex);
		const safe = this.text.charCodeAt(propNode.startIndex - 1) === 0x3f; // `.?`
		const res = this.resourceOf(objNode, frame);
		if (res) return this.resourceMember(res, prop, node);
		const mod = this.moduleOf(objNode, frame);
		if (mod) return this.unknown(`'${mod}.${prop}': module outputs are only known at deployment`, node);
		// `hubs[0].id`: an element of a resource collection.
		if (objNode.type === 'subscript_expression') {
			const coll = objNode.childForFieldName('object');
			if (coll && (this.resourceOf(coll, frame) || this.moduleOf(coll, frame))) {
				return this.unknown(`'${this.text.slice(coll.startIndex, coll.endIndex)}[...]' is only known at deployment`, node);
			}
		}
		const obj = this.eval(objNode, frame, depth + 1);
		return this.member(obj, prop, safe || this.hasSafeAccess(objNode), node);
	}

	private member(obj: Value, prop: string, safe: boolean, node: Node): Value {
		if (obj.kind === 'unknown') return { kind: 'unknown', reason: obj.reason, origin: this.computed(node) };
		if (obj.kind === 'null') return safe ? this.copyAs(obj, node) : this.unknown(`'${prop}' of null`, node);
		if (obj.kind !== 'object') return this.unknown(`'${prop}' of a ${obj.kind}`, node);
		const entry = obj.entries.get(prop.toLowerCase());
		if (entry) return entry.value;
		return safe ? { kind: 'null', origin: this.computed(node) } : this.unknown(`property '${prop}' does not exist`, node);
	}

	private evalSubscript(node: Node, frame: Frame, depth: number): Value {
		const objNode = node.childForFieldName('object');
		const indexNode = node.childForFieldName('index');
		if (!objNode || !indexNode) return this.unknown('incomplete index access', node);
		const safe = isSafeSubscript(node);
		if (this.resourceOf(objNode, frame) || this.moduleOf(objNode, frame)) {
			return this.unknown(`element of '${this.text.slice(objNode.startIndex, objNode.endIndex)}' is only known at deployment`, node);
		}
		const obj = this.eval(objNode, frame, depth + 1);
		const index = this.eval(indexNode, frame, depth + 1);
		if (obj.kind === 'unknown') return { kind: 'unknown', reason: obj.reason, origin: this.computed(node) };
		if (index.kind === 'unknown') return { kind: 'unknown', reason: index.reason, origin: this.computed(node) };
		const safeChain = safe || this.hasSafeAccess(objNode);
		if (obj.kind === 'null') return safeChain ? this.copyAs(obj, node) : this.unknown('index of null', node);
		if (obj.kind === 'array' && index.kind === 'number') {
			const item = obj.items[index.value];
			if (item) return item;
			return safe ? { kind: 'null', origin: this.computed(node) } : this.unknown(`index ${index.value} out of range`, node);
		}
		if (obj.kind === 'object' && index.kind === 'string') return this.member(obj, index.value, safeChain, node);
		return this.unknown(`cannot index a ${obj.kind} with a ${index.kind}`, node);
	}

	private evalTernary(node: Node, frame: Frame, depth: number): Value {
		const cNode = node.childForFieldName('condition');
		const aNode = node.childForFieldName('consequence');
		const bNode = node.childForFieldName('alternative');
		if (!cNode || !aNode || !bNode) return this.unknown('incomplete conditional expression', node);
		const c = this.eval(cNode, frame, depth + 1);
		const cb = truthy(c);
		if (cb !== undefined) return this.copyAs(this.eval(cb ? aNode : bNode, frame, depth + 1), node);
		const a = this.eval(aNode, frame, depth + 1);
		const b = this.eval(bNode, frame, depth + 1);
		// Both branches the same: the condition does not matter.
		if (valuesEqual(a, b) === true) return this.copyAs(a, node);
		return this.unknown(c.kind === 'unknown' ? c.reason : 'condition is not a boolean', node);
	}

	private evalUnary(node: Node, frame: Frame, depth: number): Value {
		const op = node.childForFieldName('operator')?.type;
		const argNode = node.childForFieldName('argument');
		if (!argNode) return this.unknown('incomplete expression', node);
		const v = this.eval(argNode, frame, depth + 1);
		if (v.kind === 'unknown') return { kind: 'unknown', reason: v.reason, origin: this.computed(node) };
		if (op === '!') return v.kind === 'boolean' ? this.bool(!v.value, node) : this.unknown('! of a non-boolean', node);
		if (op === '-') return v.kind === 'number' ? this.num(-v.value, node) : this.unknown('- of a non-number', node);
		return this.unknown(`operator ${op}`, node);
	}

	private evalBinary(node: Node, frame: Frame, depth: number): Value {
		const op = node.childForFieldName('operator')?.type;
		const lNode = node.childForFieldName('left');
		const rNode = node.childForFieldName('right');
		if (!op || !lNode || !rNode) return this.unknown('incomplete expression', node);
		const l = this.eval(lNode, frame, depth + 1);
		// Short-circuit operators decide on the left operand when they can.
		if (op === '??') {
			if (l.kind === 'null') return this.eval(rNode, frame, depth + 1);
			if (l.kind === 'unknown') return { kind: 'unknown', reason: l.reason, origin: this.computed(node) };
			return l;
		}
		if (op === '&&' && l.kind === 'boolean' && !l.value) return this.bool(false, node);
		if (op === '||' && l.kind === 'boolean' && l.value) return this.bool(true, node);
		const r = this.eval(rNode, frame, depth + 1);
		if (op === '&&' || op === '||') {
			if (r.kind === 'boolean' && r.value === (op === '||')) return this.bool(r.value, node);
			if (l.kind === 'boolean' && r.kind === 'boolean') return this.bool(r.value, node);
			const u = l.kind === 'unknown' ? l : r.kind === 'unknown' ? r : undefined;
			return this.unknown(u && u.kind === 'unknown' ? u.reason : `${op} of non-booleans`, node);
		}
		switch (op) {
			case '==':
			case '!=':
			case '=~':
			case '!~': {
				const eq = valuesEqual(l, r, op === '=~' || op === '!~');
				if (eq === undefined) {
					const u = firstUnknown([l, r]);
					return this.unknown(u ? u.reason : 'not comparable', node);
				}
				return this.bool(op[0] === '!' ? !eq : eq, node);
			}
		}
		if (l.kind === 'unknown' || r.kind === 'unknown') {
			const u = l.kind === 'unknown' ? l : (r as Extract<Value, { kind: 'unknown' }>);
			return this.unknown(u.reason, node);
		}
		switch (op) {
			case '<':
			case '<=':
			case '>':
			case '>=': {
				let cmp: number;
				if (l.kind === 'number' && r.kind === 'number') cmp = l.value - r.value;
				else if (l.kind === 'string' && r.kind === 'string') cmp = l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
				else return this.unknown(`cannot compare a ${l.kind} with a ${r.kind}`, node);
				const res = op === '<' ? cmp < 0 : op === '<=' ? cmp <= 0 : op === '>' ? cmp > 0 : cmp >= 0;
				return this.bool(res, node);
			}
			case '+':
			case '-':
			case '*':
			case '/':
			case '%': {
				if (l.kind !== 'number' || r.kind !== 'number') return this.unknown(`${op} of non-numbers`, node);
				if ((op === '/' || op === '%') && r.value === 0) return this.unknown('division by zero', node);
				const res = op === '+' ? l.value + r.value : op === '-' ? l.value - r.value : op === '*' ? l.value * r.value : op === '/' ? Math.trunc(l.value / r.value) : l.value % r.value;
				return this.num(res, node);
			}
		}
		return this.unknown(`operator ${op}`, node);
	}

	/** `[for x in xs: body]`, `[for (x, i) in xs: if (c) body]`. */
	private evalFor(node: Node, frame: Frame, depth: number): Value {
		const loop = this.loopParts(node);
		if (!loop) return this.unknown('incomplete for expression', node);
		const source = this.eval(loop.source, frame, depth + 1);
		if (source.kind === 'unknown') return { kind: 'unknown', reason: source.reason, origin: this.computed(node) };
		if (source.kind !== 'array') return this.unknown('for over a non-array', node);
		const items: Value[] = [];
		for (let i = 0; i < source.items.length; i++) {
			let env: Env | undefined = frame.env;
			if (loop.item) env = { name: loop.item, value: source.items[i], next: env };
			if (loop.index) env = { name: loop.index, value: this.num(i, loop.source), next: env };
			const f: Frame = { ...frame, env };
			let bodyNode = loop.body;
			if (bodyNode.type === 'if_statement') {
				const parts = namedChildren(bodyNode);
				const cond = parts[0] ? this.eval(parts[0], f, depth + 1) : undefined;
				if (!cond || cond.kind !== 'boolean') return this.unknown(cond?.kind === 'unknown' ? cond.reason : 'loop filter is not a boolean', node);
				if (!cond.value) continue;
				if (!parts[1]) return this.unknown('incomplete loop body', node);
				bodyNode = parts[1];
			}
			items.push(this.eval(bodyNode, f, depth + 1));
			if (items.length > MAX_ITEMS) throw new Abort('array too long');
		}
		return this.arr(items, node);
	}

	/** The parts of a for_statement: loop variable names, the collection, the body. */
	loopParts(node: Node): { item?: string; index?: string; source: Node; body: Node } | undefined {
		const body = node.childForFieldName('body');
		let item: string | undefined;
		let index: string | undefined;
		let source: Node | undefined;
		let seenIn = false;
		const count = node.childCount;
		for (let i = 0; i < count; i++) {
			const c = node.child(i);
			if (!c) continue;
			if (c.type === 'in') {
				seenIn = true;
				continue;
			}
			if (!c.isNamed || c.type === 'comment') continue;
			if (!seenIn) {
				if (c.type === 'identifier') item = this.text.slice(c.startIndex, c.endIndex);
				else if (c.type === 'for_loop_parameters') {
					for (const p of namedChildren(c)) {
						const t = this.text.slice(p.startIndex, p.endIndex);
						if (p.type === 'loop_variable') item = t;
						else if (p.type === 'loop_enumerator') index = t;
					}
				}
			} else if (!source && (!body || c.startIndex !== body.startIndex)) source = c;
		}
		if (!source || !body) return undefined;
		return { item, index, source, body };
	}

	/** Bind a loop's variables to unknown values (resource/module bodies are evaluated once for all items). */
	loopEnv(loop: { item?: string; index?: string }, env: Env | undefined): Env | undefined {
		if (loop.index) env = { name: loop.index, value: { kind: 'unknown', reason: `loop index '${loop.index}'` }, next: env };
		if (loop.item) env = { name: loop.item, value: { kind: 'unknown', reason: `loop variable '${loop.item}'` }, next: env };
		return env;
	}

	// -- calls

	private evalCall(node: Node, frame: Frame, depth: number): Value {
		const fnNode = node.childForFieldName('function');
		const argsNode = node.childForFieldName('arguments');
		if (!fnNode) return this.unknown('incomplete call', node);
		const argNodes = argsNode ? namedChildren(argsNode) : [];
		let name: string;
		if (fnNode.type === 'identifier') {
			name = this.text.slice(fnNode.startIndex, fnNode.endIndex);
			const sym = this.lookupLocal(name, frame.env) ? undefined : this.symbols.get(name);
			if (sym?.kind === 'func') return this.callUserFunction(sym.decl(), argNodes, node, frame, depth);
		} else if (fnNode.type === 'member_expression') {
			const objNode = fnNode.childForFieldName('object');
			const propNode = fnNode.childForFieldName('property');
			if (!objNode || !propNode) return this.unknown('incomplete call', node);
			name = this.text.slice(propNode.startIndex, propNode.endIndex);
			const ns = objNode.type === 'identifier' ? this.text.slice(objNode.startIndex, objNode.endIndex) : '';
			const nsSym = ns ? (this.lookupLocal(ns, frame.env) ?? this.symbols.get(ns)) : undefined;
			if (!((ns === 'sys' || ns === 'az') && !nsSym)) {
				// `hub.listKeys()`, `storage.listAccountSas()`, `imported.func()`: runtime or not evaluated.
				if (this.resourceOf(objNode, frame)) return this.unknown(`'${ns}.${name}()' is only known at deployment`, node);
				return this.unknown(`'${this.text.slice(fnNode.startIndex, fnNode.endIndex)}()' is not evaluated`, node);
			}
		} else {
			return this.unknown('call of an expression', node);
		}
		return this.callBuiltin(name, argNodes, node, frame, depth);
	}

	private callUserFunction(fnDecl: Node, argNodes: Node[], node: Node, frame: Frame, depth: number): Value {
		const params = namedChildren(fnDecl).find((c) => c.type === 'parameters');
		const body = namedChildren(fnDecl).filter((c) => c.type !== 'parameters' && c.type !== 'type' && c.type !== 'identifier' && c.type !== 'decorators');
		const bodyNode = body[body.length - 1];
		if (!bodyNode) return this.unknown('function without body', node);
		// Functions see only their parameters (and other functions): no outer locals.
		let env: Env | undefined;
		const names = params ? namedChildren(params).map((p) => p.namedChild(0)) : [];
		for (let i = 0; i < names.length; i++) {
			const n = names[i];
			if (!n) continue;
			const v = argNodes[i] ? this.eval(argNodes[i], frame, depth + 1) : { kind: 'unknown' as const, reason: 'missing argument' };
			env = { name: this.text.slice(n.startIndex, n.endIndex), value: v, next: env };
		}
		return this.copyAs(this.eval(bodyNode, { source: 'computed', env }, depth + 1), node);
	}

	/**
	 * Apply a lambda argument. The grammar binds `x => x.a == 1` as `((x => x).a) == 1`, so the lambda is
	 * the leftmost node of the argument: its parameters are bound and the whole argument is evaluated, with
	 * the lambda node standing for its body.
	 */
	private applyLambda(arg: Node, values: Value[], frame: Frame, depth: number): Value {
		let lambda: Node | null = arg;
		for (let i = 0; lambda && lambda.type !== 'lambda_expression' && i < 64; i++) {
			const first: Node | null = lambda.namedChild(0);
			lambda = first && first.startIndex === arg.startIndex ? first : null;
		}
		if (!lambda || lambda.type !== 'lambda_expression') throw new Abort('expected a lambda');
		const parts = namedChildren(lambda);
		const paramNode = parts[0];
		const paramNames: string[] = [];
		if (parts.length >= 2 && paramNode) {
			const ids = paramNode.type === 'identifier' ? [paramNode] : namedChildren(paramNode).filter((c) => c.type === 'identifier');
			for (const id of ids) paramNames.push(this.text.slice(id.startIndex, id.endIndex));
		}
		let env = frame.env;
		for (let i = 0; i < paramNames.length; i++) env = { name: paramNames[i], value: values[i] ?? { kind: 'null' }, next: env };
		return this.eval(arg, { ...frame, env }, depth + 1);
	}

	private callBuiltin(rawName: string, argNodes: Node[], node: Node, frame: Frame, depth: number): Value {
		const name = rawName.toLowerCase();
		if (RUNTIME_FUNCTIONS.has(name) || name.startsWith('list')) return this.unknown(`${rawName}() is only known at deployment`, node);
		const evalArg = (i: number): Value => (argNodes[i] ? this.eval(argNodes[i], frame, depth + 1) : this.unknown('missing argument', node));
		// Functions whose evaluation of arguments is not plain.
		switch (name) {
			case 'nameof': {
				const a = argNodes[0];
				if (!a) return this.unknown('missing argument', node);
				const t = this.text.slice(a.startIndex, a.endIndex);
				const m = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(t);
				return m ? this.str(m[1], node) : this.unknown('nameof of an expression', node);
			}
			case 'coalesce': {
				for (let i = 0; i < argNodes.length; i++) {
					const v = evalArg(i);
					if (v.kind === 'unknown') return { kind: 'unknown', reason: v.reason, origin: this.computed(node) };
					if (v.kind !== 'null') return v;
				}
				return { kind: 'null', origin: this.computed(node) };
			}
			case 'any':
				return evalArg(0);
			case 'map':
			case 'filter':
			case 'sort':
			case 'reduce':
			case 'toobject':
			case 'mapvalues':
			case 'groupby':
				return this.callLambdaFunction(name, argNodes, node, frame, depth);
		}
		const args: Value[] = [];
		for (let i = 0; i < argNodes.length; i++) args.push(evalArg(i));
		const u = name === 'empty' || name === 'contains' || name === 'length' || name === 'union' ? undefined : firstUnknown(args);
		if (u) return { kind: 'unknown', reason: u.reason, origin: this.computed(node) };
		return this.builtin(name, rawName, args, node);
	}

	private callLambdaFunction(name: string, argNodes: Node[], node: Node, frame: Frame, depth: number): Value {
		const source = argNodes[0] ? this.eval(argNodes[0], frame, depth + 1) : undefined;
		if (!source) return this.unknown('missing argument', node);
		if (source.kind === 'unknown') return { kind: 'unknown', reason: source.reason, origin: this.computed(node) };
		if (name === 'mapvalues') {
			if (source.kind !== 'object' || !argNodes[1]) return this.unknown(`${name}() of a ${source.kind}`, node);
			const entries = new Map<string, ObjectEntry>();
			for (const [k, e] of source.entries) entries.set(k, { key: e.key, value: this.applyLambda(argNodes[1], [e.value], frame, depth) });
			return { kind: 'object', entries, origin: this.computed(node) };
		}
		if (source.kind !== 'array') return this.unknown(`${name}() of a ${source.kind}`, node);
		const items = source.items;
		switch (name) {
			case 'map': {
				if (!argNodes[1]) return this.unknown('missing lambda', node);
				return this.arr(items.map((v, i) => this.applyLambda(argNodes[1], [v, this.num(i, node)], frame, depth)), node);
			}
			case 'filter': {
				if (!argNodes[1]) return this.unknown('missing lambda', node);
				const out: Value[] = [];
				for (let i = 0; i < items.length; i++) {
					const keep = this.applyLambda(argNodes[1], [items[i], this.num(i, node)], frame, depth);
					if (keep.kind !== 'boolean') return this.unknown(keep.kind === 'unknown' ? keep.reason : 'filter lambda is not a boolean', node);
					if (keep.value) out.push(items[i]);
				}
				return this.arr(out, node);
			}
			case 'reduce': {
				if (!argNodes[1] || !argNodes[2]) return this.unknown('missing argument', node);
				let acc = this.eval(argNodes[1], frame, depth + 1);
				for (let i = 0; i < items.length; i++) acc = this.applyLambda(argNodes[2], [acc, items[i], this.num(i, node)], frame, depth);
				return this.copyAs(acc, node);
			}
			case 'toobject': {
				if (!argNodes[1]) return this.unknown('missing lambda', node);
				const entries = new Map<string, ObjectEntry>();
				for (const item of items) {
					const k = this.applyLambda(argNodes[1], [item], frame, depth);
					if (k.kind !== 'string') return this.unknown(k.kind === 'unknown' ? k.reason : 'toObject key is not a string', node);
					const v = argNodes[2] ? this.applyLambda(argNodes[2], [item], frame, depth) : item;
					entries.set(k.value.toLowerCase(), { key: k.value, value: v });
				}
				return { kind: 'object', entries, origin: this.computed(node) };
			}
			default:
				return this.unknown(`${name}() is not evaluated`, node);
		}
	}

	/** Pure functions over known arguments (unknown arguments were handled by the caller). */
	private builtin(name: string, rawName: string, args: Value[], node: Node): Value {
		const bad = (why: string): Value => this.unknown(`${rawName}(): ${why}`, node);
		const a0 = args[0];
		const a1 = args[1];
		const s = (v: Value | undefined): string | undefined => (v && v.kind === 'string' ? v.value : undefined);
		switch (name) {
			case 'concat': {
				if (args.length === 0) return bad('expected arguments');
				if (args.every((a) => a.kind === 'array')) return this.arr(args.flatMap((a) => (a as ArrayValue).items), node);
				let out = '';
				for (const a of args) {
					const t = a.kind === 'array' ? undefined : stringify(a);
					if (t === undefined) return bad('mixed strings and arrays');
					out += t;
					if (out.length > MAX_STRING) throw new Abort('string too long');
				}
				return this.str(out, node);
			}
			case 'format': {
				const fmt = s(a0);
				if (fmt === undefined) return bad('the format must be a string');
				let failed = false;
				const out = fmt.replace(/\{\{|\}\}|\{(\d+)(?:[,:][^}]*)?\}/g, (m, n: string | undefined) => {
					if (m === '{{') return '{';
					if (m === '}}') return '}';
					// Only plain `{n}`: .NET format specifiers are not reproduced.
					if (m !== `{${n}}`) failed = true;
					const v = args[Number(n) + 1];
					const t = v ? stringify(v) : undefined;
					if (t === undefined) failed = true;
					return t ?? '';
				});
				return failed ? bad('format not evaluated') : this.str(out, node);
			}
			case 'tolower':
				return s(a0) !== undefined ? this.str(s(a0)!.toLowerCase(), node) : bad('expected a string');
			case 'toupper':
				return s(a0) !== undefined ? this.str(s(a0)!.toUpperCase(), node) : bad('expected a string');
			case 'trim':
				return s(a0) !== undefined ? this.str(s(a0)!.trim(), node) : bad('expected a string');
			case 'replace': {
				const [t, f, r] = [s(a0), s(a1), s(args[2])];
				if (t === undefined || f === undefined || r === undefined) return bad('expected strings');
				return this.str(f === '' ? t : t.split(f).join(r), node);
			}
			case 'split': {
				const t = s(a0);
				if (t === undefined) return bad('expected a string');
				let parts: string[];
				if (a1?.kind === 'string') parts = t.split(a1.value);
				else if (a1?.kind === 'array' && a1.items.every((i) => i.kind === 'string')) {
					const delims = a1.items.map((i) => (i as { value: string }).value).filter((d) => d !== '');
					parts = delims.length ? t.split(new RegExp(delims.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))) : [t];
				} else return bad('expected a delimiter');
				return this.arr(parts.map((p) => this.str(p, node)), node);
			}
			case 'join': {
				if (a0?.kind !== 'array' || s(a1) === undefined) return bad('expected an array and a delimiter');
				const parts: string[] = [];
				for (const i of a0.items) {
					const t = stringify(i);
					if (t === undefined) return bad('not a string');
					parts.push(t);
				}
				return this.str(parts.join(s(a1)!), node);
			}
			case 'startswith':
			case 'endswith': {
				const [t, p] = [s(a0), s(a1)];
				if (t === undefined || p === undefined) return bad('expected strings');
				// ARM compares case-insensitively.
				const tl = t.toLowerCase();
				const pl = p.toLowerCase();
				return this.bool(name === 'startswith' ? tl.startsWith(pl) : tl.endsWith(pl), node);
			}
			case 'indexof':
			case 'lastindexof': {
				if (a0?.kind === 'string' && a1?.kind === 'string') {
					const tl = a0.value.toLowerCase();
					const pl = a1.value.toLowerCase();
					return this.num(name === 'indexof' ? tl.indexOf(pl) : tl.lastIndexOf(pl), node);
				}
				if (a0?.kind === 'array' && a1) {
					const idx = a0.items.map((i) => valuesEqual(i, a1) === true);
					return this.num(name === 'indexof' ? idx.indexOf(true) : idx.lastIndexOf(true), node);
				}
				return bad('expected a string or an array');
			}
			case 'substring': {
				const t = s(a0);
				if (t === undefined || a1?.kind !== 'number') return bad('expected a string and a start');
				const len = args[2]?.kind === 'number' ? (args[2] as { value: number }).value : t.length - a1.value;
				if (a1.value < 0 || len < 0 || a1.value + len > t.length) return bad('out of range');
				return this.str(t.substr(a1.value, len), node);
			}
			case 'padleft': {
				const t = a0 ? stringify(a0) : undefined;
				if (t === undefined || a1?.kind !== 'number') return bad('expected a value and a length');
				const pad = s(args[2]) ?? ' ';
				if (a1.value > MAX_STRING) throw new Abort('string too long');
				return this.str(t.padStart(a1.value, pad || ' '), node);
			}
			case 'string':
				return a0 && stringify(a0) !== undefined ? this.str(stringify(a0)!, node) : bad('expected a value');
			case 'int': {
				if (a0?.kind === 'number') return this.num(Math.trunc(a0.value), node);
				const n = a0?.kind === 'string' && /^\s*[+-]?\d+\s*$/.test(a0.value) ? parseInt(a0.value, 10) : NaN;
				return Number.isFinite(n) ? this.num(n, node) : bad('not an integer');
			}
			case 'bool': {
				if (a0?.kind === 'boolean') return this.bool(a0.value, node);
				if (a0?.kind === 'number') return this.bool(a0.value !== 0, node);
				const t = s(a0)?.toLowerCase();
				return t === 'true' || t === 'false' ? this.bool(t === 'true', node) : bad('not a boolean');
			}
			case 'json': {
				const t = s(a0);
				if (t === undefined) return bad('expected a string');
				try {
					return this.fromJson(JSON.parse(t), node, 0);
				} catch {
					return bad('invalid JSON');
				}
			}
			case 'array':
				return a0?.kind === 'array' ? this.copyAs(a0, node) : a0 ? this.arr([a0], node) : bad('expected a value');
			case 'createarray':
				return this.arr(args, node);
			case 'createobject': {
				const entries = new Map<string, ObjectEntry>();
				for (let i = 0; i + 1 < args.length; i += 2) {
					const k = s(args[i]);
					if (k === undefined) return bad('keys must be strings');
					entries.set(k.toLowerCase(), { key: k, value: args[i + 1] });
				}
				return { kind: 'object', entries, origin: this.computed(node) };
			}
			case 'empty': {
				if (!a0) return bad('expected a value');
				switch (a0.kind) {
					case 'null':
						return this.bool(true, node);
					case 'string':
						return this.bool(a0.value.length === 0, node);
					case 'array':
						return this.bool(a0.items.length === 0, node);
					case 'object':
						return this.bool(a0.entries.size === 0, node);
					case 'unknown':
						return this.unknown(a0.reason, node);
					default:
						return bad('expected a string, array or object');
				}
			}
			case 'length': {
				if (a0?.kind === 'string') return this.num(a0.value.length, node);
				if (a0?.kind === 'array') return this.num(a0.items.length, node);
				if (a0?.kind === 'object') return this.num(a0.entries.size, node);
				return a0?.kind === 'unknown' ? this.unknown(a0.reason, node) : bad('expected a string, array or object');
			}
			case 'contains': {
				if (!a0 || !a1) return bad('expected two arguments');
				if (a0.kind === 'unknown') return this.unknown(a0.reason, node);
				if (a1.kind === 'unknown') return this.unknown(a1.reason, node);
				if (a0.kind === 'string') {
					const t = stringify(a1);
					return t === undefined ? bad('expected a string') : this.bool(a0.value.includes(t), node);
				}
				if (a0.kind === 'object') return a1.kind === 'string' ? this.bool(a0.entries.has(a1.value.toLowerCase()), node) : bad('expected a key');
				if (a0.kind === 'array') {
					let unknown = false;
					for (const i of a0.items) {
						const eq = valuesEqual(i, a1);
						if (eq === true) return this.bool(true, node);
						if (eq === undefined) unknown = true;
					}
					return unknown ? this.unknown('array has unknown items', node) : this.bool(false, node);
				}
				return bad('expected a string, array or object');
			}
			case 'first':
			case 'last': {
				if (a0?.kind === 'array') {
					const item = name === 'first' ? a0.items[0] : a0.items[a0.items.length - 1];
					return item ? this.copyAs(item, node) : { kind: 'null', origin: this.computed(node) };
				}
				if (a0?.kind === 'string') return this.str(a0.value === '' ? '' : name === 'first' ? a0.value[0] : a0.value[a0.value.length - 1], node);
				return bad('expected an array or a string');
			}
			case 'take':
			case 'skip': {
				if (a1?.kind !== 'number') return bad('expected a count');
				const n = Math.max(0, a1.value);
				if (a0?.kind === 'array') return this.arr(name === 'take' ? a0.items.slice(0, n) : a0.items.slice(n), node);
				if (a0?.kind === 'string') return this.str(name === 'take' ? a0.value.slice(0, n) : a0.value.slice(n), node);
				return bad('expected an array or a string');
			}
			case 'range': {
				if (a0?.kind !== 'number' || a1?.kind !== 'number') return bad('expected numbers');
				if (a1.value < 0 || a1.value > MAX_ITEMS) return bad('count out of range');
				const out: Value[] = [];
				for (let i = 0; i < a1.value; i++) out.push(this.num(a0.value + i, node));
				return this.arr(out, node);
			}
			case 'flatten': {
				if (a0?.kind !== 'array') return bad('expected an array');
				const out: Value[] = [];
				for (const i of a0.items) {
					if (i.kind !== 'array') return bad('expected an array of arrays');
					out.push(...i.items);
				}
				return this.arr(out, node);
			}
			case 'min':
			case 'max': {
				const list = args.length === 1 && a0?.kind === 'array' ? a0.items : args;
				const nums = list.map((v) => (v.kind === 'number' ? v.value : NaN));
				if (!nums.length || nums.some((n) => Number.isNaN(n))) return bad('expected integers');
				return this.num(name === 'min' ? Math.min(...nums) : Math.max(...nums), node);
			}
			case 'union':
				return this.union(args, node, bad);
			case 'intersection': {
				if (args.length === 0) return bad('expected arguments');
				if (args.some((a) => a.kind === 'unknown')) return this.unknown(firstUnknown(args)!.reason, node);
				if (args.every((a) => a.kind === 'array')) {
					const [first, ...rest] = args as ArrayValue[];
					return this.arr(first.items.filter((i) => rest.every((r) => r.items.some((j) => valuesEqual(i, j) === true))), node);
				}
				if (args.every((a) => a.kind === 'object')) {
					const [first, ...rest] = args as ObjectValue[];
					const entries = new Map<string, ObjectEntry>();
					for (const [k, e] of first.entries) {
						if (rest.every((r) => r.entries.has(k) && valuesEqual(r.entries.get(k)!.value, e.value) === true)) entries.set(k, e);
					}
					return { kind: 'object', entries, origin: this.computed(node) };
				}
				return bad('expected arrays or objects');
			}
			case 'shallowmerge': {
				if (a0?.kind !== 'array') return bad('expected an array of objects');
				const entries = new Map<string, ObjectEntry>();
				for (const o of a0.items) {
					if (o.kind !== 'object') return bad('expected an array of objects');
					for (const [k, e] of o.entries) entries.set(k, e);
				}
				return { kind: 'object', entries, origin: this.computed(node) };
			}
			case 'items': {
				if (a0?.kind !== 'object') return bad('expected an object');
				const out: Value[] = [];
				for (const e of a0.entries.values()) {
					const entries = new Map<string, ObjectEntry>([
						['key', { key: 'key', value: this.str(e.key, node) }],
						['value', { key: 'value', value: e.value }],
					]);
					out.push({ kind: 'object', entries, origin: this.computed(node) });
				}
				return this.arr(out, node);
			}
			case 'objectkeys': {
				if (a0?.kind !== 'object') return bad('expected an object');
				return this.arr([...a0.entries.values()].map((e) => this.str(e.key, node)), node);
			}
			case 'resourceid':
				return this.resourceIdFunction(args, 2, node, bad, (lead) => {
					const sub = lead.length === 2 ? lead[0] : SUBSCRIPTION_PLACEHOLDER;
					const rg = lead.length >= 1 ? lead[lead.length - 1] : RESOURCE_GROUP_PLACEHOLDER;
					return `/subscriptions/${sub}/resourceGroups/${rg}`;
				});
			case 'subscriptionresourceid':
				return this.resourceIdFunction(args, 1, node, bad, (lead) => `/subscriptions/${lead[0] ?? SUBSCRIPTION_PLACEHOLDER}`);
			case 'tenantresourceid':
				return this.resourceIdFunction(args, 0, node, bad, () => '');
			case 'extensionresourceid': {
				const base = s(a0);
				if (base === undefined) return bad('expected a resource id');
				return this.resourceIdFunction(args.slice(1), 0, node, bad, () => base.replace(/\/+$/, ''));
			}
			default:
				return bad('not evaluated');
		}
	}

	/** ARM union(): objects merged deeply (later wins), arrays concatenated without duplicates. */
	private union(args: Value[], node: Node, bad: (why: string) => Value): Value {
		if (args.length === 0) return bad('expected arguments');
		const u = args.find((a) => a.kind === 'unknown');
		if (u && u.kind === 'unknown') return this.unknown(u.reason, node);
		if (args.every((a) => a.kind === 'object' || a.kind === 'null')) {
			let entries = new Map<string, ObjectEntry>();
			for (const a of args) if (a.kind === 'object') entries = mergeEntries(entries, a.entries, 0);
			return { kind: 'object', entries, origin: this.computed(node) };
		}
		if (args.every((a) => a.kind === 'array' || a.kind === 'null')) {
			const out: Value[] = [];
			for (const a of args) {
				if (a.kind !== 'array') continue;
				for (const i of a.items) if (!out.some((o) => valuesEqual(o, i) === true)) out.push(i);
			}
			return this.arr(out, node);
		}
		return bad('expected objects or arrays');
	}

	private resourceIdFunction(args: Value[], maxLeading: number, node: Node, bad: (why: string) => Value, prefix: (lead: string[]) => string): Value {
		const texts = args.map((a) => (a.kind === 'string' ? a.value : a.kind === 'number' ? String(a.value) : undefined));
		for (let t = 0; t <= Math.min(maxLeading, args.length - 2); t++) {
			const type = texts[t];
			if (type === undefined || !type.includes('/')) continue;
			const [namespace, ...types] = type.split('/');
			const rest = texts.slice(t + 1);
			if (rest.some((r) => r === undefined)) continue;
			let names = rest as string[];
			if (names.length !== types.length) names = names.join('/').split('/');
			if (names.length !== types.length) continue;
			const lead = texts.slice(0, t);
			if (lead.some((l) => l === undefined)) return bad('scope is not a string');
			let id = `${prefix(lead as string[])}/providers/${namespace}`;
			for (let i = 0; i < types.length; i++) id += `/${types[i]}/${names[i]}`;
			return this.str(id, node);
		}
		return bad('the names do not match the resource type segments');
	}

	private fromJson(v: unknown, node: Node, depth: number): Value {
		if (depth > MAX_DEPTH) throw new Abort('nesting too deep');
		if (v === null) return { kind: 'null', origin: this.computed(node) };
		if (typeof v === 'string') return this.str(v, node);
		if (typeof v === 'number') return this.num(v, node);
		if (typeof v === 'boolean') return this.bool(v, node);
		if (Array.isArray(v)) return this.arr(v.map((i) => this.fromJson(i, node, depth + 1)), node);
		const entries = new Map<string, ObjectEntry>();
		for (const [k, val] of Object.entries(v as Record<string, unknown>)) entries.set(k.toLowerCase(), { key: k, value: this.fromJson(val, node, depth + 1) });
		return { kind: 'object', entries, origin: this.computed(node) };
	}
}

/** `a[?i]`: the `?` token follows the `[`. */
function isSafeSubscript(node: Node): boolean {
	const count = node.childCount;
	for (let i = 1; i < count && i < 4; i++) if (node.child(i)?.type === '?') return true;
	return false;
}

function mergeEntries(into: Map<string, ObjectEntry>, from: Map<string, ObjectEntry>, depth: number): Map<string, ObjectEntry> {
	const out = new Map(into);
	for (const [k, e] of from) {
		const prev = out.get(k);
		if (prev && prev.value.kind === 'object' && e.value.kind === 'object' && depth < MAX_DEPTH) {
			out.set(k, { ...e, value: { ...e.value, entries: mergeEntries(prev.value.entries, e.value.entries, depth + 1) } });
		} else out.set(k, e);
	}
	return out;
}
