// The ARM template expression language (`"[concat('a', parameters('b'))]"`): tokenizer, recursive-descent
// parser and a bounded evaluator over the shared Value model. Pure: no I/O, no editor types. Values a fix
// could edit keep their provenance through pass-through functions (parameters(), variables(), member
// access, coalesce()), everything else is marked 'computed' so no fix tries to rewrite it in place.

import { JsonOrigin, type PathAt } from './json-path';
import { MAX_VALUE_SIZE, toPlain, unknownReason, valueSize, valuesEqual } from '../rule';
import type { ObjectEntry, Origin, Span, Value } from '../types';

export interface ArmEvalContext {
	/** Document the expression string is in. */
	uri: string;
	/** undefined = no such parameter. */
	parameter(name: string): Value | undefined;
	/** undefined = no such variable. */
	variable(name: string): Value | undefined;
	/** Current copy index, if inside a copy loop. */
	copyIndex?(loopName: string | undefined): number | undefined;
	/** Shared step budget so hostile templates cannot loop/allocate without bound. */
	budget: { steps: number };
}

interface NodeBase {
	/** Offsets into the expression text (without the outer brackets). */
	start: number;
	end: number;
}

export type ArmExpr =
	| (NodeBase & { type: 'string'; value: string })
	| (NodeBase & { type: 'number'; value: number })
	| (NodeBase & { type: 'boolean'; value: boolean })
	| (NodeBase & { type: 'null' })
	| (NodeBase & { type: 'call'; name: string; args: ArmExpr[] })
	| (NodeBase & { type: 'property'; target: ArmExpr; name: string })
	| (NodeBase & { type: 'index'; target: ArmExpr; index: ArmExpr });

type CallExpr = Extract<ArmExpr, { type: 'call' }>;

const MAX_DEPTH = 200;
const MAX_STRING = 1_000_000;
const MAX_RANGE = 10_000;
/** Nesting cap for values built from json(): deeper input is almost certainly hostile. */
const MAX_JSON_DEPTH = 200;

export const SUBSCRIPTION_PLACEHOLDER = '{subscriptionId}';
export const RESOURCE_GROUP_PLACEHOLDER = '{resourceGroup}';

/** True for `"[...]"` strings; `"[[...]"` is the escape for a literal starting with a bracket. */
export function isArmExpression(raw: string): boolean {
	return raw.length >= 2 && raw[0] === '[' && raw[raw.length - 1] === ']' && raw[1] !== '[';
}

/**
 * The value of a JSON string that is not an expression. ARM only unescapes `[[` when the string would
 * otherwise be an expression (it ends with `]`); `"[[abc"` stays as written.
 */
export function unescapeArmLiteral(raw: string): string {
	return raw.startsWith('[[') && raw.endsWith(']') ? raw.slice(1) : raw;
}

/** Evaluate a JSON string value that may be an ARM expression. Never throws. */
export function evaluateArmString(raw: string, site: { span: Span; path: PathAt }, ctx: ArmEvalContext): Value {
	if (!isArmExpression(raw)) {
		return { kind: 'string', value: unescapeArmLiteral(raw), origin: JsonOrigin.at(ctx.uri, site.span, 'literal', undefined, true, site.path) };
	}
	const origin: Origin = JsonOrigin.at(ctx.uri, site.span, 'computed', undefined, false, site.path);
	try {
		if (ctx.budget.steps <= 0) return { kind: 'unknown', reason: 'evaluation budget exceeded', origin };
		const parsed = parseArmExpression(raw.slice(1, -1));
		if (!parsed.ast) return { kind: 'unknown', reason: `invalid expression: ${parsed.error ?? 'unreadable'}`, origin };
		return new Evaluator(ctx, origin).eval(parsed.ast, 0);
	} catch (e) {
		if (e instanceof Abort) return { kind: 'unknown', reason: e.reason, origin };
		// Stack overflows and other surprises from hostile input must not take the analysis down.
		return { kind: 'unknown', reason: `evaluation failed: ${e instanceof Error ? e.message : String(e)}`, origin };
	}
}

/** Lower-case a resource id for comparison, keeping the unknown-scope placeholders recognisable. */
export function normalizeResourceId(id: string): string {
	const parts = id.split(/(\{subscriptionId\}|\{resourceGroup\})/);
	const joined = parts
		.map((p, i) => (i % 2 === 1 ? p : p.toLowerCase()))
		.join('');
	return trimTrailingSlashes(joined);
}

/** `s` without trailing slashes. Not `/\/+$/`: that backtracks quadratically over a long run of slashes. */
export function trimTrailingSlashes(s: string): string {
	let end = s.length;
	while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
	return s.slice(0, end);
}

// ---------------------------------------------------------------------------------------------------
// Tokenizer and parser

type TokenKind = 'punc' | 'string' | 'number' | 'ident' | 'eof';

interface Token {
	kind: TokenKind;
	/** Punctuation character, identifier name, or the unescaped string literal. */
	text: string;
	num?: number;
	start: number;
	end: number;
}

class ParseError extends Error {}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
			i++;
		} else if (c === '(' || c === ')' || c === ',' || c === '.' || c === '[' || c === ']') {
			tokens.push({ kind: 'punc', text: c, start: i, end: i + 1 });
			i++;
		} else if (c === "'") {
			const start = i;
			let value = '';
			i++;
			for (;;) {
				if (i >= text.length) throw new ParseError(`unterminated string starting at ${start}`);
				if (text[i] === "'") {
					if (text[i + 1] === "'") {
						value += "'";
						i += 2;
						continue;
					}
					i++;
					break;
				}
				const next = text.indexOf("'", i);
				const stop = next < 0 ? text.length : next;
				value += text.slice(i, stop);
				i = stop;
			}
			tokens.push({ kind: 'string', text: value, start, end: i });
		} else if (isDigit(c) || (c === '-' && isDigit(text[i + 1]))) {
			const start = i;
			i++;
			while (isDigit(text[i])) i++;
			if (text[i] === '.' && isDigit(text[i + 1])) {
				i++;
				while (isDigit(text[i])) i++;
			}
			const raw = text.slice(start, i);
			tokens.push({ kind: 'number', text: raw, num: Number(raw), start, end: i });
		} else if (isIdentStart(c)) {
			const start = i;
			i++;
			while (i < text.length && isIdentPart(text[i])) i++;
			tokens.push({ kind: 'ident', text: text.slice(start, i), start, end: i });
		} else {
			throw new ParseError(`unexpected character '${c}' at ${i}`);
		}
	}
	tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length });
	return tokens;
}

