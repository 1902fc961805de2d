// Fix writer for Bicep: spells fix intents as text edits in the user's style (indentation unit and line
// endings detected from the file, single-quoted strings). Edits are computed from the text and the spans
// the adapter recorded, without reparsing: fixes are resolved for every finding, so this must be cheap.
// Every edit touches only the region it changes and keeps the file parsing.

import { isInsertRef, type InsertedResource, type InsertRef, type InsertValue, type JsonValue, type TextEdit } from '../findings';
import type { FormatWriter } from '../fix/writer';
import type { Location, Origin, Output, Parameter, Resource, Template } from '../types';
import { declInfo } from './decl-info';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Style {
	unit: string;
	eol: string;
}

let lastStyle: { text: string; style: Style } | undefined;

/** Indentation unit (tab, or the smallest space step) and line ending of a document. */
export function detectStyle(text: string): Style {
	// Fixes are resolved for every finding of a document: scan each text once.
	if (lastStyle?.text === text) return lastStyle.style;
	const style = scanStyle(text);
	lastStyle = { text, style };
	return style;
}

function scanStyle(text: string): Style {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	let tabs = 0;
	let spaces = 0;
	let step = 0;
	let previous = 0;
	const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
	for (const line of sample.split('\n')) {
		if (line.trim() === '') continue;
		const m = /^[ \t]*/.exec(line)![0];
		if (m.startsWith('\t')) tabs++;
		else if (m.length > 0) spaces++;
		if (!m.includes('\t')) {
			const d = m.length - previous;
			if (d > 0 && (step === 0 || d < step)) step = d;
			previous = m.length;
		}
	}
	if (tabs > spaces) return { unit: '\t', eol };
	return { unit: ' '.repeat(step > 0 && step <= 8 ? step : 2), eol };
}

/** A Bicep string literal: single quotes, `\\`, `\'`, `\${` escaped, control characters as escapes. */
export function bicepString(value: string): string {
	let out = "'";
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (c === '\\') out += '\\\\';
		else if (c === "'") out += "\\'";
		else if (c === '$' && value[i + 1] === '{') out += '\\$';
		else if (c === '\n') out += '\\n';
		else if (c === '\r') out += '\\r';
		else if (c === '\t') out += '\\t';
		else out += c;
	}
	return out + "'";
}

function bicepKey(key: string): string {
	return IDENTIFIER.test(key) ? key : bicepString(key);
}

/** A value in Bicep syntax; objects and arrays multi-line, nested lines indented from `indent`. */
function render(value: JsonValue, indent: string, style: Style): string {
	if (value === null) return 'null';
	if (typeof value === 'string') return bicepString(value);
	if (typeof value === 'number') return Number.isInteger(value) ? String(value) : `json('${value}')`;
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	const inner = indent + style.unit;
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		return `[${style.eol}${value.map((v) => inner + render(v, inner, style) + style.eol).join('')}${indent}]`;
	}
	const keys = Object.keys(value);
	if (keys.length === 0) return '{}';
	return `{${style.eol}${keys.map((k) => `${inner}${bicepKey(k)}: ${render(value[k], inner, style)}${style.eol}`).join('')}${indent}}`;
}

