// A lazily built jsonc-parser tree for strict JSON (issue 7).
//
// jsonc-parser's `parseTree` scans every token in JavaScript and allocates a node for every value, and most of
// a large template is never looked at: the analysis reads the resources' headers (type, name, apiVersion...) and
// the bodies of the few resources a rule checks. For text that is strict JSON (what `bicep build`, the portal's
// export and most hand-written templates are) the work is split instead:
//
//   1. One pass checks that the text is strict JSON (the grammar `JSON.parse` accepts, without building any
//      value) and pairs every `{`/`[` with its closing bracket. Anything else (comments, trailing commas, a
//      BOM, errors) goes to `parseTree`, which tolerates them and reports the problem.
//   2. Nodes are the shape jsonc-parser's `parseTree` gives (`type`, `offset`, `length`, `value`, `colonOffset`,
//      `children`), except that an object's or array's children are read when first asked for, one level at a
//      time, jumping over nested containers with the bracket pairs. No `parent` links (nothing here uses them).
//
// Since the text is known to be valid JSON, reading one level is a simple walk. `test/analysis/lazy-json.test.ts`
// checks that a fully expanded lazy tree equals `parseTree`'s, node for node, on generated and corpus files, and
// that the validator accepts exactly what `JSON.parse` accepts, on generated and mutated text.

import type { Node as JsonNode } from 'jsonc-parser';

/** Deeper text goes to parseTree, whose behaviour on absurd nesting (a reported problem) is kept. */
const MAX_LAZY_DEPTH = 256;

/**
 * Bracket pairs, containers numbered in text order: container k opens at `opens[k]` and closes at `closes[k]`,
 * and `after[k]` is the number of the first container opened after it closes; `count` containers in all.
 * Typed arrays: a 10 MB template has half a million containers, which the GC need not scan.
 */
interface Brackets {
	opens: Int32Array;
	closes: Int32Array;
	after: Int32Array;
	count: number;
}

/** How the last parseStrictJson calls went (tests check that edits inside strings skip the validation). */
export const strictJsonStats = { validated: 0, shifted: 0 };

/**
 * The root node of strict JSON `text`, or undefined when the text is not strict JSON (or nested deeper than
 * MAX_LAZY_DEPTH): the caller then uses jsonc-parser's tolerant `parseTree`. With `previous`, the root this
 * returned for an earlier version of the same document, an edit that stays inside one string (typing a
 * value) is not validated again: the earlier bracket pairs are shifted (see shiftedBrackets).
 */
export function parseStrictJson(text: string, previous?: JsonNode): JsonNode | undefined {
	let brackets = previous instanceof LazyContainer && previous.k === 0 ? shiftedBrackets(previous.text, previous.brackets, text) : undefined;
	if (brackets) strictJsonStats.shifted++;
	else {
		brackets = validate(text);
		strictJsonStats.validated++;
		if (!brackets) return undefined;
	}
	return valueAt(text, brackets, skipWhitespace(text, 0), { k: 0 });
}

/** Edits longer than this are validated again (the check below is not worth it). */
const MAX_SHIFTED_EDIT = 256;

/**
 * The bracket pairs of `text`, from those of `before` (strict JSON), when the two differ in one stretch that
 * lies inside one string literal of `before` and neither the old nor the new stretch has a quote, a backslash
 * or a control character, with no backslash in the five characters before it (an escape, `\uXXXX` included,
 * stays as it was). Then `text` is strict JSON too, with the same tokens: the brackets after the stretch only
 * moved. Otherwise undefined (validate again).
 */
function shiftedBrackets(before: string, b: Brackets, text: string): Brackets | undefined {
	const oldLength = before.length;
	const newLength = text.length;
	const delta = newLength - oldLength;
	if (Math.abs(delta) > MAX_SHIFTED_EDIT) return undefined;
	const min = Math.min(oldLength, newLength);
	const p = commonPrefix(before, text, min);
	if (p === oldLength && p === newLength) return b; // the same text
	const s = commonSuffix(before, text, min - p);
	const oldEnd = oldLength - s;
	const newEnd = newLength - s;
	if (oldEnd - p > MAX_SHIFTED_EDIT || newEnd - p > MAX_SHIFTED_EDIT) return undefined;
	if (!plainStringText(before, p, oldEnd) || !plainStringText(text, p, newEnd)) return undefined;
	for (let i = Math.max(0, p - 5); i < p; i++) if (before.charCodeAt(i) === 92 /* \ */) return undefined;
	if (!insideOneString(before, b, p, oldEnd)) return undefined;
	if (delta === 0) return b; // same length: every bracket stays where it was
	// No bracket lies in the stretch: those from its end on move by delta.
	const opens = new Int32Array(b.count);
	const closes = new Int32Array(b.count);
	for (let k = 0; k < b.count; k++) {
		const o = b.opens[k];
		const c = b.closes[k];
		opens[k] = o >= oldEnd ? o + delta : o;
		closes[k] = c >= oldEnd ? c + delta : c;
	}
	return { opens, closes, after: b.after, count: b.count };
}