function isDigit(c: string | undefined): boolean {
	return c !== undefined && c >= '0' && c <= '9';
}

function isIdentStart(c: string): boolean {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}

function isIdentPart(c: string): boolean {
	return isIdentStart(c) || isDigit(c);
}

function describe(t: Token): string {
	switch (t.kind) {
		case 'eof':
			return 'end of expression';
		case 'string':
			return `string at ${t.start}`;
		default:
			return `'${t.text}' at ${t.start}`;
	}
}

class Parser {
	private i = 0;
	constructor(private readonly tokens: Token[]) {}

	parseAll(): ArmExpr {
		const e = this.expression(0);
		const t = this.peek();
		if (t.kind !== 'eof') throw new ParseError(`unexpected ${describe(t)}`);
		return e;
	}

	private peek(offset = 0): Token {
		return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
	}

	private next(): Token {
		const t = this.peek();
		if (t.kind !== 'eof') this.i++;
		return t;
	}

	private isPunc(text: string, offset = 0): boolean {
		const t = this.peek(offset);
		return t.kind === 'punc' && t.text === text;
	}

	private expect(text: string): Token {
		const t = this.next();
		if (t.kind !== 'punc' || t.text !== text) throw new ParseError(`expected '${text}' but found ${describe(t)}`);
		return t;
	}

	// Chains (`a.b[0].c`) grow the tree without recursing here, so their length counts towards the
	// depth as well: the evaluator recurses once per link.
	private expression(depth: number): ArmExpr {
		if (depth > MAX_DEPTH) throw new ParseError(`nested deeper than ${MAX_DEPTH} levels`);
		let node = this.primary(depth);
		for (;;) {
			if (this.isPunc('.')) {
				this.next();
				const name = this.next();
				if (name.kind !== 'ident') throw new ParseError(`expected a property name but found ${describe(name)}`);
				node = { type: 'property', target: node, name: name.text, start: node.start, end: name.end };
			} else if (this.isPunc('[')) {
				this.next();
				const index = this.expression(depth + 1);
				const close = this.expect(']');
				node = { type: 'index', target: node, index, start: node.start, end: close.end };
			} else {
				break;
			}
			if (++depth > MAX_DEPTH) throw new ParseError(`nested deeper than ${MAX_DEPTH} levels`);
		}
		return node;
	}

	private primary(depth: number): ArmExpr {
		const t = this.next();
		switch (t.kind) {
			case 'string':
				return { type: 'string', value: t.text, start: t.start, end: t.end };
			case 'number':
				return { type: 'number', value: t.num ?? Number(t.text), start: t.start, end: t.end };
			case 'ident': {
				let name = t.text;
				// User-defined functions are namespaced: `ns.fn(...)`.
				while (this.isPunc('.') && this.peek(1).kind === 'ident' && this.isPunc('(', 2)) {
					this.next();
					name += '.' + this.next().text;
				}
				if (this.isPunc('(')) return this.call(name, t.start, depth);
				const lower = name.toLowerCase();
				if (lower === 'true' || lower === 'false') return { type: 'boolean', value: lower === 'true', start: t.start, end: t.end };
				if (lower === 'null') return { type: 'null', start: t.start, end: t.end };
				throw new ParseError(`unexpected identifier '${name}' at ${t.start}`);
			}
			default:
				throw new ParseError(`unexpected ${describe(t)}`);
		}
	}

	private call(name: string, start: number, depth: number): ArmExpr {
		this.expect('(');
		const args: ArmExpr[] = [];
		if (this.isPunc(')')) {
			const close = this.next();
			return { type: 'call', name, args, start, end: close.end };
		}
		for (;;) {
			args.push(this.expression(depth + 1));
			const t = this.next();
			if (t.kind === 'punc' && t.text === ')') return { type: 'call', name, args, start, end: t.end };
			if (t.kind !== 'punc' || t.text !== ',') throw new ParseError(`expected ',' or ')' but found ${describe(t)}`);
		}
	}
}

/**
 * Parsed expressions by text: templates repeat the same short ones (`[parameters('location')]` on every
 * resource). Bounded in count and in expression length, so it never holds on to much.
 */
const parsedCache = new Map<string, { ast?: ArmExpr; error?: string }>();
const PARSED_CACHE_SIZE = 4096;
const PARSED_CACHE_MAX_LENGTH = 256;

/** Parse the text between the outer brackets, memoised (ASTs are never mutated). Never throws. */
export function parseArmExpression(text: string): { ast?: ArmExpr; error?: string } {
	if (text.length > PARSED_CACHE_MAX_LENGTH) return parseArmExpressionUncached(text);
	let parsed = parsedCache.get(text);
	if (!parsed) {
		parsed = parseArmExpressionUncached(text);
		if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.clear();
		parsedCache.set(text, parsed);
	}
	return parsed;
}

function parseArmExpressionUncached(text: string): { ast?: ArmExpr; error?: string } {
	try {
		if (text.trim() === '') return { error: 'empty expression' };
		return { ast: new Parser(tokenize(text)).parseAll() };
	} catch (e) {
		if (e instanceof ParseError) return { error: e.message };
		return { error: e instanceof Error ? e.message : String(e) };
	}
}

// ---------------------------------------------------------------------------------------------------
// Evaluator

/** Ends the whole evaluation with an unknown (budget, size and depth limits). */
class Abort extends Error {
	constructor(readonly reason: string) {
		super(reason);
	}
}

type Fn = (ev: Evaluator, call: CallExpr, depth: number) => Value;

type StringValue = Extract<Value, { kind: 'string' }>;
type NumberValue = Extract<Value, { kind: 'number' }>;
type ArrayValue = Extract<Value, { kind: 'array' }>;
type ObjectValue = Extract<Value, { kind: 'object' }>;
type UnknownValue = Extract<Value, { kind: 'unknown' }>;