/** Leading whitespace of the line containing `offset`. */
function lineIndent(text: string, offset: number): string {
	const start = text.lastIndexOf('\n', offset - 1) + 1;
	return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

function lineStart(text: string, offset: number): number {
	return text.lastIndexOf('\n', offset - 1) + 1;
}

/** End of the line containing `offset`, after its line break (or the end of the text). */
function lineEndAfterBreak(text: string, offset: number): number {
	const nl = text.indexOf('\n', offset);
	return nl < 0 ? text.length : nl + 1;
}

function onlySpaces(text: string, start: number, end: number): boolean {
	for (let i = start; i < end; i++) {
		const c = text.charCodeAt(i);
		if (c !== 0x20 && c !== 0x09) return false;
	}
	return true;
}

interface Entry {
	/** Trimmed property text (without trailing comments). */
	start: number;
	end: number;
	key?: string;
}

/**
 * Top-level entries of the object literal `{...}` at [open, close] (close = index of `}`): entries end at a
 * comma or a line break outside strings, brackets and comments.
 */
function objectEntries(text: string, open: number, close: number): { entries: Entry[]; multiline: boolean } | undefined {
	const entries: Entry[] = [];
	let depth = 0;
	let multiline = false;
	let segStart = -1;
	let segEnd = -1;
	const flush = (): void => {
		if (segStart >= 0) entries.push({ start: segStart, end: segEnd, key: keyAt(text, segStart, segEnd) });
		segStart = segEnd = -1;
	};
	let i = open + 1;
	while (i < close) {
		const c = text.charCodeAt(i);
		if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
			const nl = text.indexOf('\n', i);
			i = nl < 0 || nl > close ? close : nl;
			continue;
		}
		if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
			const e = text.indexOf('*/', i + 2);
			if (e < 0 || e > close) return undefined;
			i = e + 2;
			continue;
		}
		if (c === 0x27) {
			const e = skipString(text, i, close);
			if (e < 0) return undefined;
			if (segStart < 0) segStart = i;
			segEnd = e;
			i = e;
			continue;
		}
		if (depth === 0 && (c === 0x2c || c === 0x0a)) {
			if (c === 0x0a) multiline = true;
			flush();
			i++;
			continue;
		}
		if (c === 0x7b || c === 0x5b || c === 0x28) depth++;
		else if (c === 0x7d || c === 0x5d || c === 0x29) depth--;
		if (depth < 0) return undefined;
		if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) {
			if (segStart < 0) segStart = i;
			segEnd = i + 1;
		}
		i++;
	}
	if (depth !== 0) return undefined;
	flush();
	return { entries, multiline };
}

/** End of the string literal starting at `i` (a quote), or -1 if it does not end before `limit`. */
function skipString(text: string, i: number, limit: number, nesting = 0): number {
	if (nesting > 64) return -1;
	if (text.startsWith("'''", i)) {
		const e = text.indexOf("'''", i + 3);
		return e < 0 || e + 3 > limit ? -1 : e + 3;
	}
	let depth = 0;
	for (let j = i + 1; j < limit; j++) {
		const c = text.charCodeAt(j);
		if (depth === 0) {
			if (c === 0x5c) j++;
			else if (c === 0x27) return j + 1;
			else if (c === 0x24 && text.charCodeAt(j + 1) === 0x7b) {
				depth = 1;
				j++;
			}
		} else if (c === 0x27) {
			const e = skipString(text, j, limit, nesting + 1);
			if (e < 0) return -1;
			j = e - 1;
		} else if (c === 0x7b) depth++;
		else if (c === 0x7d) depth--;
	}
	return -1;
}

/** The key of a `key: value` entry (identifier or plain quoted string). */
function keyAt(text: string, start: number, end: number): string | undefined {
	const seg = text.slice(start, end);
	const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(seg) ?? /^'((?:[^'\\$]|\\.|\$(?!\{))*)'\s*:/.exec(seg);
	if (!m) return undefined;
	return m[1].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

/** The `{`/`}` of the object literal an origin points at, when it is one. */
function objectAt(text: string, origin: Origin): { open: number; close: number } | undefined {
	if (origin.format !== 'bicep') return undefined;
	const open = origin.span.start;
	const close = origin.span.end - 1;
	if (text.charCodeAt(open) !== 0x7b || text.charCodeAt(close) !== 0x7d || close <= open) return undefined;
	return { open, close };
}

// -- insertResource

function sameSite(a: Location, b: Location): boolean {
	return a.uri === b.uri && a.span.start === b.span.start && a.span.end === b.span.end;
}

