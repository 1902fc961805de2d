import type { EditIntent, Fix, JsonValue, Suggestion, TextEdit } from '../findings';
import type { Origin, Resource, SourceFormat, Template, Value } from '../types';
import { jsonWriter, disjoint } from './json-writer';
import type { FormatWriter } from './writer';

const writers = new Map<SourceFormat, FormatWriter>([['json', jsonWriter]]);

/** The Bicep front end registers its writer here (keeps the JSON side free of the Bicep grammar). */
export function registerWriter(writer: FormatWriter): void {
	writers.set(writer.format, writer);
}

export function writerFor(format: SourceFormat): FormatWriter | undefined {
	return writers.get(format);
}

type Edits = { [uri: string]: TextEdit[] };

function add(edits: Edits, uri: string, list: TextEdit[]): void {
	(edits[uri] ??= []).push(...list);
}

function within(uri: string, span: { start: number; end: number }, outer: { uri: string; span: { start: number; end: number } }): boolean {
	return uri === outer.uri && span.start >= outer.span.start && span.end <= outer.span.end;
}

/** The element a numeric path segment selects when `cur` is an array, else undefined. */
function arrayItem(cur: Value, segment: string): Value | undefined {
	if (cur.kind !== 'array' || !/^\d+$/.test(segment)) return undefined;
	return cur.items[Number(segment)];
}

/** Where setting `path` to `value` on a resource has to write. */
function planSetProperty(template: Template, resource: Resource, path: string, value: JsonValue): Edits | undefined {
	const segments = path.split('.');
	let cur: Value = resource.body;
	for (let i = 0; i < segments.length; i++) {
		// A numeric segment on an array selects an element (`properties.routing.endpoints.eventHubs.0.authenticationType`).
		const item = arrayItem(cur, segments[i]);
		if (item) {
			// Replacing a whole element is not an intent rules need; only walk through it.
			if (i === segments.length - 1) return undefined;
			cur = item;
			continue;
		}
		if (cur.kind !== 'object' || !cur.origin) return undefined;
		const entry = cur.entries.get(segments[i].toLowerCase());
		if (!entry) {
			// Insert the rest of the path into the deepest object that is written somewhere.
			const writer = writerFor(cur.origin.format);
			const text = template.texts.get(cur.origin.uri);
			if (!writer || text === undefined) return undefined;
			const list = writer.insertIntoObject(text, cur.origin, segments.slice(i), value);
			return list ? { [cur.origin.uri]: list } : undefined;
		}
		const isLeaf = i === segments.length - 1;
		const v: Value = entry.value;
		if (isLeaf || v.kind === 'null') {
			let newValue: JsonValue = value;
			for (let j = segments.length - 1; j > i; j--) newValue = { [segments[j]]: newValue };
			return replaceValue(template, resource, v.origin, entry.site, newValue);
		}
		cur = v;
	}
	return undefined;
}

/** Replace a value: its literal where it is written (also a parameter default or parameter file), else the expression in the resource. */
function replaceValue(template: Template, resource: Resource, origin: Origin | undefined, site: { uri: string; span: { start: number; end: number } } | undefined, value: JsonValue): Edits | undefined {
	if (origin?.replaceable) {
		const writer = writerFor(origin.format);
		const text = template.texts.get(origin.uri);
		if (!writer || text === undefined) return undefined;
		return { [origin.uri]: [{ span: origin.span, newText: writer.literal(value, text, origin.span.start) }] };
	}
	if (site && within(site.uri, site.span, resource.site)) {
		const writer = writerFor(resource.format);
		const text = template.texts.get(site.uri);
		if (!writer || text === undefined) return undefined;
		return { [site.uri]: [{ span: site.span, newText: writer.literal(value, text, site.span.start) }] };
	}
	return undefined;
}