class Evaluator {
	constructor(
		readonly ctx: ArmEvalContext,
		readonly origin: Origin,
	) {}

	/** Charge the shared budget; `n` > 1 for work proportional to a result's size. */
	step(n = 1): void {
		const budget = this.ctx.budget;
		if (budget.steps <= 0) throw new Abort('evaluation budget exceeded');
		budget.steps -= n;
		if (budget.steps < 0) throw new Abort('evaluation budget exceeded');
	}

	eval(e: ArmExpr, depth: number): Value {
		this.step();
		if (depth > MAX_DEPTH) throw new Abort('expression nested too deeply');
		switch (e.type) {
			case 'string':
				return this.str(e.value);
			case 'number':
				return this.num(e.value);
			case 'boolean':
				return this.bool(e.value);
			case 'null':
				return this.nul();
			case 'property':
				return this.member(this.eval(e.target, depth + 1), e.name);
			case 'index': {
				const target = this.eval(e.target, depth + 1);
				const index = this.eval(e.index, depth + 1);
				return this.indexInto(target, index);
			}
			case 'call': {
				const lower = e.name.toLowerCase();
				const fn = FUNCTIONS.get(lower);
				if (fn) return fn(this, e, depth);
				if (RUNTIME_FUNCTIONS.has(lower) || lower.startsWith('list')) return this.unknown(`runtime value: ${e.name}()`);
				return this.unknown(`unsupported function '${e.name}'`);
			}
		}
	}

	evalArgs(call: CallExpr, depth: number): Value[] {
		return call.args.map((a) => this.eval(a, depth + 1));
	}

	// Member access hands back the inner Value itself so its origin (parameter default, variable...)
	// still points at the text a fix would edit.
	member(target: Value, name: string): Value {
		if (target.kind === 'unknown') return target;
		if (target.kind !== 'object') return this.unknown(`cannot read property '${name}' of ${describeKind(target)}`);
		const entry = target.entries.get(name.toLowerCase());
		if (!entry) return this.unknown(`property '${name}' does not exist`);
		return entry.value;
	}

	indexInto(target: Value, index: Value): Value {
		if (target.kind === 'unknown') return target;
		if (index.kind === 'unknown') return this.unknownFrom(index);
		if (target.kind === 'array') {
			if (index.kind !== 'number' || !Number.isInteger(index.value)) return this.unknown('array index must be an integer');
			if (index.value < 0 || index.value >= target.items.length) return this.unknown(`index ${index.value} is out of range`);
			return target.items[index.value];
		}
		if (target.kind === 'object') {
			if (index.kind !== 'string') return this.unknown('object index must be a string');
			return this.member(target, index.value);
		}
		return this.unknown(`cannot index into ${describeKind(target)}`);
	}

	// ---- constructors: everything the evaluator makes is 'computed'

	str(value: string): Value {
		if (value.length > MAX_STRING) throw new Abort(`string result longer than ${MAX_STRING} characters`);
		return { kind: 'string', value, origin: this.origin };
	}

	num(value: number): Value {
		return { kind: 'number', value, origin: this.origin };
	}

	bool(value: boolean): Value {
		return { kind: 'boolean', value, origin: this.origin };
	}

	nul(): Value {
		return { kind: 'null', origin: this.origin };
	}

	arr(items: Value[]): Value {
		this.step(items.length);
		return this.bounded({ kind: 'array', items, origin: this.origin });
	}

	obj(entries: Map<string, ObjectEntry>): Value {
		this.step(entries.size);
		return this.bounded({ kind: 'object', entries, origin: this.origin });
	}

	/** Shared sub-values can make a small expression describe an exponentially large value: refuse those. */
	bounded(v: Value): Value {
		if (valueSize(v) > MAX_VALUE_SIZE) throw new Abort(`value larger than ${MAX_VALUE_SIZE} elements`);
		return v;
	}

	unknown(reason: string): Value {
		return { kind: 'unknown', reason, origin: this.origin };
	}

	unknownFrom(v: UnknownValue): Value {
		return this.unknown(v.reason);
	}

	invalid(fn: string, why: string): Value {
		return this.unknown(`invalid arguments to ${fn}(): ${why}`);
	}

	/** The same value re-labelled as computed (if(), array()): not a literal a fix may replace. */
	relabel(v: Value): Value {
		return { ...v, origin: this.origin } as Value;
	}

	/** Tri-state deep equality (case-sensitive, as ARM's equals()): undefined when an unknown part decides it. */
	equal(a: Value, b: Value): boolean | undefined {
		return valuesEqual(a, b, false, () => this.step());
	}

	/** Plain JS → Value for json(); every node is computed and has no site. */
	fromPlain(v: unknown, depth: number): Value {
		this.step();
		if (depth > MAX_JSON_DEPTH) throw new Abort('JSON value nested too deeply');
		if (v === null) return this.nul();
		if (typeof v === 'string') return this.str(v);
		if (typeof v === 'number') return this.num(v);
		if (typeof v === 'boolean') return this.bool(v);
		if (Array.isArray(v)) return this.arr(v.map((x) => this.fromPlain(x, depth + 1)));
		if (typeof v === 'object') {
			const entries = new Map<string, ObjectEntry>();
			for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
				entries.set(key.toLowerCase(), { key, value: this.fromPlain(x, depth + 1) });
			}
			return this.obj(entries);
		}
		return this.unknown('unreadable JSON value');
	}
}

function describeKind(v: Value): string {
	return v.kind === 'null' ? 'null' : `a${v.kind === 'array' || v.kind === 'object' ? 'n' : ''} ${v.kind}`;
}

function firstUnknown(values: Value[]): UnknownValue | undefined {
	for (const v of values) if (v.kind === 'unknown') return v;
	return undefined;
}

/** Text of a value as concat()/format()/string() write it: JSON text for non-strings. */
function toText(v: Value): string | undefined {
	switch (v.kind) {
		case 'string':
			return v.value;
		case 'number':
		case 'boolean':
			return String(v.value);
		case 'null':
			return '';
		case 'unknown':
			return undefined;
		case 'array':
		case 'object': {
			const plain = toPlain(v);
			return plain === undefined ? undefined : JSON.stringify(plain);
		}
	}
}

