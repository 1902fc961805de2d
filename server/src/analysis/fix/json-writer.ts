import { modify, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import type { JsonValue, TextEdit } from '../findings';
import type { Origin, Output, Parameter, Resource, Template } from '../types';
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

function toEdits(edits: { offset: number; length: number; content: string }[]): TextEdit[] {
	return edits.map((e) => ({ span: { start: e.offset, end: e.offset + e.length }, newText: e.content }));
}

function modifyAt(text: string, path: JSONPath, value: unknown): TextEdit[] | undefined {
	try {
		const edits = modify(text, path, value, { formattingOptions: detectFormatting(text) });
		return edits.length > 0 ? toEdits(edits) : undefined;
	} catch {
		// modify throws when the path runs through a non-object (e.g. a string where an object is expected).
		return undefined;
	}
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
		return modifyAt(text, [...object.jsonPath, keys[0]], nested);
	},
	removeFromObject(text: string, object: Origin, key: string): TextEdit[] | undefined {
		if (!object.jsonPath) return undefined;
		return modifyAt(text, [...object.jsonPath, key], undefined);
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
		const second = modifyAt(template.text, [...parameter.jsonPath, key], undefined);
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
		return modifyAt(template.text, output.jsonPath, undefined);
	},
};

/** True when no two edits overlap (so they can be applied together). */
export function disjoint(edits: TextEdit[]): boolean {
	const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
	for (let i = 1; i < sorted.length; i++) {
		if (sorted[i].span.start < sorted[i - 1].span.end) return false;
	}
	return true;
}
