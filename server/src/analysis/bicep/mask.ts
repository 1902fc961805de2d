// tree-sitter-bicep 1.1.0 lags the Bicep language: a few constructs of valid Bicep give ERROR nodes, and the
// parser's error recovery then swallows the declarations that follow (a `resourceInput<>` type before an
// `import` hides the next three parameters). Rather than digging declarations out of ERROR nodes, the text is
// "masked" before parsing: each unsupported construct is overwritten, at the same length, by text the grammar
// accepts. Offsets stay identical, so every span the tree reports is valid in the user's text; everything
// that reads literal text (strings, keys, expression text) reads the user's text, never the masked one.
//
// Masks (all same-length):
//   resourceInput<'T@v'>.a.b / resourceOutput<...>   -> `object` + spaces (a type)
//   var x <type> = ...                               -> the type blanked
//   param/output x resource 'T@v'                    -> `object` + spaces
//   extension ... (to the end of the statement)      -> blanked
//   ...expr in an object                             -> `_: expr`   (the evaluator recognises `...` at the key)
//   ...expr in an array / argument list              -> `   expr`   (the evaluator looks 3 chars back)
//   expr! (non-null assertion)                       -> `expr `
//   .bicepparam: `param x = v` -> `var   x = v`, `using none`, `using '...' with {...}` tail, `extends '...'`.

const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_PAREN = 0x28; // (
const CLOSE_PAREN = 0x29; // )
const QUOTE = 0x27; // '
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const NEWLINE = 0x0a;
const SLASH = 0x2f;
const STAR = 0x2a;
const DOT = 0x2e;
const BANG = 0x21;
const EQUALS = 0x3d;
const LT = 0x3c;
const GT = 0x3e;
/** Stack marker for `${` inside a string: its `}` returns to the string. */
const INTERP = -1;

export interface MaskOptions {
	/** The text is a `.bicepparam` file (turns `param x = v` assignments into variables). */
	bicepparam?: boolean;
}