/** Reason to give when `v` is not fully known (deep), else undefined. */
function deepUnknown(v: Value): string | undefined {
	return unknownReason(v);
}

// ---------------------------------------------------------------------------------------------------
// Function table

type Strict = (ev: Evaluator, args: Value[], name: string) => Value;

/** Eager function: arity-checked, arguments evaluated, and unknown if any argument is unknown. */
function strict(min: number, max: number, body: Strict): Fn {
	return (ev, call, depth) => {
		const n = call.args.length;
		if (n < min || n > max) {
			const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
			return ev.invalid(call.name, `expected ${expected} argument${expected === '1' ? '' : 's'}, got ${n}`);
		}
		const args = ev.evalArgs(call, depth);
		const u = firstUnknown(args);
		if (u) return ev.unknownFrom(u);
		return body(ev, args, call.name);
	};
}

/** Lazy function: receives the AST so it can short-circuit soundly. */
function lazy(min: number, max: number, body: Fn): Fn {
	return (ev, call, depth) => {
		const n = call.args.length;
		if (n < min || n > max) return ev.invalid(call.name, `expected ${min === max ? min : `${min}+`} arguments, got ${n}`);
		return body(ev, call, depth);
	};
}

function isStr(v: Value): v is StringValue {
	return v.kind === 'string';
}

function isInt(v: Value): v is NumberValue {
	return v.kind === 'number' && Number.isInteger(v.value);
}

const RUNTIME_FUNCTIONS = new Set([
	'reference',
	'resourcegroup',
	'subscription',
	'tenant',
	'deployment',
	'environment',
	'managementgroup',
	'pickzones',
	'providers',
	'guid',
	'uniquestring',
	'newguid',
	'utcnow',
	'deployer',
]);

const FUNCTIONS = new Map<string, Fn>();

function define(names: string | string[], fn: Fn): void {
	for (const n of Array.isArray(names) ? names : [names]) FUNCTIONS.set(n.toLowerCase(), fn);
}

// -- scope lookups: pass the Value through untouched so its origin survives

define(
	'parameters',
	strict(1, 1, (ev, [name], fn) => {
		if (!isStr(name)) return ev.invalid(fn, 'the name must be a string');
		return ev.ctx.parameter(name.value) ?? ev.unknown(`unknown parameter '${name.value}'`);
	}),
);

define(
	'variables',
	strict(1, 1, (ev, [name], fn) => {
		if (!isStr(name)) return ev.invalid(fn, 'the name must be a string');
		return ev.ctx.variable(name.value) ?? ev.unknown(`unknown variable '${name.value}'`);
	}),
);

define(
	'copyIndex',
	strict(0, 2, (ev, args, fn) => {
		let loop: string | undefined;
		let offset = 0;
		for (const a of args) {
			if (isStr(a) && loop === undefined && offset === 0) loop = a.value;
			else if (isInt(a)) offset = a.value;
			else return ev.invalid(fn, 'expected copyIndex([loopName], [offset])');
		}
		const index = ev.ctx.copyIndex?.(loop);
		if (index === undefined) return ev.unknown(loop ? `copyIndex('${loop}') outside that copy loop` : 'copyIndex() outside a copy loop');
		return ev.num(index + offset);
	}),
);

// -- literals as functions

define('true', strict(0, 0, (ev) => ev.bool(true)));
define('false', strict(0, 0, (ev) => ev.bool(false)));
define('null', strict(0, 0, (ev) => ev.nul()));

// -- logic

define(
	'if',
	lazy(3, 3, (ev, call, depth) => {
		const cond = ev.eval(call.args[0], depth + 1);
		if (cond.kind === 'boolean') return ev.relabel(ev.eval(call.args[cond.value ? 1 : 2], depth + 1));
		if (cond.kind !== 'unknown') return ev.invalid(call.name, 'the condition must be a boolean');
		// An unknown condition still gives a known result when both branches agree.
		const a = ev.eval(call.args[1], depth + 1);
		const b = ev.eval(call.args[2], depth + 1);
		if (deepUnknown(a) === undefined && ev.equal(a, b) === true) return ev.relabel(a);
		return ev.unknownFrom(cond);
	}),
);

function logical(stopAt: boolean): Fn {
	return lazy(1, Infinity, (ev, call, depth) => {
		let pending: UnknownValue | undefined;
		for (const arg of call.args) {
			const v = ev.eval(arg, depth + 1);
			if (v.kind === 'unknown') pending ??= v;
			else if (v.kind !== 'boolean') return ev.invalid(call.name, 'arguments must be booleans');
			// One decisive argument fixes the result whatever the unknown ones are.
			else if (v.value === stopAt) return ev.bool(stopAt);
		}
		return pending ? ev.unknownFrom(pending) : ev.bool(!stopAt);
	});
}

define('and', logical(false));
define('or', logical(true));

define(
	'not',
	strict(1, 1, (ev, [v], fn) => (v.kind === 'boolean' ? ev.bool(!v.value) : ev.invalid(fn, 'the argument must be a boolean'))),
);

define(
	'equals',
	strict(2, 2, (ev, [a, b]) => {
		const r = ev.equal(a, b);
		if (r === undefined) return ev.unknown(deepUnknown(a) ?? deepUnknown(b) ?? 'unknown value');
		return ev.bool(r);
	}),
);