function planRemoveProperty(template: Template, resource: Resource, path: string): Edits | undefined {
	const segments = path.split('.');
	let cur: Value = resource.body;
	for (let i = 0; i < segments.length - 1; i++) {
		const item = arrayItem(cur, segments[i]);
		if (item) {
			cur = item;
			continue;
		}
		if (cur.kind !== 'object') return undefined;
		const entry = cur.entries.get(segments[i].toLowerCase());
		if (!entry) return {};
		cur = entry.value;
	}
	if (cur.kind !== 'object' || !cur.origin) return undefined;
	const last = cur.entries.get(segments[segments.length - 1].toLowerCase());
	if (!last) return {};
	const writer = writerFor(cur.origin.format);
	const text = template.texts.get(cur.origin.uri);
	if (!writer || text === undefined) return undefined;
	const list = writer.removeFromObject(text, cur.origin, last.key);
	return list ? { [cur.origin.uri]: list } : undefined;
}

function planIntent(template: Template, resource: Resource | undefined, intent: EditIntent): Edits | undefined {
	const writer = writerFor(template.format);
	switch (intent.kind) {
		case 'setProperty':
			return resource ? planSetProperty(template, resource, intent.path, intent.value) : undefined;
		case 'removeProperty':
			return resource ? planRemoveProperty(template, resource, intent.path) : undefined;
		case 'raiseApiVersion': {
			if (!resource) return undefined;
			const w = writerFor(resource.format);
			const uri = resource.site.uri;
			const owner = uri === template.uri ? template : { ...template, text: template.texts.get(uri) ?? '' };
			const list = w?.setApiVersion(owner, resource, intent.version);
			return list ? { [uri]: list } : undefined;
		}
		case 'markParameterSecure': {
			const p = template.parameters.get(intent.parameter.toLowerCase());
			const list = p && writer?.markParameterSecure(template, p, intent.dropDefault);
			return list ? { [template.uri]: list } : undefined;
		}
		case 'markOutputSecure': {
			const o = template.outputs.find((x) => x.name.toLowerCase() === intent.output.toLowerCase());
			const list = o && writer?.markOutputSecure(template, o);
			return list ? { [template.uri]: list } : undefined;
		}
		case 'removeOutput': {
			const o = template.outputs.find((x) => x.name.toLowerCase() === intent.output.toLowerCase());
			const list = o && writer?.removeOutput(template, o);
			return list ? { [template.uri]: list } : undefined;
		}
		case 'insertResource': {
			// Only into the analysed document itself: a resource declared in a module is not edited from here.
			if (intent.resource.after.uri !== template.uri) return undefined;
			const list = writer?.insertResource?.(template, intent.resource);
			return list ? { [template.uri]: list } : undefined;
		}
	}
}

/** Turn a rule's suggestion into text edits; undefined when it cannot be written safely (then it is not offered). */
export function resolveSuggestion(template: Template, resource: Resource | undefined, suggestion: Suggestion, ruleId: string, kind: 'safe' | 'suggestion'): Fix | undefined {
	const intents = Array.isArray(suggestion.edit) ? suggestion.edit : [suggestion.edit];
	const edits: Edits = {};
	for (const intent of intents) {
		const planned = planIntent(template, resource, intent);
		if (!planned) return undefined;
		for (const [uri, list] of Object.entries(planned)) add(edits, uri, list);
	}
	for (const [uri, list] of Object.entries(edits)) {
		if (!disjoint(list)) return undefined;
		// A writer working on a broken document can compute a range past its end (jsonc-parser measures an
		// unterminated `/*` at the end one character too long): such a fix is not offered.
		const text = template.texts.get(uri);
		if (text === undefined || list.some((e) => e.span.start < 0 || e.span.start > e.span.end || e.span.end > text.length)) return undefined;
	}
	if (Object.values(edits).every((l) => l.length === 0)) return undefined;
	return { title: suggestion.title, kind, ruleId, edits };
}

/**
 * Apply non-overlapping edits to a text (tests, CLI --fix, fix-all). Inserts at the same offset end up in
 * array order, as LSP clients apply them, so a fix reads the same in the editor and on the command line.
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
	const indexed = edits.map((e, i) => ({ e, i }));
	const sorted = indexed.sort((a, b) => b.e.span.start - a.e.span.start || b.e.span.end - a.e.span.end || b.i - a.i).map((x) => x.e);
	let out = text;
	for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
	return out;
}