/** Length of the common prefix of a and b (at most `max`): halving with string equality (memcmp in V8). */
function commonPrefix(a: string, b: string, max: number): number {
	let lo = 0;
	let hi = max;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

/** Length of the common suffix of a and b (at most `max`). */
function commonSuffix(a: string, b: string, max: number): number {
	let lo = 0;
	let hi = max;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

/** No quote, backslash or control character in text[start, end). */
function plainStringText(text: string, start: number, end: number): boolean {
	for (let i = start; i < end; i++) {
		const c = text.charCodeAt(i);
		if (c === 34 || c === 92 || c < 32) return false;
	}
	return true;
}

/**
 * Whether [start, end) lies between the quotes of one string literal of strict JSON `text` (start after the
 * opening quote, end at the closing quote at most). The innermost container around the stretch is found with
 * the bracket pairs, and only its own level is read, jumping over nested containers.
 */
function insideOneString(text: string, b: Brackets, start: number, end: number): boolean {
	// The last container opened before `start` that is still open at `end`: opens are in text order.
	let lo = 0;
	let hi = b.count - 1;
	let k = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (b.opens[mid] < start) {
			k = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	while (k >= 0 && b.closes[k] < end) k--;
	if (k < 0) return false; // at the top level: the root value itself is a string, or the stretch is outside it
	let next = k + 1;
	let i = b.opens[k] + 1;
	while (i < start) {
		const c = text.charCodeAt(i);
		if (c === 34) {
			const close = stringEnd(text, i) - 1;
			if (close >= start) return start > i && end <= close;
			i = close + 1;
		} else if ((c === 123 || c === 91) && next < b.count && b.opens[next] === i) {
			i = b.closes[next] + 1;
			next = b.after[next];
		} else i++;
	}
	return false;
}

// An RFC 8259 number: one way to match, so linear. Sticky: it matches exactly at lastIndex.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

// What the validator expects next.
const VALUE = 0;
const VALUE_OR_CLOSE = 1; // after `[`
const KEY = 2; // after `,` in an object
const KEY_OR_CLOSE = 3; // after `{`
const COLON = 4;
const COMMA_OR_CLOSE = 5; // after a member or an element
const END = 6; // after the root value

/**
 * Check that the text is strict JSON (what `JSON.parse` accepts) and pair its brackets, in one pass without
 * building any value: `JSON.parse` would build the whole document just to be thrown away.
 */
function validate(text: string): Brackets | undefined {
	let opens: Int32Array<ArrayBuffer> = new Int32Array(Math.max(16, text.length >> 5));
	let closes = new Int32Array(opens.length);
	let after = new Int32Array(opens.length);
	let count = 0;
	// Open containers: their numbers, and whether each is an object.
	const stack: number[] = [];
	const isObject: boolean[] = [];
	const n = text.length;
	let expect = VALUE;
	let i = 0;
	while (i < n) {
		const c = text.charCodeAt(i);
		if (c === 32 || c === 10 || c === 13 || c === 9) {
			i++;
			continue;
		}
		if (expect === END) return undefined;
		if (c === 34 /* " */) {
			if (expect === COLON || expect === COMMA_OR_CLOSE) return undefined;
			i = validString(text, i);
			if (i < 0) return undefined;
			expect = expect === KEY || expect === KEY_OR_CLOSE ? COLON : afterValue(stack);
			continue;
		}
		if (c === 123 /* { */ || c === 91 /* [ */) {
			if (expect !== VALUE && expect !== VALUE_OR_CLOSE) return undefined;
			if (stack.length >= MAX_LAZY_DEPTH) return undefined;
			if (count === closes.length) {
				opens = grown(opens);
				closes = grown(closes);
				after = grown(after);
			}
			opens[count] = i;
			stack.push(count++);
			isObject.push(c === 123);
			expect = c === 123 ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
			i++;
			continue;
		}
		if (c === 125 /* } */ || c === 93 /* ] */) {
			const object = c === 125;
			if (stack.length === 0 || isObject[isObject.length - 1] !== object) return undefined;
			if (expect !== COMMA_OR_CLOSE && expect !== (object ? KEY_OR_CLOSE : VALUE_OR_CLOSE)) return undefined;
			const k = stack.pop()!;
			isObject.pop();
			closes[k] = i;
			after[k] = count;
			expect = afterValue(stack);
			i++;
			continue;
		}
		if (c === 44 /* , */) {
			if (expect !== COMMA_OR_CLOSE) return undefined;
			expect = isObject[isObject.length - 1] ? KEY : VALUE;
			i++;
			continue;
		}
		if (c === 58 /* : */) {
			if (expect !== COLON) return undefined;
			expect = VALUE;
			i++;
			continue;
		}
		if (expect !== VALUE && expect !== VALUE_OR_CLOSE) return undefined;
		if (c === 116 /* t */ && text.startsWith('true', i)) i += 4;
		else if (c === 102 /* f */ && text.startsWith('false', i)) i += 5;
		else if (c === 110 /* n */ && text.startsWith('null', i)) i += 4;
		else {
			NUMBER.lastIndex = i;
			if (!NUMBER.test(text)) return undefined;
			i = NUMBER.lastIndex;
		}
		expect = afterValue(stack);
	}
	return expect === END ? { opens, closes, after, count } : undefined;
}

function grown(a: Int32Array): Int32Array<ArrayBuffer> {
	const b = new Int32Array(a.length * 2);
	b.set(a);
	return b;
}

/** Offset past the valid JSON string starting at `start` (a quote), or -1 (raw control character, bad escape, no end). */
function validString(text: string, start: number): number {
	const n = text.length;
	for (let i = start + 1; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c === 34 /* " */) return i + 1;
		if (c < 32) return -1;
		if (c === 92 /* \ */) {
			const e = text.charCodeAt(++i);
			if (e === 117 /* u */) {
				for (let k = 1; k <= 4; k++) {
					const h = text.charCodeAt(i + k);
					if (!((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) return -1;
				}
				i += 4;
			} else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) {
				return -1;
			}
		}
	}
	return -1;
}

/**
 * Type feedback for every branch of the validator, given once at load. Without it V8 optimises `validate` for
 * what the first template happened to contain and throws the code away at the first rarer token (a `\u`
 * escape, `false`, an exponent) deep in the next large template: ten deoptimisations in a row made the first
 * keystrokes on a 1 MB template three times slower than the steady state.
 */
function primeValidator(): void {
	const samples = [
		'{ "a": [1, -2.5e+3, 0.5E-1, 0, true, false, null, {}, [], ""],\r\n\t"b\\"": "\\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 é" }',
		'[{"x":{"y":[[],[{}]]}}]',
		'"s"',
		'7',
		'{"a":1,}',
		'{"a" 1}',
		'[1 2]',
		'{"a":"\\q"}',
		'{"a":"\\u12"}',
		'{"a":tru}',
		'{"a":-}',
		'{"a":1}}',
		']',
		'"a\u0001"',
		'{"a":1} x',
	];
	for (let round = 0; round < 8; round++) for (const text of samples) validate(text);
}

function afterValue(stack: number[]): number {
	return stack.length === 0 ? END : COMMA_OR_CLOSE;
}

/** Offset just past the closing quote of the string that starts at `start`. */
function stringEnd(text: string, start: number): number {
	let j = text.indexOf('"', start + 1);
	for (;;) {
		// An escaped quote has an odd number of backslashes before it.
		let b = j - 1;
		while (text.charCodeAt(b) === 92 /* \ */) b--;
		if ((j - 1 - b) % 2 === 0) return j + 1;
		j = text.indexOf('"', j + 1);
	}
}

function skipWhitespace(text: string, i: number): number {
	for (;;) {
		const c = text.charCodeAt(i);
		if (c === 32 || c === 10 || c === 13 || c === 9) i++;
		else return i;
	}
}

function stringValue(text: string, start: number, end: number): string {
	const raw = text.slice(start + 1, end - 1);
	return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/**
 * The value starting at `i`. `next.k` is the index of the next container in text order that this or a later
 * sibling opens; it is advanced past the value's own containers.
 */
function valueAt(text: string, brackets: Brackets, i: number, next: { k: number }): JsonNode {
	const c = text.charCodeAt(i);
	if (c === 123 || c === 91) {
		const k = next.k;
		next.k = brackets.after[k];
		return new LazyContainer(text, brackets, c === 123 ? 'object' : 'array', i, brackets.closes[k] + 1 - i, k);
	}
	if (c === 34) {
		const end = stringEnd(text, i);
		return { type: 'string', value: stringValue(text, i, end), offset: i, length: end - i };
	}
	if (c === 116 /* t */) return { type: 'boolean', value: true, offset: i, length: 4 };
	if (c === 102 /* f */) return { type: 'boolean', value: false, offset: i, length: 5 };
	if (c === 110 /* n */) return { type: 'null', value: null, offset: i, length: 4 };
	let j = i + 1;
	for (;;) {
		const d = text.charCodeAt(j);
		// Digits, sign, dot, exponent.
		if ((d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46 || d === 101 || d === 69) j++;
		else break;
	}
	return { type: 'number', value: Number(text.slice(i, j)), offset: i, length: j - i };
}

/** The end of the value starting at `i`, like valueAt without making its node. */
function skipValue(text: string, brackets: Brackets, i: number, next: { k: number }): number {
	const c = text.charCodeAt(i);
	if (c === 123 || c === 91) {
		const k = next.k;
		next.k = brackets.after[k];
		return brackets.closes[k] + 1;
	}
	if (c === 34) return stringEnd(text, i);
	if (c === 116 /* t */ || c === 110 /* n */) return i + 4;
	if (c === 102 /* f */) return i + 5;
	let j = i + 1;
	for (;;) {
		const d = text.charCodeAt(j);
		if ((d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46 || d === 101 || d === 69) j++;
		else return j;
	}
}

/** An object or array whose children are read on first use. */
class LazyContainer implements JsonNode {
	private read?: JsonNode[];

	constructor(
		readonly text: string,
		readonly brackets: Brackets,
		readonly type: 'object' | 'array',
		readonly offset: number,
		readonly length: number,
		/** The container's number in text order (0: the root). */
		readonly k: number,
	) {}

	get children(): JsonNode[] {
		this.read ??= this.type === 'object' ? this.members() : this.items();
		return this.read;
	}

	set children(children: JsonNode[]) {
		this.read = children;
	}

	/** Children not read yet: `eachMember`/`eachItem` can walk them without building property nodes. */
	get unread(): boolean {
		return this.read === undefined;
	}

	private members(): JsonNode[] {
		const out: JsonNode[] = [];
		this.scanMembers((key, keyOffset, keyLength, value, colon) => {
			const keyNode: JsonNode = { type: 'string', value: key, offset: keyOffset, length: keyLength };
			out.push({ type: 'property', offset: keyOffset, length: value.offset + value.length - keyOffset, colonOffset: colon, children: [keyNode, value] });
		});
		return out;
	}

	/** Each member; with `accept`, the others are skipped without making their value nodes. */
	scanMembers(visit: (key: string, keyOffset: number, keyLength: number, value: JsonNode, colon: number) => void, accept?: (key: string) => boolean): void {
		const { text, brackets } = this;
		const next = { k: this.k + 1 };
		let i = skipWhitespace(text, this.offset + 1);
		while (text.charCodeAt(i) === 34) {
			const keyEnd = stringEnd(text, i);
			const colon = skipWhitespace(text, keyEnd);
			const at = skipWhitespace(text, colon + 1);
			const key = stringValue(text, i, keyEnd);
			let end: number;
			if (accept && !accept(key)) end = skipValue(text, brackets, at, next);
			else {
				const value = valueAt(text, brackets, at, next);
				visit(key, i, keyEnd - i, value, colon);
				end = value.offset + value.length;
			}
			i = skipWhitespace(text, end);
			if (text.charCodeAt(i) !== 44 /* , */) break;
			i = skipWhitespace(text, i + 1);
		}
	}

	private items(): JsonNode[] {
		const { text, brackets } = this;
		const out: JsonNode[] = [];
		const next = { k: this.k + 1 };
		let i = skipWhitespace(text, this.offset + 1);
		if (text.charCodeAt(i) === 93) return out;
		for (;;) {
			const value = valueAt(text, brackets, i, next);
			out.push(value);
			i = skipWhitespace(text, value.offset + value.length);
			if (text.charCodeAt(i) !== 44) break;
			i = skipWhitespace(text, i + 1);
		}
		return out;
	}
}

/**
 * Each member of an object node (key as written, key node offset/length incl. quotes, value node): from its
 * children when they are built (jsonc-parser trees, or a lazy node already read), else straight from the
 * text, without building the property and key nodes a converted value has no use for.
 */
export function eachMember(node: JsonNode, visit: (key: string, keyOffset: number, keyLength: number, value: JsonNode) => void, accept?: (key: string) => boolean): void {
	if (node instanceof LazyContainer && node.unread) {
		node.scanMembers(visit, accept);
		return;
	}
	for (const p of node.children ?? []) {
		const [k, v] = p.children ?? [];
		if (k && v && typeof k.value === 'string' && (!accept || accept(k.value))) visit(k.value, k.offset, k.length, v);
	}
}

primeValidator();
