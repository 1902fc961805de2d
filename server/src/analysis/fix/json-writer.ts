import { findNodeAtLocation, modify, parseTree, type FormattingOptions, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import { isArmExpression } from '../arm/expression';
import { isInsertRef, type InsertedResource, type InsertRef, type InsertValue, type JsonValue, type TextEdit } from '../findings';
import type { Location, Origin, Output, Parameter, Resource, Template } from '../types';
import type { FormatWriter } from './writer';

/** Indentation of the document, so inserted JSON looks like the user's own. */
export function detectFormatting(text: string): FormattingOptions {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const sample = text.slice(0, 64 * 1024);
	const tabs = (sample.match(/\n\t+\S/g) ?? []).length;
	const spaceLines = sample.match(/\n( +)\S/g) ?? [];
	if (tabs > spaceLines.length) return { insertSpaces: false, tabSize: 4, eol };
	let size = 0;
	for (const l of spaceLines) {
		const n = l.length - 2;
		if (n > 0 && (size === 0 || n < size)) size = n;
	}
	return { insertSpaces: true, tabSize: size === 0 ? 2 : Math.min(size, 8), eol };
}

/**
 * jsonc `modify` re-writes the whole neighbouring member (e.g. the previous property when it inserts a
 * comma). Trim each edit to the text that really changes, so that several edits in one object (set one
 * property, remove another) stay disjoint and the fix touches only the edited region.
 */
function toEdits(text: string, edits: { offset: number; length: number; content: string }[]): TextEdit[] {
	return edits.map((e) => {
		let start = e.offset;
		let end = e.offset + e.length;
		let content = e.content;
		let p = 0;
		while (p < content.length && start + p < end && content.charCodeAt(p) === text.charCodeAt(start + p)) p++;
		start += p;
		content = content.slice(p);
		let q = 0;
		while (q < content.length && end - q > start && content.charCodeAt(content.length - 1 - q) === text.charCodeAt(end - 1 - q)) q++;
		end -= q;
		content = content.slice(0, content.length - q);
		return { span: { start, end }, newText: content };
	}).filter((e) => e.newText !== '' || e.span.start !== e.span.end);
}

/**
 * jsonc `modify` re-formats every line its edit touches, applying the formatting edits one by one: on a
 * minified template that rewrites the whole document and takes time quadratic in the line length (minutes
 * for a 1 MB line). Lines longer than this, or a one-line document, get the edit without re-formatting.
 */
const MAX_FORMATTED_LINES = 1000;

/**
 * `text` may be the text of one object cut out of the document (see inObject): `doc` is then the whole
 * document and `base` the offset of `text` in it, so the decision to format looks at the real lines.
 */
function modifyAt(text: string, path: JSONPath, value: unknown, doc: { text: string; base: number } = { text, base: 0 }): TextEdit[] | undefined {
	try {
		const raw = modify(text, path, value, {});
		if (raw.length === 0) return undefined;
		const real = doc.text;
		const from = real.lastIndexOf('\n', doc.base + raw[0].offset - 1) + 1;
		const nl = real.indexOf('\n', doc.base + raw[0].offset + raw[0].length);
		const to = nl < 0 ? real.length : nl;
		const wholeDocument = from === 0 && real.slice(to).trim() === '';
		if (to - from > MAX_FORMATTED_LINES || wholeDocument) return toEdits(text, raw);
		const edits = modify(text, path, value, { formattingOptions: detectFormatting(real) });
		return edits.length > 0 ? toEdits(text, edits) : undefined;
	} catch {
		// modify throws when the path runs through a non-object (e.g. a string where an object is expected).
		return undefined;
	}
}

/**
 * Compute edits on the text of one object instead of the whole document: jsonc parses all the text it is
 * given, so with the whole document every fix cost a full parse (a large template with many findings took
 * time quadratic in its size). The object's text is prefixed with its line's indentation, so formatting
 * nests the same; an edit that would touch that prefix (not the document's text) gives up.
 */
function inObject(text: string, span: { start: number; end: number }, edit: (objectText: string, base: number) => TextEdit[] | undefined): TextEdit[] | undefined {
	if (text[span.start] !== '{' || text[span.end - 1] !== '}') return undefined;
	const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
	let i = lineStart;
	while (i < span.start && (text[i] === ' ' || text[i] === '\t')) i++;
	const indent = text.slice(lineStart, i);
	const base = span.start - indent.length;
	const edits = edit(indent + text.slice(span.start, span.end), base);
	if (!edits || edits.some((e) => e.span.start < indent.length)) return undefined;
	return edits.map((e) => ({ span: { start: e.span.start + base, end: e.span.end + base }, newText: e.newText }));
}

/**
 * Remove an object member without re-formatting its neighbours (jsonc `modify` re-flows a one-line object
 * over several lines, which then overlaps any other edit in the same object): the member goes with the
 * comma before it, or with the comma after it when it is the first one.
 */
function removeAt(text: string, path: JSONPath): TextEdit[] | undefined {
	let root;
	try {
		root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
	} catch {
		return undefined;
	}
	const member = root && findNodeAtLocation(root, path)?.parent;
	const container = member?.parent;
	if (!member || member.type !== 'property' || !container || container.type !== 'object' || !container.children) return undefined;
	const siblings = container.children;
	const i = siblings.indexOf(member);
	if (i > 0) return [{ span: { start: siblings[i - 1].offset + siblings[i - 1].length, end: member.offset + member.length }, newText: '' }];
	if (siblings.length > 1) return [{ span: { start: member.offset, end: siblings[1].offset }, newText: '' }];
	return [{ span: { start: container.offset + 1, end: container.offset + container.length - 1 }, newText: '' }];
}

export const jsonWriter: FormatWriter = {
	format: 'json',
	literal(value: JsonValue): string {
		return JSON.stringify(value);
	},
	insertIntoObject(text: string, object: Origin, keys: string[], value: JsonValue): TextEdit[] | undefined {
		if (!object.jsonPath) return undefined;
		let nested: JsonValue = value;
		// jsonc `modify` creates missing parents itself, but only along one path; build the rest as a value.
		for (let i = keys.length - 1; i >= 1; i--) nested = { [keys[i]]: nested };
		return inObject(text, object.span, (t, base) => modifyAt(t, [keys[0]], nested, { text, base })) ?? modifyAt(text, [...object.jsonPath, keys[0]], nested);
	},
	removeFromObject(text: string, object: Origin, key: string): TextEdit[] | undefined {
		if (!object.jsonPath) return undefined;
		return inObject(text, object.span, (t) => removeAt(t, [key])) ?? removeAt(text, [...object.jsonPath, key]);
	},
	setApiVersion(template: Template, resource: Resource, version: string): TextEdit[] | undefined {
		if (resource.apiVersionSite) return [{ span: resource.apiVersionSite.span, newText: JSON.stringify(version) }];
		if (!resource.jsonPath) return undefined;
		return modifyAt(template.text, [...resource.jsonPath, 'apiVersion'], version);
	},
	markParameterSecure(template: Template, parameter: Parameter, dropDefault: boolean): TextEdit[] | undefined {
		if (!parameter.jsonPath) return undefined;
		const secureType = parameter.type && /object/i.test(parameter.type) ? 'secureObject' : 'securestring';
		// Two edits on one object; both are computed on the original text and must not overlap.
		const first = modifyAt(template.text, [...parameter.jsonPath, 'type'], secureType);
		if (!first) return undefined;
		if (!dropDefault || !parameter.defaultValue) return first;
		const key = parameter.defaultValue.origin?.jsonPath?.[parameter.jsonPath.length] ?? 'defaultValue';
		const second = removeAt(template.text, [...parameter.jsonPath, key]);
		if (!second) return first;
		const all = [...first, ...second];
		return disjoint(all) ? all : first;
	},
	markOutputSecure(template: Template, output: Output): TextEdit[] | undefined {
		if (!output.jsonPath) return undefined;
		const secureType = output.type && /object/i.test(output.type) ? 'secureObject' : 'securestring';
		return modifyAt(template.text, [...output.jsonPath, 'type'], secureType);
	},
	removeOutput(template: Template, output: Output): TextEdit[] | undefined {
		if (!output.jsonPath) return undefined;
		return removeAt(template.text, output.jsonPath);
	},
	insertResource(template: Template, spec: InsertedResource): TextEdit[] | undefined {
		return insertArmResource(template, spec);
	},
};

// -- insertResource

/** An ARM expression fragment (`parameters('x')`) or a plain string. */
type Piece = { expr: string } | { literal: string };

function quoteArm(s: string): string {
	return `'${s.replace(/'/g, "''")}'`;
}

function asArg(p: Piece): string {
	return 'expr' in p ? p.expr : quoteArm(p.literal);
}

/** A JSON string value for a piece: `"[expr]"`, or the literal (a leading `[` escaped as `[[`). */
function asJson(p: Piece): string {
	if ('expr' in p) return `[${p.expr}]`;
	return isArmExpression(p.literal) ? `[${p.literal}` : p.literal;
}

function sameSite(a: Location, b: Location): boolean {
	return a.uri === b.uri && a.span.start === b.span.start && a.span.end === b.span.end;
}

/** A top-level resource of the template's own document, by its declaration. */
function topLevelResource(template: Template, loc: Location): Resource | undefined {
	const r = template.resources.find((x) => sameSite(x.site, loc));
	return r && r.site.uri === template.uri && r.jsonPath?.length === 2 && !r.inLoop ? r : undefined;
}

/** The JSON string written at a member of a resource, as a piece (`"[parameters('n')]"` → expr). */
function memberPiece(template: Template, resource: Resource, key: string): Piece | undefined {
	const entry = resource.body.kind === 'object' ? resource.body.entries.get(key) : undefined;
	if (!entry?.site || entry.site.uri !== template.uri) return undefined;
	let raw: unknown;
	try {
		raw = JSON.parse(template.text.slice(entry.site.span.start, entry.site.span.end));
	} catch {
		return undefined;
	}
	if (typeof raw !== 'string') return undefined;
	if (isArmExpression(raw)) return { expr: raw.slice(1, -1).trim() };
	return { literal: raw.startsWith('[[') ? raw.slice(1) : raw };
}

/** `resourceId('<type>', <name>)` for a resource with a one-segment name. */
function resourceIdOf(template: Template, r: Resource): string | undefined {
	const name = memberPiece(template, r, 'name');
	if (!name || r.type.split('/').length !== 2) return undefined;
	return `resourceId(${quoteArm(r.type)}, ${asArg(name)})`;
}

function refPiece(template: Template, ref: InsertRef): Piece | undefined {
	if (ref.$ref === 'parameter') return { expr: `parameters(${quoteArm(ref.name)})` };
	const r = topLevelResource(template, ref.resource);
	if (!r) return undefined;
	switch (ref.$ref) {
		case 'id': {
			const id = resourceIdOf(template, r);
			return id ? { expr: id } : undefined;
		}
		case 'name': {
			const name = memberPiece(template, r, 'name');
			if (!name || !ref.suffix) return name;
			if ('literal' in name) return { literal: name.literal + ref.suffix };
			const suffix = ref.suffix.replace(/'/g, "''").replace(/\{/g, '{{').replace(/\}/g, '}}');
			return { expr: `format('{0}${suffix}', ${name.expr})` };
		}
		case 'location':
			return memberPiece(template, r, 'location') ?? { expr: 'resourceGroup().location' };
	}
}

class Unwritable extends Error {}

function armValue(template: Template, v: InsertValue): JsonValue {
	if (isInsertRef(v)) {
		const p = refPiece(template, v);
		if (!p) throw new Unwritable();
		return asJson(p);
	}
	if (typeof v === 'string') return asJson({ literal: v });
	if (v === null || typeof v !== 'object') return v;
	if (Array.isArray(v)) return v.map((x) => armValue(template, x));
	const out: { [key: string]: JsonValue } = {};
	for (const [k, x] of Object.entries(v)) out[k] = armValue(template, x);
	return out;
}

/** The root member `key` (case-insensitive) of a parsed template. */
function rootMember(root: JsonNode, key: string): { key: string; value: JsonNode } | undefined {
	for (const p of root.children ?? []) {
		const [k, v] = p.children ?? [];
		if (k && v && typeof k.value === 'string' && k.value.toLowerCase() === key) return { key: k.value, value: v };
	}
	return undefined;
}

/** The template sections in their usual order: a new `parameters` goes before the first later one. */
const laterSections = ['functions', 'variables', 'resources', 'outputs'];

/** Leading whitespace of the line containing `offset`. */
function indentAt(text: string, offset: number): string {
	const start = text.lastIndexOf('\n', offset - 1) + 1;
	return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** True when only spaces and tabs stand between the start of the line and `offset`. */
function startsLine(text: string, offset: number): boolean {
	const start = text.lastIndexOf('\n', offset - 1) + 1;
	return /^[ \t]*$/.test(text.slice(start, offset));
}

function unitOf(fmt: FormattingOptions): string {
	return fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t';
}

/** A JSON value spelled with the document's indentation unit, continuation lines indented from `indent`. */
function printJson(value: JsonValue, indent: string, fmt: FormattingOptions): string {
	const unit = unitOf(fmt);
	return JSON.stringify(value, null, unit).split('\n').join((fmt.eol ?? '\n') + indent);
}

/**
 * Append a member (`key` given) or an item to a multi-line object or array, written in the document's style:
 * a comma after the last entry and the new entry on its own line below it (after any comment on that line),
 * indented like the other entries. jsonc `modify` is not used here because it re-flows the previous entry.
 */
function appendTo(text: string, container: JsonNode, key: string | undefined, value: JsonValue, fmt: FormattingOptions): TextEdit[] | undefined {
	const eol = fmt.eol ?? '\n';
	const unit = unitOf(fmt);
	const children = container.children ?? [];
	const close = container.offset + container.length - 1;
	const baseIndent = indentAt(text, container.offset);
	const entry = (indent: string) => `${key === undefined ? '' : `${JSON.stringify(key)}: `}${printJson(value, indent, fmt)}`;
	if (children.length === 0) {
		const indent = baseIndent + unit;
		return [{ span: { start: container.offset, end: close + 1 }, newText: `${text[container.offset]}${eol}${indent}${entry(indent)}${eol}${baseIndent}${text[close]}` }];
	}
	const last = children[children.length - 1];
	// Entries that do not start their own lines (a one-line container) are not re-flowed: no edit.
	if (!startsLine(text, last.offset) || !startsLine(text, close)) return undefined;
	const indent = indentAt(text, last.offset);
	const lastEnd = last.offset + last.length;
	const comma = /^[ \t]*,/.exec(text.slice(lastEnd));
	const nl = text.indexOf('\n', lastEnd);
	let lineEnd = nl < 0 || nl > close ? close : nl;
	if (lineEnd > 0 && text[lineEnd - 1] === '\r') lineEnd--;
	const edits: TextEdit[] = [];
	if (!comma) edits.push({ span: { start: lastEnd, end: lastEnd }, newText: ',' });
	edits.push({ span: { start: lineEnd, end: lineEnd }, newText: `${eol}${indent}${entry(indent)}` });
	return edits;
}

/**
 * Append a resource to the template's `resources` (array, or the languageVersion 2.0 object), depending on
 * the resources it refers to, and declare the parameters it needs, in the document's indentation.
 */
function insertArmResource(template: Template, spec: InsertedResource): TextEdit[] | undefined {
	const text = template.text;
	let root: JsonNode | undefined;
	try {
		root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
	} catch {
		return undefined;
	}
	if (!root || root.type !== 'object') return undefined;
	const resources = rootMember(root, 'resources');
	const anchor = topLevelResource(template, spec.after);
	if (!resources || !anchor || (resources.value.type !== 'array' && resources.value.type !== 'object')) return undefined;
	const symbolic = resources.value.type === 'object';
	const value: { [key: string]: JsonValue } = {};
	try {
		value.type = spec.type;
		value.apiVersion = spec.apiVersion;
		value.name = armValue(template, spec.name);
		if (spec.scope) {
			const target = topLevelResource(template, spec.scope);
			const name = target && memberPiece(template, target, 'name');
			if (!target || !name) return undefined;
			// The provider-relative form ARM documents for extension resources of a resource in the same template.
			value.scope = 'literal' in name ? `${target.type}/${name.literal}` : `[format(${quoteArm(`${target.type}/{0}`)}, ${name.expr})]`;
		}
		const dependsOn: string[] = [];
		for (const loc of [spec.after, ...(spec.dependsOn ?? [])]) {
			const r = topLevelResource(template, loc);
			if (!r) return undefined;
			if (r.existing) continue;
			if (symbolic && r.symbolicName) dependsOn.push(r.symbolicName);
			else {
				const id = resourceIdOf(template, r);
				if (!id) return undefined;
				dependsOn.push(`[${id}]`);
			}
		}
		for (const [k, v] of Object.entries(spec.body)) {
			if (k === 'properties' && dependsOn.length > 0) value.dependsOn = dependsOn;
			value[k] = armValue(template, v);
		}
		if (dependsOn.length > 0 && !value.dependsOn) value.dependsOn = dependsOn;
	} catch (e) {
		if (e instanceof Unwritable) return undefined;
		throw e;
	}
	const fmt = detectFormatting(text);
	const edits: TextEdit[] = [];
	const missing = (spec.parameters ?? []).filter((p) => !template.parameters.has(p.name.toLowerCase()));
	if (missing.length > 0) {
		const decls: { [key: string]: JsonValue } = {};
		for (const p of missing) decls[p.name] = { type: p.type, metadata: { description: p.description } };
		const section = rootMember(root, 'parameters');
		if (section) {
			if (section.value.type !== 'object') return undefined;
			const names = Object.keys(decls);
			const children = section.value.children ?? [];
			if (children.length === 0) {
				edits.push({ span: { start: section.value.offset, end: section.value.offset + section.value.length }, newText: printJson(decls, indentAt(text, section.value.offset), fmt) });
			} else {
				// One member at a time would make overlapping edits: the others follow the first in its text.
				const first = appendTo(text, section.value, names[0], decls[names[0]], fmt);
				if (!first) return undefined;
				const indent = indentAt(text, children[0].offset);
				for (const n of names.slice(1)) first[first.length - 1].newText += `,${fmt.eol ?? '\n'}${indent}${JSON.stringify(n)}: ${printJson(decls[n], indent, fmt)}`;
				edits.push(...first);
			}
		} else {
			// A new section, before the first of functions / variables / resources / outputs.
			const next = (root.children ?? []).find((p) => laterSections.includes(String(p.children?.[0]?.value).toLowerCase()));
			if (!next || !startsLine(text, next.offset)) return undefined;
			const indent = indentAt(text, next.offset);
			const eol = fmt.eol ?? '\n';
			const at = next.offset - indent.length;
			edits.push({ span: { start: at, end: at }, newText: `${indent}"parameters": ${printJson(decls, indent, fmt)},${eol}` });
		}
	}
	if (symbolic) {
		const taken = new Set((resources.value.children ?? []).map((p) => String(p.children?.[0]?.value).toLowerCase()));
		let key = spec.symbolicName;
		for (let i = 2; taken.has(key.toLowerCase()); i++) key = `${spec.symbolicName}${i}`;
		const list = appendTo(text, resources.value, key, value, fmt);
		if (!list) return undefined;
		edits.push(...list);
	} else {
		const list = appendTo(text, resources.value, undefined, value, fmt);
		if (!list) return undefined;
		edits.push(...list);
	}
	return disjoint(edits) ? edits : undefined;
}

/** True when no two edits overlap (so they can be applied together). */
export function disjoint(edits: TextEdit[]): boolean {
	const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
	for (let i = 1; i < sorted.length; i++) {
		if (sorted[i].span.start < sorted[i - 1].span.end) return false;
	}
	return true;
}