function comparison(test: (c: number) => boolean): Fn {
	return strict(2, 2, (ev, [a, b], fn) => {
		if (a.kind === 'number' && b.kind === 'number') return ev.bool(test(a.value - b.value));
		if (isStr(a) && isStr(b)) return ev.bool(test(a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
		return ev.invalid(fn, 'expected two integers or two strings');
	});
}

define('greater', comparison((c) => c > 0));
define('greaterOrEquals', comparison((c) => c >= 0));
define('less', comparison((c) => c < 0));
define('lessOrEquals', comparison((c) => c <= 0));

define(
	'coalesce',
	lazy(1, Infinity, (ev, call, depth) => {
		for (const arg of call.args) {
			const v = ev.eval(arg, depth + 1);
			// Unknown could be null, so nothing after it can be chosen with certainty.
			if (v.kind === 'unknown') return ev.unknownFrom(v);
			if (v.kind !== 'null') return v;
		}
		return ev.nul();
	}),
);

// -- conversions

define(
	'bool',
	strict(1, 1, (ev, [v], fn) => {
		if (v.kind === 'boolean') return ev.bool(v.value);
		if (isStr(v)) {
			const lower = v.value.trim().toLowerCase();
			if (lower === 'true' || lower === 'false') return ev.bool(lower === 'true');
			return ev.invalid(fn, `'${v.value}' is not a boolean`);
		}
		// Like .NET Convert.ToBoolean: any non-zero integer is true.
		if (v.kind === 'number') return ev.bool(v.value !== 0);
		return ev.invalid(fn, `cannot convert ${describeKind(v)}`);
	}),
);

define(
	'int',
	strict(1, 1, (ev, [v], fn) => {
		if (v.kind === 'number') return ev.num(Math.trunc(v.value));
		if (isStr(v) && /^\s*[+-]?\d+\s*$/.test(v.value)) return ev.num(parseInt(v.value, 10));
		return ev.invalid(fn, `cannot convert ${isStr(v) ? `'${v.value}'` : describeKind(v)} to an integer`);
	}),
);

define(
	'string',
	strict(1, 1, (ev, [v]) => {
		const text = toText(v);
		return text === undefined ? ev.unknown(deepUnknown(v) ?? 'unknown value') : ev.str(text);
	}),
);

define(
	'json',
	strict(1, 1, (ev, [v], fn) => {
		if (!isStr(v)) return ev.invalid(fn, 'the argument must be a string');
		let parsed: unknown;
		try {
			parsed = JSON.parse(v.value);
		} catch {
			return ev.invalid(fn, 'not valid JSON');
		}
		return ev.fromPlain(parsed, 0);
	}),
);

define(
	'array',
	strict(1, 1, (ev, [v]) => (v.kind === 'array' ? ev.relabel(v) : ev.arr([v]))),
);

// Unknown items leave the array's shape known (length(), indexing the known items still work).
define('createArray', (ev, call, depth) => ev.arr(ev.evalArgs(call, depth)));

define('createObject', (ev, call, depth) => {
	if (call.args.length % 2 !== 0) return ev.invalid(call.name, 'expected key/value pairs');
	const args = ev.evalArgs(call, depth);
	const entries = new Map<string, ObjectEntry>();
	for (let i = 0; i < args.length; i += 2) {
		const key = args[i];
		// Unknown values are fine inside an object; an unknown key makes the shape unknown.
		if (key.kind === 'unknown') return ev.unknownFrom(key);
		if (!isStr(key)) return ev.invalid(call.name, 'keys must be strings');
		entries.set(key.value.toLowerCase(), { key: key.value, value: args[i + 1] });
	}
	return ev.obj(entries);
});

define(
	'items',
	strict(1, 1, (ev, [v], fn) => {
		if (v.kind !== 'object') return ev.invalid(fn, 'the argument must be an object');
		// ARM returns the entries sorted by key.
		const sorted = [...v.entries.values()].sort((a, b) => {
			const x = a.key.toLowerCase();
			const y = b.key.toLowerCase();
			return x < y ? -1 : x > y ? 1 : 0;
		});
		return ev.arr(
			sorted.map((e) => {
				const entries = new Map<string, ObjectEntry>();
				entries.set('key', { key: 'key', value: ev.str(e.key) });
				entries.set('value', { key: 'value', value: e.value });
				return ev.obj(entries);
			}),
		);
	}),
);

// -- strings

define('concat', (ev, call, depth) => {
	if (call.args.length === 0) return ev.invalid(call.name, 'expected at least 1 argument');
	const args = ev.evalArgs(call, depth);
	const u = firstUnknown(args);
	if (u) return ev.unknownFrom(u);
	if (args.some((a) => a.kind === 'array')) {
		const items: Value[] = [];
		for (const a of args) {
			if (a.kind === 'array') items.push(...a.items);
			else if (a.kind !== 'null') return ev.invalid(call.name, 'either all or none of the arguments must be arrays');
		}
		return ev.arr(items);
	}
	let out = '';
	for (const a of args) {
		if (a.kind === 'object') return ev.invalid(call.name, 'cannot concatenate an object');
		out += toText(a) ?? '';
		if (out.length > MAX_STRING) throw new Abort(`string result longer than ${MAX_STRING} characters`);
	}
	return ev.str(out);
});

define('format', (ev, call, depth) => {
	if (call.args.length === 0) return ev.invalid(call.name, 'expected at least 1 argument');
	const [fmt, ...args] = ev.evalArgs(call, depth);
	if (fmt.kind === 'unknown') return ev.unknownFrom(fmt);
	if (!isStr(fmt)) return ev.invalid(call.name, 'the format must be a string');
	const s = fmt.value;
	let out = '';
	let i = 0;
	while (i < s.length) {
		const c = s[i];
		if (c === '{' && s[i + 1] === '{') {
			out += '{';
			i += 2;
		} else if (c === '}' && s[i + 1] === '}') {
			out += '}';
			i += 2;
		} else if (c === '{') {
			// {index[,alignment][:formatString]}: the format string is ignored (numbers print plainly).
			const m = /^\{\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::([^}]*))?\}/.exec(s.slice(i, i + 64));
			if (!m) return ev.invalid(call.name, `bad placeholder at ${i}`);
			const arg = args[Number(m[1])];
			if (!arg) return ev.invalid(call.name, `no argument for {${m[1]}}`);
			let text = toText(arg);
			if (text === undefined) return ev.unknown(deepUnknown(arg) ?? 'unknown value');
			const align = m[2] === undefined ? 0 : Number(m[2]);
			if (Math.abs(align) > MAX_STRING) throw new Abort(`string result longer than ${MAX_STRING} characters`);
			if (align > 0) text = text.padStart(align);
			else if (align < 0) text = text.padEnd(-align);
			out += text;
			i += m[0].length;
		} else if (c === '}') {
			return ev.invalid(call.name, `unmatched '}' at ${i}`);
		} else {
			out += c;
			i++;
		}
		if (out.length > MAX_STRING) throw new Abort(`string result longer than ${MAX_STRING} characters`);
	}
	return ev.str(out);
});