function isIdentStart(c: number): boolean {
	return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isIdentPart(c: number): boolean {
	return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}

function isSpace(c: number): boolean {
	return c === 0x20 || c === 0x09 || c === 0x0d;
}

interface Replacement {
	start: number;
	end: number;
	text: string;
}

/** Same-length blank: spaces, keeping line breaks so rows and columns stay right. */
function blank(text: string, start: number, end: number): string {
	let out = '';
	for (let i = start; i < end; i++) {
		const c = text.charCodeAt(i);
		out += c === NEWLINE || c === 0x0d ? text[i] : ' ';
	}
	return out;
}

/** `word` right-aligned in `length` columns: a `?` or `[]` after the replaced text stays attached. */
function padded(word: string, length: number): string {
	return ' '.repeat(Math.max(0, length - word.length)) + word;
}

const PRIMITIVE_TYPES = new Set(['string', 'int', 'bool', 'object', 'array', 'any']);

/**
 * The masked text (the same string when nothing needed masking). Linear in the text length; strings,
 * comments and interpolations are skipped so nothing inside them is touched.
 */
export function maskBicep(text: string, opts: MaskOptions = {}): string {
	const reps: Replacement[] = [];
	const n = text.length;
	const stack: number[] = [];
	let i = 0;
	let inString = false;
	// Only whitespace/comments since the last line break (a statement may start here).
	let lineStart = true;
	// Last significant character outside strings and comments.
	let lastSig = 0;

	/** Skip a string starting at `j` (the quote); interpolations nest (to a bounded depth). */
	const skipString = (j: number, nesting = 0): number => {
		if (nesting > 64) return n;
		if (text.startsWith("'''", j)) {
			const end = text.indexOf("'''", j + 3);
			return end < 0 ? n : end + 3;
		}
		j++;
		let depth = 0;
		while (j < n) {
			const c = text.charCodeAt(j);
			if (depth === 0) {
				if (c === BACKSLASH) j += 2;
				else if (c === QUOTE) return j + 1;
				else if (c === DOLLAR && text.charCodeAt(j + 1) === OPEN_BRACE) {
					depth = 1;
					j += 2;
				} else if (c === NEWLINE) return j; // the grammar lets strings span lines, but a mask scan should not
				else j++;
			} else {
				if (c === QUOTE) j = skipString(j, nesting + 1);
				else {
					if (c === OPEN_BRACE) depth++;
					else if (c === CLOSE_BRACE) depth--;
					j++;
				}
			}
		}
		return n;
	};

	const skipSpaces = (j: number): number => {
		while (j < n && isSpace(text.charCodeAt(j))) j++;
		return j;
	};

	const readWord = (j: number): number => {
		while (j < n && isIdentPart(text.charCodeAt(j))) j++;
		return j;
	};

	/** End of a statement that starts at `j`: the first line break outside brackets and strings. */
	const statementEnd = (j: number): number => {
		let depth = 0;
		while (j < n) {
			const c = text.charCodeAt(j);
			if (c === QUOTE) {
				j = skipString(j);
				continue;
			}
			if (c === SLASH && text.charCodeAt(j + 1) === SLASH) {
				const e = text.indexOf('\n', j);
				return e < 0 ? n : e;
			}
			if (c === OPEN_BRACE || c === OPEN_BRACKET || c === OPEN_PAREN) depth++;
			else if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === CLOSE_PAREN) depth = Math.max(0, depth - 1);
			else if (c === NEWLINE && depth === 0) return j;
			j++;
		}
		return n;
	};

	/** `resourceInput<'...'>.a.b`: end of the whole type reference, or -1 when it is not one. */
	const resourceTypeEnd = (j: number): number => {
		j = skipSpaces(j);
		if (text.charCodeAt(j) !== LT) return -1;
		j = skipSpaces(j + 1);
		if (text.charCodeAt(j) !== QUOTE) return -1;
		j = skipSpaces(skipString(j));
		if (text.charCodeAt(j) !== GT) return -1;
		j++;
		for (;;) {
			if (text.charCodeAt(j) === DOT && isIdentStart(text.charCodeAt(j + 1))) j = readWord(j + 1);
			else if (text.startsWith('[*]', j)) j += 3;
			else return j;
		}
	};

	/** `resource 'T@v'` at `j` (after a param/output name): end of the string, or -1. */
	const resourceTypedEnd = (j: number): number => {
		if (!text.startsWith('resource', j) || isIdentPart(text.charCodeAt(j + 8))) return -1;
		const k = skipSpaces(j + 8);
		if (k === j + 8 || text.charCodeAt(k) !== QUOTE) return -1;
		return skipString(k);
	};

	while (i < n) {
		if (inString) {
			// Inside a single-quoted string body.
			const c = text.charCodeAt(i);
			if (c === BACKSLASH) i += 2;
			else if (c === QUOTE) {
				inString = false;
				lastSig = QUOTE;
				i++;
			} else if (c === DOLLAR && text.charCodeAt(i + 1) === OPEN_BRACE) {
				stack.push(INTERP);
				inString = false;
				lastSig = OPEN_BRACE;
				i += 2;
			} else i++;
			continue;
		}
		const c = text.charCodeAt(i);
		if (c === NEWLINE) {
			lineStart = true;
			i++;
			continue;
		}
		if (isSpace(c)) {
			i++;
			continue;
		}
		if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
			const e = text.indexOf('\n', i);
			i = e < 0 ? n : e;
			continue;
		}
		if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
			const e = text.indexOf('*/', i + 2);
			i = e < 0 ? n : e + 2;
			continue;
		}
		const atStatement = stack.length === 0 && (lineStart || lastSig === CLOSE_PAREN);
		lineStart = false;
		if (c === QUOTE) {
			if (text.startsWith("'''", i)) {
				const e = text.indexOf("'''", i + 3);
				i = e < 0 ? n : e + 3;
			} else {
				inString = true;
				i++;
			}
			lastSig = QUOTE;
			continue;
		}
		if (c === OPEN_BRACE || c === OPEN_BRACKET || c === OPEN_PAREN) {
			stack.push(c);
			lastSig = c;
			i++;
			continue;
		}
		if (c === CLOSE_BRACE) {
			const top = stack.pop();
			i++;
			if (top === INTERP) inString = true;
			else lastSig = c;
			continue;
		}
		if (c === CLOSE_BRACKET || c === CLOSE_PAREN) {
			stack.pop();
			lastSig = c;
			i++;
			continue;
		}
		if (c === DOT && text.charCodeAt(i + 1) === DOT && text.charCodeAt(i + 2) === DOT) {
			// Spread. In an object it becomes a property `_: expr`, elsewhere plain whitespace.
			reps.push({ start: i, end: i + 3, text: stack[stack.length - 1] === OPEN_BRACE ? '_: ' : '   ' });
			i += 3;
			lastSig = DOT;
			continue;
		}
		if (c === BANG) {
			const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
			const next = text.charCodeAt(i + 1);
			if (next !== EQUALS && next !== 0x7e && (isIdentPart(prev) || prev === CLOSE_PAREN || prev === CLOSE_BRACKET)) {
				reps.push({ start: i, end: i + 1, text: ' ' });
			}
			lastSig = c;
			i++;
			continue;
		}
		if (isIdentStart(c)) {
			const wordEnd = readWord(i);
			const word = text.slice(i, wordEnd);
			if (word === 'resourceInput' || word === 'resourceOutput') {
				const end = resourceTypeEnd(wordEnd);
				if (end > 0) {
					reps.push({ start: i, end, text: padded('object', end - i) });
					i = end;
					lastSig = 0x74; // 't'
					continue;
				}
			} else if (atStatement) {
				const next = handleStatement(word, i, wordEnd);
				if (next > 0) {
					i = next;
					lastSig = 0x20;
					continue;
				}
			}
			i = wordEnd;
			lastSig = text.charCodeAt(wordEnd - 1);
			continue;
		}
		lastSig = c;
		i++;
	}

	/**
	 * Statement-level masks. Returns where scanning resumes (after the masked part), or -1 when nothing was
	 * masked and scanning continues after the keyword.
	 */
	function handleStatement(word: string, start: number, wordEnd: number): number {
		switch (word) {
			case 'var': {
				const nameStart = skipSpaces(wordEnd);
				const nameEnd = readWord(nameStart);
				if (nameEnd === nameStart) return -1;
				const typeStart = skipSpaces(nameEnd);
				const c = text.charCodeAt(typeStart);
				if (c === EQUALS || typeStart >= n || c === NEWLINE) return -1;
				// A typed variable: blank everything up to the `=` that ends the type.
				let j = typeStart;
				let depth = 0;
				while (j < n) {
					const d = text.charCodeAt(j);
					if (d === QUOTE) {
						j = skipString(j);
						continue;
					}
					if (d === OPEN_BRACE || d === OPEN_BRACKET || d === OPEN_PAREN || d === LT) depth++;
					else if (d === CLOSE_BRACE || d === CLOSE_BRACKET || d === CLOSE_PAREN || d === GT) depth--;
					else if (d === EQUALS && depth <= 0) break;
					else if (d === NEWLINE && depth <= 0) return -1;
					j++;
				}
				if (j >= n) return -1;
				reps.push({ start: typeStart, end: j, text: blank(text, typeStart, j) });
				return j;
			}
			case 'param':
			case 'output': {
				const nameStart = skipSpaces(wordEnd);
				const nameEnd = readWord(nameStart);
				if (nameEnd === nameStart) return -1;
				const after = skipSpaces(nameEnd);
				if (word === 'param' && opts.bicepparam && text.charCodeAt(after) === EQUALS) {
					reps.push({ start, end: wordEnd, text: 'var  ' });
					return after;
				}
				const end = resourceTypedEnd(after);
				if (end >= 0) {
					reps.push({ start: after, end, text: padded('object', end - after) });
					return end;
				}
				if (word === 'param' && isIdentStart(text.charCodeAt(after))) {
					// `param p myType?`: the grammar reads the `?` as a conditional operator and swallows the
					// next declaration. Drop the `?` (the adapter reads nullability from the user's text).
					const typeEnd = readWord(after);
					if (text.charCodeAt(typeEnd) === 0x3f && !PRIMITIVE_TYPES.has(text.slice(after, typeEnd))) {
						reps.push({ start: typeEnd, end: typeEnd + 1, text: ' ' });
						return typeEnd + 1;
					}
				}
				return -1;
			}
			case 'extension':
			case 'extends': {
				const end = statementEnd(wordEnd);
				reps.push({ start, end, text: blank(text, start, end) });
				return end;
			}
			case 'using': {
				if (!opts.bicepparam) return -1;
				const argStart = skipSpaces(wordEnd);
				if (text.startsWith('none', argStart) && !isIdentPart(text.charCodeAt(argStart + 4))) {
					const end = statementEnd(wordEnd);
					reps.push({ start, end, text: blank(text, start, end) });
					return end;
				}
				if (text.charCodeAt(argStart) !== QUOTE) return -1;
				const pathEnd = skipString(argStart);
				const end = statementEnd(pathEnd);
				if (text.slice(pathEnd, end).trim() !== '') reps.push({ start: pathEnd, end, text: blank(text, pathEnd, end) });
				return end;
			}
			default:
				return -1;
		}
	}

	if (reps.length === 0) return text;
	reps.sort((a, b) => a.start - b.start);
	let out = '';
	let at = 0;
	for (const r of reps) {
		if (r.start < at) continue;
		out += text.slice(at, r.start) + r.text;
		at = r.end;
	}
	return out + text.slice(at);
}