/** A resource declared at the top level of the template's own document (its symbol is in scope everywhere). */
function topLevelResource(template: Template, loc: Location): Resource | undefined {
	const r = template.resources.find((x) => sameSite(x.site, loc));
	if (!r || r.site.uri !== template.uri || !r.symbolicName || r.inLoop || !IDENTIFIER.test(r.symbolicName)) return undefined;
	// A nested declaration starts on an indented line inside its parent.
	return lineIndent(template.text, r.site.span.start) === '' ? r : undefined;
}

/** `name`, or `name2`, `name3`... when the identifier already occurs in the text. */
function freeIdentifier(text: string, name: string): string {
	const used = (n: string) => new RegExp(`(^|[^A-Za-z0-9_$.])${n}(?![A-Za-z0-9_])`).test(text);
	let candidate = name;
	for (let i = 2; used(candidate); i++) candidate = `${name}${i}`;
	return candidate;
}

/** Text of a string-literal piece inside a Bicep interpolated string (without quotes). */
function interpolationText(value: string): string {
	return bicepString(value).slice(1, -1);
}

class Unwritable extends Error {}

function refText(template: Template, ref: InsertRef): string {
	if (ref.$ref === 'parameter') {
		if (!IDENTIFIER.test(ref.name)) throw new Unwritable();
		return ref.name;
	}
	const r = topLevelResource(template, ref.resource);
	if (!r) throw new Unwritable();
	const sym = r.symbolicName as string;
	switch (ref.$ref) {
		case 'id':
			return `${sym}.id`;
		case 'name':
			return ref.suffix ? `'\${${sym}.name}${interpolationText(ref.suffix)}'` : `${sym}.name`;
		case 'location': {
			// The resource's own location expression, copied (it is in scope: both are top-level declarations).
			const entry = r.body.kind === 'object' ? r.body.entries.get('location') : undefined;
			const site = entry?.site;
			if (site && site.uri === template.uri && !template.text.slice(site.span.start, site.span.end).includes('\n')) {
				return template.text.slice(site.span.start, site.span.end);
			}
			return 'resourceGroup().location';
		}
	}
}

/** An inserted value in Bicep syntax; objects and arrays multi-line like `render`. */
function renderInsert(template: Template, value: InsertValue, indent: string, style: Style): string {
	if (isInsertRef(value)) return refText(template, value);
	if (value === null || typeof value !== 'object') return render(value, indent, style);
	const inner = indent + style.unit;
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		return `[${style.eol}${value.map((v) => inner + renderInsert(template, v, inner, style) + style.eol).join('')}${indent}]`;
	}
	const keys = Object.keys(value);
	if (keys.length === 0) return '{}';
	return `{${style.eol}${keys.map((k) => `${inner}${bicepKey(k)}: ${renderInsert(template, value[k], inner, style)}${style.eol}`).join('')}${indent}}`;
}