function stringFn(body: (s: string) => string): Fn {
	return strict(1, 1, (ev, [v], fn) => (isStr(v) ? ev.str(body(v.value)) : ev.invalid(fn, 'the argument must be a string')));
}

define('toLower', stringFn((s) => s.toLowerCase()));
define('toUpper', stringFn((s) => s.toUpperCase()));
define('trim', stringFn((s) => s.trim()));

define(
	'split',
	strict(2, 2, (ev, [s, delim], fn) => {
		if (!isStr(s)) return ev.invalid(fn, 'the input must be a string');
		let delims: string[];
		if (isStr(delim)) delims = [delim.value];
		else if (delim.kind === 'array' && delim.items.every(isStr)) delims = delim.items.map((d) => (d as StringValue).value);
		else if (delim.kind === 'array' && delim.items.some((d) => d.kind === 'unknown')) return ev.unknown(deepUnknown(delim) ?? 'unknown value');
		else return ev.invalid(fn, 'the delimiter must be a string or an array of strings');
		delims = delims.filter((d) => d !== '');
		if (delims.length === 0) return ev.arr([ev.str(s.value)]);
		const parts: string[] = [];
		let start = 0;
		let i = 0;
		while (i < s.value.length) {
			const d = delims.find((x) => s.value.startsWith(x, i));
			if (d !== undefined) {
				parts.push(s.value.slice(start, i));
				i += d.length;
				start = i;
			} else {
				i++;
			}
		}
		parts.push(s.value.slice(start));
		ev.step(parts.length);
		return ev.arr(parts.map((p) => ev.str(p)));
	}),
);

define(
	'replace',
	strict(3, 3, (ev, [s, from, to], fn) => {
		if (!isStr(s) || !isStr(from) || !isStr(to)) return ev.invalid(fn, 'arguments must be strings');
		if (from.value === '') return ev.invalid(fn, 'the old string cannot be empty');
		const count = s.value.split(from.value).length - 1;
		if (s.value.length + count * (to.value.length - from.value.length) > MAX_STRING) {
			throw new Abort(`string result longer than ${MAX_STRING} characters`);
		}
		return ev.str(s.value.split(from.value).join(to.value));
	}),
);

function affix(test: (s: string, x: string) => boolean): Fn {
	return strict(2, 2, (ev, [s, x], fn) => {
		if (!isStr(s) || !isStr(x)) return ev.invalid(fn, 'arguments must be strings');
		// ARM compares case-insensitively here.
		return ev.bool(test(s.value.toLowerCase(), x.value.toLowerCase()));
	});
}

define('startsWith', affix((s, x) => s.startsWith(x)));
define('endsWith', affix((s, x) => s.endsWith(x)));

define(
	'substring',
	strict(2, 3, (ev, [s, start, length], fn) => {
		if (!isStr(s) || !isInt(start) || (length !== undefined && !isInt(length))) return ev.invalid(fn, 'expected (string, int[, int])');
		const from = start.value;
		const len = length === undefined ? s.value.length - from : (length as NumberValue).value;
		if (from < 0 || from > s.value.length || len < 0 || from + len > s.value.length) return ev.invalid(fn, 'index out of range');
		return ev.str(s.value.slice(from, from + len));
	}),
);

function indexFn(last: boolean): Fn {
	return strict(2, 2, (ev, [container, item], fn) => {
		if (isStr(container)) {
			if (!isStr(item)) return ev.invalid(fn, 'the value to find must be a string');
			// ARM's indexOf/lastIndexOf on strings ignore case.
			const h = container.value.toLowerCase();
			const n = item.value.toLowerCase();
			return ev.num(last ? h.lastIndexOf(n) : h.indexOf(n));
		}
		if (container.kind === 'array') {
			const order = last ? [...container.items.keys()].reverse() : [...container.items.keys()];
			for (const i of order) {
				const r = ev.equal(container.items[i], item);
				if (r === true) return ev.num(i);
				if (r === undefined) return ev.unknown(deepUnknown(container.items[i]) ?? deepUnknown(item) ?? 'unknown value');
			}
			return ev.num(-1);
		}
		return ev.invalid(fn, 'expected a string or an array');
	});
}

define('indexOf', indexFn(false));
define('lastIndexOf', indexFn(true));

define(
	'padLeft',
	strict(2, 3, (ev, [s, width, pad], fn) => {
		const text = s.kind === 'number' ? String(s.value) : isStr(s) ? s.value : undefined;
		if (text === undefined || !isInt(width) || (pad !== undefined && (!isStr(pad) || pad.value.length !== 1))) {
			return ev.invalid(fn, 'expected (string|int, int[, char])');
		}
		if (width.value > MAX_STRING) throw new Abort(`string result longer than ${MAX_STRING} characters`);
		return ev.str(text.padStart(width.value, pad ? (pad as StringValue).value : ' '));
	}),
);

// -- collections

define(
	'length',
	strict(1, 1, (ev, [v], fn) => {
		if (isStr(v)) return ev.num(v.value.length);
		if (v.kind === 'array') return ev.num(v.items.length);
		if (v.kind === 'object') return ev.num(v.entries.size);
		return ev.invalid(fn, `cannot take the length of ${describeKind(v)}`);
	}),
);

define(
	'empty',
	strict(1, 1, (ev, [v], fn) => {
		if (v.kind === 'null') return ev.bool(true);
		if (isStr(v)) return ev.bool(v.value.length === 0);
		if (v.kind === 'array') return ev.bool(v.items.length === 0);
		if (v.kind === 'object') return ev.bool(v.entries.size === 0);
		return ev.invalid(fn, `cannot test ${describeKind(v)} for emptiness`);
	}),
);

define(
	'contains',
	strict(2, 2, (ev, [container, item], fn) => {
		if (isStr(container)) {
			const text = item.kind === 'object' || item.kind === 'array' ? undefined : toText(item);
			if (text === undefined) return ev.invalid(fn, 'the value to find must be a string');
			return ev.bool(container.value.includes(text));
		}
		if (container.kind === 'object') {
			if (!isStr(item)) return ev.invalid(fn, 'the key must be a string');
			return ev.bool(container.entries.has(item.value.toLowerCase()));
		}
		if (container.kind === 'array') {
			let undecided: string | undefined;
			for (const x of container.items) {
				const r = ev.equal(x, item);
				if (r === true) return ev.bool(true);
				if (r === undefined) undecided ??= deepUnknown(x) ?? deepUnknown(item) ?? 'unknown value';
			}
			return undecided ? ev.unknown(undecided) : ev.bool(false);
		}
		return ev.invalid(fn, `cannot search ${describeKind(container)}`);
	}),
);

