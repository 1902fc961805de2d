// The one template model shared by the ARM JSON and the Bicep front ends, the evaluator, the rules
// and the fix writers. Nothing here knows about editors or files: documents arrive as text.

/** Half-open range of UTF-16 code-unit offsets into a document's text. */
export interface Span {
	start: number;
	end: number;
}

/** A span in a named document (the template, its parameter file, a Bicep module). */
export interface Location {
	uri: string;
	span: Span;
}

export type SourceFormat = 'json' | 'bicep';

export type DocumentKind = 'armTemplate' | 'armParameters' | 'bicep' | 'bicepParams';

/** Where a value's text was written, so findings can point there and fixes can edit it. */
export type ValueSource =
	| 'literal' // written in the resource body itself
	| 'parameterDefault' // a parameter's defaultValue / Bicep `param x = ...`
	| 'parameterFile' // a *.parameters.json value or a .bicepparam assignment
	| 'variable' // a variable's value
	| 'moduleArgument' // a value passed to a module / nested deployment
	| 'computed'; // the result of an expression (if/concat/...): not a single literal

export interface Origin {
	uri: string;
	/** Span of the literal (or expression) text that produced the value. */
	span: Span;
	source: ValueSource;
	format: SourceFormat;
	/** Parameter or variable name when source is parameterDefault / parameterFile / variable / moduleArgument. */
	name?: string;
	/** True when `span` is a plain literal a fix may replace with another literal of the same format. */
	replaceable: boolean;
	/** ARM JSON only: path of the node from the document root, for jsonc-parser `modify`. */
	jsonPath?: (string | number)[];
}

export interface ObjectEntry {
	/** The key as written. */
	key: string;
	value: Value;
	/** Span of the key text (without quotes) in the document that wrote it. */
	keySpan?: Span;
	/** Where the value expression text stands (may differ from value.origin, e.g. `[parameters('x')]`). */
	site?: Location;
}

/**
 * An evaluated value. Object keys are looked up case-insensitively (map keys are lower-cased).
 * `unknown` is a value only known at deployment time (runtime functions, parameters with no value).
 */
export type Value =
	| { kind: 'string'; value: string; origin?: Origin }
	| { kind: 'number'; value: number; origin?: Origin }
	| { kind: 'boolean'; value: boolean; origin?: Origin }
	| { kind: 'null'; origin?: Origin }
	| { kind: 'array'; items: Value[]; origin?: Origin }
	| { kind: 'object'; entries: Map<string, ObjectEntry>; origin?: Origin }
	| { kind: 'unknown'; reason: string; origin?: Origin };

export type ValueKind = Value['kind'];

export interface Parameter {
	name: string;
	type?: string;
	/** securestring / secureObject / @secure() */
	secure: boolean;
	/** The value in effect: parameter file value if any, else the default; undefined when neither. */
	value?: Value;
	defaultValue?: Value;
	allowedValues?: Value[];
	nullable?: boolean;
	/** Span of the declaration name. */
	nameSpan: Span;
	/** Span of the whole declaration (for inserting decorators / editing). */
	span: Span;
	/** ARM JSON: path to the parameter's declaration object. */
	jsonPath?: (string | number)[];
}

export interface Output {
	name: string;
	type?: string;
	secure: boolean;
	/** The output's value as written (not evaluated: rules look at the expression). */
	expressionText: string;
	value: Value;
	nameSpan: Span;
	span: Span;
	jsonPath?: (string | number)[];
}

/** A property looked up by path on a resource. */
export interface PropertyRef {
	path: string;
	value: Value;
	/** The deepest place inside the resource's own text along the path (where the finding is shown). */
	site: Location;
	/** Key span of the leaf, when the leaf key is written in the resource. */
	keySite?: Location;
}

export interface Resource {
	/** Evaluated type, as written (case preserved), e.g. `Microsoft.Devices/IotHubs`. */
	type: string;
	apiVersion?: string;
	/** Evaluated full name (`hub` or `hub/child`), unknown when it depends on runtime values. */
	name: Value;
	/** Bicep symbolic name, or ARM languageVersion 2.0 symbolic key. */
	symbolicName?: string;
	/** For messages: evaluated name, else symbolic name, else the name's text. */
	displayName: string;
	/** The resource declaration as an object value (type, apiVersion, name, properties, identity, sku...). */
	body: Value;
	/** ARM `"type"` value / Bicep resource type string: where missing-property findings go. */
	typeSite: Location;
	/** The apiVersion text (ARM `"apiVersion"` value, or the `@version` part of a Bicep type string). */
	apiVersionSite?: Location;
	/** The whole declaration. */
	site: Location;
	format: SourceFormat;
	/** ARM: path to the resource object from the document root. */
	jsonPath?: (string | number)[];
	/** Resource is deployed only when this is true (ARM condition / Bicep `if`). */
	condition?: Value;
	/** Declared inside a copy loop / Bicep for loop. */
	inLoop?: boolean;
	/** Bicep `existing` / ARM `existing: true`: a reference, not a deployment. */
	existing?: boolean;
	/** Explicit `scope` (Bicep `scope: hub`, ARM `scope` property), evaluated. */
	scope?: Value;
	/** Bicep `parent: hub`, resolved to the parent's symbolic name. */
	parentSymbol?: string;
	/** Where this resource came from when it is declared inside a module / nested deployment. */
	via?: Location[];
}

export interface Problem {
	message: string;
	location: Location;
	severity: 'error' | 'warning' | 'info';
}

/** A template (ARM or Bicep) turned into the common model. */
export interface Template {
	uri: string;
	kind: DocumentKind;
	format: SourceFormat;
	text: string;
	resources: Resource[];
	parameters: Map<string, Parameter>;
	outputs: Output[];
	/** Parse problems. The front ends return partial results plus problems instead of throwing. */
	problems: Problem[];
	/** Parameter files whose values were applied. */
	parameterFiles: string[];
	/** Text of every document the model refers to (the template, parameter files, modules), by uri. */
	texts: Map<string, string>;
	/**
	 * Bicep modules whose template is not analysed (registry and template-spec modules, files that cannot be
	 * read): what they are given, so cross-resource rules do not claim that nothing in the deployment covers a
	 * resource such a module may cover. (ARM linked templates are `Microsoft.Resources/deployments` resources.)
	 */
	externalDeployments?: ExternalDeployment[];
}

/** A module deployed by the template whose own template is not analysed. */
export interface ExternalDeployment {
	/** The module path as written, e.g. `br/public:avm/res/network/private-endpoint:0.12.1`. */
	target: string;
	/** The module path in the declaring document. */
	site: Location;
	/** The evaluated `params` object (evaluated on first read). */
	readonly parameters: Value;
	inLoop?: boolean;
	/** Deployed only when this is true (Bicep `if`, also from enclosing modules). */
	readonly condition?: Value;
	/** Enclosing module declarations, innermost first, when declared inside a local module. */
	via?: Location[];
}

export type Severity = 'off' | 'info' | 'warning' | 'error';