/** Where a new `param` goes: after the last parameter declaration, else after a leading header of comments and `targetScope`. */
function paramInsertion(template: Template): { offset: number; blankBefore: boolean; blankAfter: boolean } {
	const text = template.text;
	let last: Parameter | undefined;
	for (const p of template.parameters.values()) if (!last || p.span.end > last.span.end) last = p;
	if (last) return { offset: lineEndAfterBreak(text, last.span.end), blankBefore: true, blankAfter: false };
	let offset = 0;
	while (offset < text.length) {
		const end = lineEndAfterBreak(text, offset);
		const line = text.slice(offset, end).trim();
		if (line !== '' && !line.startsWith('//') && !/^(targetScope|metadata)\b[^{[(]*$/.test(line)) break;
		offset = end;
	}
	return { offset, blankBefore: offset > 0 && text.slice(lineStart(text, offset - 1), offset).trim() !== '', blankAfter: true };
}

function insertBicepResource(template: Template, spec: InsertedResource): TextEdit[] | undefined {
	const text = template.text;
	const anchor = topLevelResource(template, spec.after);
	if (!anchor || !/^[A-Za-z0-9.]+\/[A-Za-z0-9./]+$/.test(spec.type) || !/^[0-9A-Za-z.-]+$/.test(spec.apiVersion)) return undefined;
	const style = detectStyle(text);
	const { eol, unit } = style;
	const edits: TextEdit[] = [];
	let body: string;
	try {
		const symbol = freeIdentifier(text, spec.symbolicName);
		let lines = `${unit}name: ${renderInsert(template, spec.name, unit, style)}${eol}`;
		if (spec.scope) {
			const target = topLevelResource(template, spec.scope);
			if (!target) return undefined;
			lines += `${unit}scope: ${target.symbolicName}${eol}`;
		}
		for (const [k, v] of Object.entries(spec.body)) lines += `${unit}${bicepKey(k)}: ${renderInsert(template, v, unit, style)}${eol}`;
		body = `resource ${symbol} '${spec.type}@${spec.apiVersion}' = {${eol}${lines}}`;
	} catch (e) {
		if (e instanceof Unwritable) return undefined;
		throw e;
	}
	const missing = (spec.parameters ?? []).filter((p) => !template.parameters.has(p.name.toLowerCase()));
	if (missing.length > 0) {
		const at = paramInsertion(template);
		let decls = '';
		for (const p of missing) {
			if (!IDENTIFIER.test(p.name) || (p.type as string) !== 'string') return undefined;
			decls += `@description(${bicepString(p.description)})${eol}param ${p.name} string${eol}`;
		}
		const before = at.blankBefore ? (at.offset === text.length && !text.endsWith('\n') ? eol + eol : eol) : '';
		edits.push({ span: { start: at.offset, end: at.offset }, newText: `${before}${decls}${at.blankAfter ? eol : ''}` });
	}
	// After the anchor's last line (a trailing comment stays with it), separated by a blank line.
	const end = anchor.site.span.end;
	const pos = lineEndAfterBreak(text, end);
	const lead = pos === text.length && !text.endsWith('\n') ? eol + eol : eol;
	edits.push({ span: { start: pos, end: pos }, newText: `${lead}${body}${eol}` });
	return edits;
}

export const bicepWriter: FormatWriter = {
	format: 'bicep',

	/** With `at` (where the literal goes), nested lines are indented from that line's indentation. */
	literal(value: JsonValue, text: string, at?: number): string {
		return render(value, at === undefined ? '' : lineIndent(text, at), detectStyle(text));
	},

	insertIntoObject(text: string, object: Origin, keys: string[], value: JsonValue): TextEdit[] | undefined {
		const at = objectAt(text, object);
		if (!at || keys.length === 0) return undefined;
		const parsed = objectEntries(text, at.open, at.close);
		if (!parsed) return undefined;
		const style = detectStyle(text);
		let nested: JsonValue = value;
		for (let i = keys.length - 1; i > 0; i--) nested = { [keys[i]]: nested };
		const baseIndent = lineIndent(text, at.open);
		const { entries } = parsed;
		const multiline = parsed.multiline || text.slice(at.open, at.close).includes('\n');
		if (multiline) {
			// Entries on their own lines: a new line before the closing brace, indented like the first entry.
			if (!onlySpaces(text, lineStart(text, at.close), at.close)) return undefined;
			const first = entries[0];
			const indent = first && onlySpaces(text, lineStart(text, first.start), first.start) ? lineIndent(text, first.start) : baseIndent + style.unit;
			const line = `${indent}${bicepKey(keys[0])}: ${render(nested, indent, style)}${style.eol}`;
			const pos = lineStart(text, at.close);
			return [{ span: { start: pos, end: pos }, newText: line }];
		}
		// `{}` or `{ a: 1, b: 2 }`: rewritten as a multi-line object keeping the existing entries' text.
		const indent = baseIndent + style.unit;
		let out = `{${style.eol}`;
		for (const e of entries) out += `${indent}${text.slice(e.start, e.end)}${style.eol}`;
		out += `${indent}${bicepKey(keys[0])}: ${render(nested, indent, style)}${style.eol}${baseIndent}}`;
		return [{ span: { start: at.open, end: at.close + 1 }, newText: out }];
	},

	removeFromObject(text: string, object: Origin, key: string): TextEdit[] | undefined {
		const at = objectAt(text, object);
		if (!at) return undefined;
		const parsed = objectEntries(text, at.open, at.close);
		if (!parsed) return undefined;
		const lower = key.toLowerCase();
		const index = parsed.entries.findIndex((e) => e.key?.toLowerCase() === lower);
		if (index < 0) return [];
		const entries = parsed.entries;
		const entry = entries[index];
		const ls = lineStart(text, entry.start);
		const le = lineEndAfterBreak(text, entry.end);
		const next = entries[index + 1];
		const ownsLines = onlySpaces(text, ls, entry.start) && ls > at.open && le <= at.close && !(next && next.start < le);
		if (ownsLines) {
			// The entry has its own line(s): remove them whole (with a trailing comment on the last line).
			return [{ span: { start: ls, end: lineEndAfterBreak(text, entry.end) }, newText: '' }];
		}
		// Single-line object: the entry and one separating comma.
		if (entries.length === 1) return [{ span: { start: at.open, end: at.close + 1 }, newText: '{}' }];
		if (index < entries.length - 1) return [{ span: { start: entry.start, end: entries[index + 1].start }, newText: '' }];
		return [{ span: { start: entries[index - 1].end, end: entry.end }, newText: '' }];
	},

	setApiVersion(template: Template, resource: Resource, version: string): TextEdit[] | undefined {
		const text = template.text;
		if (!/^[0-9A-Za-z.-]+$/.test(version)) return undefined;
		if (resource.apiVersionSite) {
			const s = resource.apiVersionSite.span;
			if (text.charCodeAt(s.start - 1) !== 0x40) return undefined; // `@`
			return [{ span: s, newText: version }];
		}
		// A nested resource's relative type without a version inherits its parent's: give it its own.
		const t = resource.typeSite.span;
		if (text.charCodeAt(t.start) !== 0x27 || text.charCodeAt(t.end - 1) !== 0x27 || text.slice(t.start, t.end).includes('@')) return undefined;
		return [{ span: { start: t.end - 1, end: t.end - 1 }, newText: `@${version}` }];
	},

	markParameterSecure(template: Template, parameter: Parameter, dropDefault: boolean): TextEdit[] | undefined {
		const text = template.text;
		const edits: TextEdit[] = [];
		if (!parameter.secure) {
			const start = parameter.span.start;
			if (!onlySpaces(text, lineStart(text, start), start)) return undefined;
			const { eol } = detectStyle(text);
			const ls = lineStart(text, start);
			edits.push({ span: { start: ls, end: ls }, newText: `${lineIndent(text, start)}@secure()${eol}` });
		}
		if (dropDefault && parameter.defaultValue) {
			const info = declInfo.get(parameter);
			if (!info || info.equals === undefined || info.valueEnd === undefined) return undefined;
			let from = info.equals;
			while (from > parameter.nameSpan.end && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
			edits.push({ span: { start: from, end: info.valueEnd }, newText: '' });
		}
		return edits.length ? edits : undefined;
	},

	markOutputSecure(template: Template, output: Output): TextEdit[] | undefined {
		if (output.secure) return undefined;
		const text = template.text;
		const start = output.span.start;
		if (!onlySpaces(text, lineStart(text, start), start)) return undefined;
		const ls = lineStart(text, start);
		return [{ span: { start: ls, end: ls }, newText: `${lineIndent(text, start)}@secure()${detectStyle(text).eol}` }];
	},

	insertResource(template: Template, resource: InsertedResource): TextEdit[] | undefined {
		return insertBicepResource(template, resource);
	},

	removeOutput(template: Template, output: Output): TextEdit[] | undefined {
		const text = template.text;
		const first = declInfo.get(output)?.decoratorsStart ?? output.span.start;
		const start = lineStart(text, first);
		if (!onlySpaces(text, start, first)) return undefined;
		// The declaration's last line goes with its line break (and a trailing comment on it).
		return [{ span: { start, end: lineEndAfterBreak(text, output.span.end) }, newText: '' }];
	},
};