function endFn(last: boolean): Fn {
	return strict(1, 1, (ev, [v], fn) => {
		if (isStr(v)) return ev.str(v.value.length === 0 ? '' : last ? v.value[v.value.length - 1] : v.value[0]);
		if (v.kind === 'array') {
			if (v.items.length === 0) return ev.nul();
			return last ? v.items[v.items.length - 1] : v.items[0];
		}
		return ev.invalid(fn, 'expected a string or an array');
	});
}

define('first', endFn(false));
define('last', endFn(true));

function sliceFn(skip: boolean): Fn {
	return strict(2, 2, (ev, [v, count], fn) => {
		if (!isInt(count)) return ev.invalid(fn, 'the count must be an integer');
		const n = Math.max(0, count.value);
		if (isStr(v)) return ev.str(skip ? v.value.slice(n) : v.value.slice(0, n));
		if (v.kind === 'array') return ev.arr(skip ? v.items.slice(n) : v.items.slice(0, n));
		return ev.invalid(fn, 'expected a string or an array');
	});
}

define('skip', sliceFn(true));
define('take', sliceFn(false));

define(
	'range',
	strict(2, 2, (ev, [start, count], fn) => {
		if (!isInt(start) || !isInt(count)) return ev.invalid(fn, 'arguments must be integers');
		if (count.value < 0) return ev.invalid(fn, 'the count cannot be negative');
		if (count.value > MAX_RANGE) return ev.unknown(`range() of more than ${MAX_RANGE} items is not evaluated`);
		ev.step(count.value);
		const items: Value[] = [];
		for (let i = 0; i < count.value; i++) items.push(ev.num(start.value + i));
		return ev.arr(items);
	}),
);

define(
	'tryGet',
	strict(2, Infinity, (ev, [target, ...keys], fn) => {
		let cur: Value = target;
		for (const k of keys) {
			if (cur.kind === 'unknown') return cur;
			if (cur.kind === 'null') return ev.nul();
			if (cur.kind === 'object' && isStr(k)) {
				const e = cur.entries.get(k.value.toLowerCase());
				if (!e) return ev.nul();
				cur = e.value;
			} else if (cur.kind === 'array' && isInt(k)) {
				if (k.value < 0 || k.value >= cur.items.length) return ev.nul();
				cur = cur.items[k.value];
			} else {
				return ev.invalid(fn, 'keys must match the value (string for objects, integer for arrays)');
			}
		}
		return cur;
	}),
);

/** Merge objects the way ARM union() does: later keys win, nested objects merge recursively. */
function mergeObjects(ev: Evaluator, a: Map<string, ObjectEntry>, b: Map<string, ObjectEntry>): Map<string, ObjectEntry> {
	const out = new Map<string, ObjectEntry>();
	for (const [k, e] of a) out.set(k, { key: e.key, value: e.value });
	for (const [k, e] of b) {
		ev.step();
		const prev = out.get(k)?.value;
		let value = e.value;
		if (prev?.kind === 'object' && e.value.kind === 'object') value = ev.obj(mergeObjects(ev, prev.entries, e.value.entries));
		// An unknown earlier value might have been an object to merge with.
		else if (prev?.kind === 'unknown' && e.value.kind === 'object') value = ev.unknownFrom(prev);
		out.set(k, { key: e.key, value });
	}
	return out;
}

/** Push `item` unless an equal one is there; false when equality cannot be decided. */
function pushDistinct(ev: Evaluator, out: Value[], item: Value): boolean {
	for (const x of out) {
		const r = ev.equal(x, item);
		if (r === true) return true;
		if (r === undefined) return false;
	}
	out.push(item);
	return true;
}

function setArgs(ev: Evaluator, args: Value[], fn: string): { objects?: ObjectValue[]; arrays?: ArrayValue[]; error?: Value } {
	const present = args.filter((a) => a.kind !== 'null');
	if (present.length > 0 && present.every((a) => a.kind === 'object')) return { objects: present as ObjectValue[] };
	if (present.length > 0 && present.every((a) => a.kind === 'array')) return { arrays: present as ArrayValue[] };
	return { error: ev.invalid(fn, 'expected all objects or all arrays') };
}

define(
	'union',
	strict(1, Infinity, (ev, args, fn) => {
		const { objects, arrays, error } = setArgs(ev, args, fn);
		if (objects) {
			let entries = new Map<string, ObjectEntry>();
			for (const o of objects) entries = mergeObjects(ev, entries, o.entries);
			return ev.obj(entries);
		}
		if (arrays) {
			const out: Value[] = [];
			for (const a of arrays) {
				for (const item of a.items) {
					if (!pushDistinct(ev, out, item)) return ev.unknown(deepUnknown(item) ?? deepUnknown(a) ?? 'unknown value');
				}
			}
			return ev.arr(out);
		}
		return error as Value;
	}),
);

define(
	'intersection',
	strict(1, Infinity, (ev, args, fn) => {
		const { objects, arrays, error } = setArgs(ev, args, fn);
		if (objects) {
			const [head, ...rest] = objects;
			const entries = new Map<string, ObjectEntry>();
			for (const [k, e] of head.entries) {
				let keep = true;
				for (const o of rest) {
					const other = o.entries.get(k);
					const r = other ? ev.equal(e.value, other.value) : false;
					if (r === undefined) return ev.unknown(deepUnknown(e.value) ?? (other && deepUnknown(other.value)) ?? 'unknown value');
					if (!r) {
						keep = false;
						break;
					}
				}
				if (keep) entries.set(k, { key: e.key, value: e.value });
			}
			return ev.obj(entries);
		}
		if (arrays) {
			const [head, ...rest] = arrays;
			const out: Value[] = [];
			for (const item of head.items) {
				let keep = true;
				for (const a of rest) {
					let found: boolean | undefined = false;
					for (const x of a.items) {
						const r = ev.equal(x, item);
						if (r === true) {
							found = true;
							break;
						}
						if (r === undefined) found = undefined;
					}
					if (found === undefined) return ev.unknown(deepUnknown(item) ?? deepUnknown(a) ?? 'unknown value');
					if (!found) {
						keep = false;
						break;
					}
				}
				if (keep && !pushDistinct(ev, out, item)) return ev.unknown(deepUnknown(item) ?? 'unknown value');
			}
			return ev.arr(out);
		}
		return error as Value;
	}),
);

