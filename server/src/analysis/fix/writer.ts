import type { InsertedResource, JsonValue, TextEdit } from '../findings';
import type { Origin, Output, Parameter, Resource, SourceFormat, Template } from '../types';

/**
 * Writes the text for fix intents in one source format. The resolver (resolve.ts) decides *where* an
 * edit goes (the resource, a parameter default, a parameter file); a writer decides *how* it is spelled.
 * Every method returns undefined when it cannot write a safe edit; the fix is then not offered.
 */
export interface FormatWriter {
	format: SourceFormat;
	/** A literal in this format, in the document's own style (Bicep quote style, JSON). */
	literal(value: JsonValue, text: string, at?: number): string;
	/**
	 * Insert `keys` (a path of one or more keys, creating nested objects) with `value` into the object
	 * literal at `object.span` (ARM: `object.jsonPath` is the object's path from the document root).
	 */
	insertIntoObject(text: string, object: Origin, keys: string[], value: JsonValue): TextEdit[] | undefined;
	/** Remove the entry `key` from the object literal at `object`. */
	removeFromObject(text: string, object: Origin, key: string): TextEdit[] | undefined;
	/** Raise the apiVersion of a resource. */
	setApiVersion(template: Template, resource: Resource, version: string): TextEdit[] | undefined;
	markParameterSecure(template: Template, parameter: Parameter, dropDefault: boolean): TextEdit[] | undefined;
	markOutputSecure(template: Template, output: Output): TextEdit[] | undefined;
	removeOutput(template: Template, output: Output): TextEdit[] | undefined;
	/** Add a resource (and the parameters it needs) to the template's own document. */
	insertResource?(template: Template, resource: InsertedResource): TextEdit[] | undefined;
}