// -- numbers

function arithmetic(op: (a: number, b: number) => number | undefined): Fn {
	return strict(2, 2, (ev, [a, b], fn) => {
		if (!isInt(a) || !isInt(b)) return ev.invalid(fn, 'arguments must be integers');
		const r = op(a.value, b.value);
		return r === undefined ? ev.invalid(fn, 'division by zero') : ev.num(r);
	});
}

define('add', arithmetic((a, b) => a + b));
define('sub', arithmetic((a, b) => a - b));
define('mul', arithmetic((a, b) => a * b));
// Integer division truncates toward zero; the remainder takes the dividend's sign, as in .NET.
define('div', arithmetic((a, b) => (b === 0 ? undefined : Math.trunc(a / b))));
define('mod', arithmetic((a, b) => (b === 0 ? undefined : a % b)));

function extremum(pick: (a: number, b: number) => number): Fn {
	return strict(1, Infinity, (ev, args, fn) => {
		const list = args.length === 1 && args[0].kind === 'array' ? (args[0] as ArrayValue).items : args;
		const u = firstUnknown(list);
		if (u) return ev.unknownFrom(u);
		if (list.length === 0) return ev.invalid(fn, 'expected at least one integer');
		let best: number | undefined;
		for (const v of list) {
			if (v.kind !== 'number') return ev.invalid(fn, 'arguments must be integers');
			best = best === undefined ? v.value : pick(best, v.value);
		}
		return ev.num(best as number);
	});
}

define('min', extremum(Math.min));
define('max', extremum(Math.max));

// -- resource ids

/**
 * Build `{prefix}/providers/{ns}/{type1}/{name1}/{type2}/{name2}`. The type argument is the one whose
 * segment count matches the names after it; arguments before it are scope (subscription, group).
 * Unknown scope parts become placeholders so two ids for the same resource still compare equal.
 */
function resourceIdFn(maxLeading: number, prefix: (ev: Evaluator, leading: Value[], fn: string) => string | Value): Fn {
	return (ev, call, depth) => {
		if (call.args.length < 2) return ev.invalid(call.name, 'expected a resource type and at least one name');
		const args = ev.evalArgs(call, depth);
		const found = locateType(args, maxLeading);
		if (!found) {
			const u = firstUnknown(args);
			return u ? ev.unknownFrom(u) : ev.invalid(call.name, 'the names do not match the resource type segments');
		}
		if ('unknown' in found) return ev.unknownFrom(found.unknown);
		const { t, names } = found;
		const scope = prefix(ev, args.slice(0, t), call.name);
		if (typeof scope !== 'string') return scope;
		const [namespace, ...types] = (args[t] as StringValue).value.split('/');
		let id = `${scope}/providers/${namespace}`;
		for (let i = 0; i < types.length; i++) id += `/${types[i]}/${names[i]}`;
		return ev.str(id);
	};
}

function nameText(v: Value): string | undefined {
	return isStr(v) ? v.value : v.kind === 'number' ? String(v.value) : undefined;
}

function locateType(args: Value[], maxLeading: number): { t: number; names: string[] } | { unknown: UnknownValue } | undefined {
	for (let t = 0; t <= Math.min(maxLeading, args.length - 2); t++) {
		const type = args[t];
		if (!isStr(type) || !type.value.includes('/')) continue;
		const segments = type.value.split('/').length - 1;
		const rest = args.slice(t + 1);
		const unknownName = firstUnknown(rest);
		if (unknownName) {
			// The type is found but a name is not known: the id is not either.
			if (rest.length === segments) return { unknown: unknownName };
			continue;
		}
		const names = rest.map(nameText);
		if (names.some((n) => n === undefined)) continue;
		if (names.length === segments) return { t, names: names as string[] };
		// `resourceId('A/b/c', 'x/y')`: names given joined by '/'.
		const joined = (names as string[]).join('/').split('/');
		if (joined.length === segments) return { t, names: joined };
	}
	return undefined;
}

function scopePart(ev: Evaluator, v: Value | undefined, placeholder: string, fn: string): string | Value {
	if (v === undefined || v.kind === 'unknown') return placeholder;
	if (isStr(v)) return v.value;
	return ev.invalid(fn, 'scope arguments must be strings');
}

define(
	'resourceId',
	resourceIdFn(2, (ev, leading, fn) => {
		const sub = scopePart(ev, leading.length === 2 ? leading[0] : undefined, SUBSCRIPTION_PLACEHOLDER, fn);
		const rg = scopePart(ev, leading.length >= 1 ? leading[leading.length - 1] : undefined, RESOURCE_GROUP_PLACEHOLDER, fn);
		if (typeof sub !== 'string') return sub;
		if (typeof rg !== 'string') return rg;
		return `/subscriptions/${sub}/resourceGroups/${rg}`;
	}),
);

define(
	'subscriptionResourceId',
	resourceIdFn(1, (ev, leading, fn) => {
		const sub = scopePart(ev, leading[0], SUBSCRIPTION_PLACEHOLDER, fn);
		return typeof sub === 'string' ? `/subscriptions/${sub}` : sub;
	}),
);

define(
	'tenantResourceId',
	resourceIdFn(0, () => ''),
);

define('extensionResourceId', (ev, call, depth) => {
	if (call.args.length < 3) return ev.invalid(call.name, 'expected a resource id, a resource type and at least one name');
	const base = ev.eval(call.args[0], depth + 1);
	if (base.kind === 'unknown') return ev.unknownFrom(base);
	if (!isStr(base)) return ev.invalid(call.name, 'the resource id must be a string');
	const rest: CallExpr = { ...call, args: call.args.slice(1) };
	return resourceIdFn(0, () => trimTrailingSlashes(base.value))(ev, rest, depth);
});
