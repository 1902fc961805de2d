import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { baseName, MAX_ANALYSED_LENGTH, siblingUri, type Host } from '../host';
import type { Location, Output, Parameter, Problem, Resource, Template, Value } from '../types';
import { isArmExpression, unescapeArmLiteral, type ArmEvalContext } from './expression';
import { lazy, lazyModel, model } from '../lazy-model';
import { parseStrictJson } from './lazy-json';
import { jsonToValue, prop, propKey, spanOf, stringOf, type JsonPath } from './json-values';
import { eachMember } from './lazy-json';

export type JsonDocumentKind = 'armTemplate' | 'armParameters' | 'other';

const templateSchema = /deploymentTemplate\.json#?\s*$/i;
const parametersSchema = /deploymentParameters\.json#?\s*$/i;

export interface ParsedJson {
	root?: JsonNode;
	problems: Problem[];
}

/**
 * Parse JSON with comments and trailing commas; never throws. At most one problem is reported. Strict JSON gets
 * a lazily read tree (`lazy-json.ts`: same nodes, a fraction of the cost); the rest goes to jsonc-parser.
 * `previous`, the parse of an earlier version of the same document, lets an edit inside a string skip the
 * validation of the whole text.
 */
export function parseJson(uri: string, text: string, previous?: ParsedJson): ParsedJson {
	const strict = parseStrictJson(text, previous?.root);
	if (strict) return { root: strict, problems: [] };
	const errors: ParseError[] = [];
	let root: JsonNode | undefined;
	try {
		root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
	} catch (e) {
		// jsonc-parser recurses per nesting level: absurdly deep input overflows the stack.
		return {
			problems: [{ message: `Cannot analyse this file: ${e instanceof RangeError ? 'it is nested too deeply' : String(e)}.`, location: { uri, span: { start: 0, end: 0 } }, severity: 'error' }],
		};
	}
	const problems: Problem[] = [];
	if (errors.length > 0) {
		const e = errors[0];
		const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
		// jsonc-parser can report a range past the end (an unterminated `/*` at the end of the text): clamp it.
		const start = Math.min(Math.max(e.offset, 0), text.length);
		const end = Math.min(Math.max(e.offset + Math.max(e.length, 0), start), text.length);
		problems.push({
			message: `Invalid JSON: ${describeError(printParseErrorCode(e.error))}${more}. Findings below this point may be incomplete.`,
			location: { uri, span: { start, end } },
			severity: 'error',
		});
	}
	return { root, problems };
}

function describeError(code: string): string {
	return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * A deployment template embedded one level down in another JSON document (e.g. the `arm` member of
 * `az iot hub state export` output). Only `$schema`-marked templates count, so plain JSON stays quiet.
 */
export function embeddedTemplate(root: JsonNode | undefined): { node: JsonNode; key: string } | undefined {
	if (!root || root.type !== 'object') return undefined;
	for (const p of root.children ?? []) {
		const [k, v] = p.children ?? [];
		if (!k || typeof k.value !== 'string' || v?.type !== 'object') continue;
		const schema = stringOf(prop(v, '$schema'));
		if (schema !== undefined && templateSchema.test(schema) && prop(v, 'resources')) return { node: v, key: k.value };
	}
	return undefined;
}

/** Decide by content whether JSON is a deployment template, a parameter file, or something else. */
export function classifyJson(root: JsonNode | undefined): JsonDocumentKind {
	if (!root || root.type !== 'object') return 'other';
	const schema = stringOf(prop(root, '$schema'));
	if (schema !== undefined) {
		if (templateSchema.test(schema)) return 'armTemplate';
		if (parametersSchema.test(schema)) return 'armParameters';
	}
	const resources = prop(root, 'resources');
	if (prop(root, 'contentVersion') && resources && (resources.type === 'array' || resources.type === 'object')) return 'armTemplate';
	if (schema === undefined && embeddedTemplate(root)) return 'armTemplate';
	const params = prop(root, 'parameters');
	if (schema === undefined && prop(root, 'contentVersion') && params?.type === 'object' && !resources) {
		const all = params.children ?? [];
		if (all.length > 0 && all.every((p) => { const v = p.children?.[1]; return v?.type === 'object' && (prop(v, 'value') || prop(v, 'reference')); })) {
			return 'armParameters';
		}
	}
	return 'other';
}

/** Where the parameter file for a template conventionally lives: `X.parameters.json` beside `X.json`. */
export function defaultParameterFileFor(templateUri: string): string | undefined {
	const name = baseName(templateUri);
	const m = /^(.*)\.(json|jsonc|bicep)$/i.exec(name);
	if (!m) return undefined;
	return siblingUri(templateUri, `${m[1]}.parameters.json`);
}

/** The templates a parameter file may belong to, most likely first. */
export function templateCandidatesFor(parametersUri: string): string[] {
	const name = baseName(parametersUri);
	const m = /^(.*)\.parameters\.(json|jsonc)$/i.exec(name);
	if (!m) return [];
	return [`${m[1]}.json`, `${m[1]}.bicep`, `${m[1]}.jsonc`].map((n) => siblingUri(parametersUri, n)).filter((u): u is string => !!u);
}

export interface ParameterFileValues {
	uri: string;
	values: Map<string, Value>;
	problems: Problem[];
}

/** Read `parameters.<name>.value` from an ARM parameter file. Key Vault references are unknown. */
export function readParameterFile(uri: string, text: string): ParameterFileValues {
	const parsed = parseJson(uri, text);
	const values = new Map<string, Value>();
	const params = prop(parsed.root, 'parameters');
	for (const p of params?.children ?? []) {
		const [k, v] = p.children ?? [];
		if (!k || typeof k.value !== 'string' || !v) continue;
		const name = k.value;
		const valueNode = prop(v, 'value');
		if (valueNode) {
			values.set(name.toLowerCase(), jsonToValue(valueNode, ['parameters', name, propKey(v, 'value')], { uri, source: 'parameterFile', name }));
		} else if (prop(v, 'reference')) {
			values.set(name.toLowerCase(), { kind: 'unknown', reason: `parameter '${name}' is a Key Vault reference`, origin: { uri, span: spanOf(v), source: 'parameterFile', format: 'json', name, replaceable: false } });
		}
	}
	return { uri, values, problems: parsed.problems };
}

export interface ArmLoadOptions {
	/** Explicit parameter file; otherwise `X.parameters.json` beside the template is used when it exists. */
	parameterFileUri?: string;
	/** Already parsed tree (the server caches it). */
	parsed?: ParsedJson;
	/** Values for the template's parameters given by a caller (nested deployment, module); win over files. */
	suppliedParameters?: Map<string, Value>;
}

interface Scope {
	uri: string;
	params: Map<string, { name: string; node: JsonNode; path: JsonPath }>;
	supplied: Map<string, Value>;
	paramCache: Map<string, Value>;
	vars: Map<string, { name: string; node: JsonNode; path: JsonPath }>;
	varCache: Map<string, Value | 'pending'>;
	budget: { steps: number };
	parent?: Scope;
	/** The evaluation contexts of the scope, outside and inside copy loops (made once). */
	evalCtx?: ArmEvalContext;
	loopEvalCtx?: ArmEvalContext;
}

/** Inside a copy loop `copyIndex()` is known only at deployment. */
const unknownCopyIndex = (): number | undefined => undefined;

const ArmParameter = lazyModel(['defaultValue', 'value', 'allowedValues']);
const ArmOutput = lazyModel(['value']);

const STEP_BUDGET = 2_000_000;
const MAX_NESTED_DEPTH = 10;
/** Child resources nested deeper than this (inside `resources` of resources) are not read. */
const MAX_CHILD_DEPTH = 32;

/** Load an ARM JSON deployment template into the common model. Returns undefined for non-template JSON. */
export function loadArmTemplate(uri: string, text: string, host: Host, opts: ArmLoadOptions = {}): Template | undefined {
	const parsed = opts.parsed ?? parseJson(uri, text);
	if (classifyJson(parsed.root) !== 'armTemplate' || !parsed.root) return undefined;
	let root = parsed.root;
	let rootPath: JsonPath = [];
	const isTemplate = prop(root, 'contentVersion') || stringOf(prop(root, '$schema')) !== undefined;
	const embedded = isTemplate ? undefined : embeddedTemplate(root);
	if (embedded) {
		root = embedded.node;
		rootPath = [embedded.key];
	}
	const texts = new Map<string, string>([[uri, text]]);
	const problems = [...parsed.problems];
	const parameterFiles: string[] = [];

	let supplied = opts.suppliedParameters ?? new Map<string, Value>();
	const pfUri = opts.parameterFileUri ?? defaultParameterFileFor(uri);
	if (pfUri && !opts.suppliedParameters) {
		const pfText = host.readText(pfUri);
		if (pfText !== undefined && pfText.length <= MAX_ANALYSED_LENGTH) {
			const pf = readParameterFile(pfUri, pfText);
			texts.set(pfUri, pfText);
			parameterFiles.push(pfUri);
			supplied = pf.values;
		}
	}

	const budget = { steps: STEP_BUDGET };
	const scope = makeScope(uri, root, rootPath, supplied, budget);
	const template: Template = {
		uri,
		kind: 'armTemplate',
		format: 'json',
		text,
		resources: [],
		parameters: new Map(),
		outputs: [],
		problems,
		parameterFiles,
		texts,
	};

	// Parameters of the top-level template.
	const paramsNode = prop(root, 'parameters');
	for (const p of paramsNode?.children ?? []) {
		const [k, v] = p.children ?? [];
		if (!k || typeof k.value !== 'string' || !v || v.type !== 'object') continue;
		const name = k.value;
		const type = stringOf(prop(v, 'type'));
		const path: JsonPath = [...rootPath, propKey(root, 'parameters'), name];
		const defaultNode = prop(v, 'defaultValue');
		const allowedNode = prop(v, 'allowedValues');
		const ctx = { uri, source: 'parameterDefault' as const, name, evalCtx: evalContext(scope) };
		const param = model<Parameter>(ArmParameter, template, {
			name,
			type,
			secure: !!type && /^secure(string|object)$/i.test(type),
			nullable: false,
			nameSpan: { start: k.offset + 1, end: k.offset + k.length - 1 },
			span: { start: p.offset, end: p.offset + p.length },
			jsonPath: path,
		});
		// Evaluated when first read: a rule looks at few parameters.
		if (defaultNode) {
			// Without a supplied value the value in effect is the default itself: evaluated once.
			lazy(param, 'defaultValue', () => (scope.supplied.has(name.toLowerCase()) ? jsonToValue(defaultNode, [...path, propKey(v, 'defaultValue')], ctx) : parameterValue(scope, name)));
		}
		if (allowedNode?.type === 'array') lazy(param, 'allowedValues', () => (allowedNode.children ?? []).map((c, i) => jsonToValue(c, [...path, propKey(v, 'allowedValues'), i], ctx)));
		lazy(param, 'value', () => parameterValue(scope, name));
		template.parameters.set(name.toLowerCase(), param);
	}

	collectResources(template, root, scope, rootPath, undefined, 0);

	// Outputs.
	const outputsNode = prop(root, 'outputs');
	for (const p of outputsNode?.children ?? []) {
		const [k, v] = p.children ?? [];
		if (!k || typeof k.value !== 'string' || !v || v.type !== 'object') continue;
		const type = stringOf(prop(v, 'type'));
		const valueNode = prop(v, 'value') ?? prop(v, 'copy');
		const path: JsonPath = [...rootPath, propKey(root, 'outputs'), k.value];
		const out = model<Output>(ArmOutput, template, {
			name: k.value,
			type,
			secure: !!type && /^secure(string|object)$/i.test(type),
			expressionText: valueNode ? (valueNode.type === 'string' ? (valueNode.value as string) : text.slice(valueNode.offset, valueNode.offset + valueNode.length)) : '',
			nameSpan: { start: k.offset + 1, end: k.offset + k.length - 1 },
			span: { start: p.offset, end: p.offset + p.length },
			jsonPath: path,
		});
		lazy(out, 'value', () => (valueNode ? jsonToValue(valueNode, [...path, 'value'], { uri, source: 'literal', evalCtx: evalContext(scope) }) : { kind: 'null' }));
		template.outputs.push(out);
	}
	return template;
}

function makeScope(uri: string, templateNode: JsonNode, basePath: JsonPath, supplied: Map<string, Value>, budget: { steps: number }, parent?: Scope): Scope {
	const params = new Map<string, { name: string; node: JsonNode; path: JsonPath }>();
	const paramsNode = prop(templateNode, 'parameters');
	for (const p of paramsNode?.children ?? []) {
		const [k, v] = p.children ?? [];
		if (k && typeof k.value === 'string' && v) params.set(k.value.toLowerCase(), { name: k.value, node: v, path: [...basePath, propKey(templateNode, 'parameters'), k.value] });
	}
	const vars = new Map<string, { name: string; node: JsonNode; path: JsonPath }>();
	const varsNode = prop(templateNode, 'variables');
	for (const p of varsNode?.children ?? []) {
		const [k, v] = p.children ?? [];
		if (k && typeof k.value === 'string' && v) vars.set(k.value.toLowerCase(), { name: k.value, node: v, path: [...basePath, propKey(templateNode, 'variables'), k.value] });
	}
	return { uri, params, supplied, paramCache: new Map(), vars, varCache: new Map(), budget, parent };
}

function parameterValue(scope: Scope, name: string): Value | undefined {
	const key = name.toLowerCase();
	const cached = scope.paramCache.get(key);
	if (cached) return cached;
	const decl = scope.params.get(key);
	if (!decl) return undefined;
	let value: Value;
	const given = scope.supplied.get(key);
	if (given) {
		value = given;
	} else {
		const def = prop(decl.node, 'defaultValue');
		if (def) {
			// Mark as pending first: a default that refers to itself must not recurse forever.
			scope.paramCache.set(key, { kind: 'unknown', reason: `parameter '${decl.name}' refers to itself` });
			value = jsonToValue(def, [...decl.path, propKey(decl.node, 'defaultValue')], { uri: scope.uri, source: 'parameterDefault', name: decl.name, evalCtx: evalContext(scope) });
		} else if (prop(decl.node, 'nullable')?.value === true) {
			// A nullable parameter (compiled Bicep `type?`) that nobody supplies is null: the property is unset.
			value = { kind: 'null', origin: { uri: scope.uri, span: spanOf(decl.node), source: 'parameterDefault', format: 'json', name: decl.name, replaceable: false, jsonPath: decl.path } };
		} else {
			// Unknown, but remember which parameter: rules check its allowedValues, fixes may mark it.
			value = { kind: 'unknown', reason: `depends on parameter '${decl.name}'`, origin: { uri: scope.uri, span: spanOf(decl.node), source: 'parameterDefault', format: 'json', name: decl.name, replaceable: false, jsonPath: decl.path } };
		}
	}
	scope.paramCache.set(key, value);
	return value;
}

function variableValue(scope: Scope, name: string): Value | undefined {
	const key = name.toLowerCase();
	const cached = scope.varCache.get(key);
	if (cached === 'pending') return { kind: 'unknown', reason: `variable '${name}' refers to itself` };
	if (cached) return cached;
	const decl = scope.vars.get(key);
	if (!decl) return undefined;
	scope.varCache.set(key, 'pending');
	const value = jsonToValue(decl.node, decl.path, { uri: scope.uri, source: 'variable', name: decl.name, evalCtx: evalContext(scope) });
	scope.varCache.set(key, value);
	return value;
}

function evalContext(scope: Scope, inLoop = false): ArmEvalContext {
	const made = inLoop ? scope.loopEvalCtx : scope.evalCtx;
	if (made) return made;
	const ctx: ArmEvalContext = {
		uri: scope.uri,
		parameter: (n) => parameterValue(scope, n),
		variable: (n) => variableValue(scope, n),
		copyIndex: inLoop ? unknownCopyIndex : undefined,
		budget: scope.budget,
	};
	if (inLoop) scope.loopEvalCtx = ctx;
	else scope.evalCtx = ctx;
	return ctx;
}

function collectResources(template: Template, templateNode: JsonNode, scope: Scope, basePath: JsonPath, via: Location[] | undefined, depth: number): void {
	const resourcesNode = prop(templateNode, 'resources');
	if (!resourcesNode) return;
	const resourcesKey = propKey(templateNode, 'resources');
	if (resourcesNode.type === 'array') {
		(resourcesNode.children ?? []).forEach((r, i) => addResource(template, r, [...basePath, resourcesKey, i], scope, undefined, undefined, via, depth));
	} else if (resourcesNode.type === 'object') {
		// languageVersion 2.0: resources keyed by symbolic name.
		for (const p of resourcesNode.children ?? []) {
			const [k, v] = p.children ?? [];
			if (k && typeof k.value === 'string' && v) addResource(template, v, [...basePath, resourcesKey, k.value], scope, undefined, k.value, via, depth);
		}
	}
}

function addResource(template: Template, node: JsonNode, path: JsonPath, scope: Scope, parent: Resource | undefined, symbolicName: string | undefined, via: Location[] | undefined, depth: number, level = 0): void {
	if (node.type !== 'object') return;
	const uri = scope.uri;
	// The members read here, in one pass (a large template has thousands of resources: no node per member).
	const h = readHeader(node);
	const typeNode = h.type;
	const rawType = stringOf(typeNode);
	if (!typeNode || rawType === undefined) return;
	const inLoop = !!h.copy || !!parent?.inLoop;
	const ctx = evalContext(scope, inLoop);

	let type = rawType;
	if (isArmExpression(rawType)) {
		const typeValue = jsonToValue(typeNode, [...path, h.keys?.type ?? 'type'], { uri, source: 'literal', evalCtx: ctx });
		if (typeValue.kind === 'string') type = typeValue.value;
	} else {
		type = unescapeArmLiteral(rawType);
	}
	// A child type is qualified when its first segment has a dot (`Microsoft.Devices/...`). Not a regex like
	// `/^[^/]*\.[^/]*\//`: that backtracks quadratically over a long dotted type.
	const slash = type.indexOf('/');
	if (parent && !(slash > 0 && type.lastIndexOf('.', slash) >= 0)) type = `${parent.type}/${type}`;

	let apiVersion: string | undefined;
	const apiNode = h.apiversion;
	const rawApi = stringOf(apiNode);
	if (rawApi !== undefined && !isArmExpression(rawApi)) apiVersion = unescapeArmLiteral(rawApi);
	else if (apiNode) {
		const apiValue = jsonToValue(apiNode, [...path, h.keys?.apiversion ?? 'apiVersion'], { uri, source: 'literal', evalCtx: ctx });
		apiVersion = apiValue.kind === 'string' ? apiValue.value : undefined;
	}

	const resource = new ArmResource(template, node, h, path, ctx, parent, type, rawType, symbolicName);
	resource.apiVersion = apiVersion;
	resource.apiVersionSite = apiNode ? { uri, span: spanOf(apiNode) } : undefined;
	resource.inLoop = inLoop;
	resource.existing = h.existing?.type === 'boolean' ? (h.existing.value as boolean) : undefined;
	resource.via = via;
	if (h.condition || h.copy || parent) resource.hasCondition = true;
	const isDeployment = resource.isDeployment;
	const childrenNode = h.resources;
	template.resources.push(resource);

	// Nested child resources (ARM types nest a few levels; a deeper chain is hostile: its cost is quadratic).
	if (childrenNode?.type === 'array' && level < MAX_CHILD_DEPTH) {
		const key = h.keys?.resources ?? 'resources';
		(childrenNode.children ?? []).forEach((c, i) => addResource(template, c, [...path, key, i], scope, resource, undefined, via, depth, level + 1));
	}

	// Nested deployments with an inline template.
	if (isDeployment && depth < MAX_NESTED_DEPTH) {
		const props = h.properties;
		const inner = prop(props, 'template');
		if (inner?.type === 'object') {
			const innerPath: JsonPath = [...path, h.keys?.properties ?? 'properties', propKey(props, 'template')];
			const evalScope = stringOf(prop(prop(props, 'expressionEvaluationOptions'), 'scope'));
			let innerScope: Scope;
			if (evalScope?.toLowerCase() === 'inner') {
				// Inner scope: the nested template's own parameters, fed by the values the outer template passes.
				const supplied = new Map<string, Value>();
				const paramsNode = prop(props, 'parameters');
				for (const p of paramsNode?.children ?? []) {
					const [k, v] = p.children ?? [];
					if (!k || typeof k.value !== 'string' || !v) continue;
					const valueNode = prop(v, 'value');
					const at = [...path, propKey(node, 'properties'), propKey(props, 'parameters'), k.value];
					let value: Value;
					if (valueNode) value = jsonToValue(valueNode, [...at, propKey(v, 'value')], { uri, source: 'literal', evalCtx: ctx });
					else {
						// `"x": "[if(c, createObject('value', ...), ...)]"` (what Bicep makes of a conditional argument):
						// the whole entry is computed; a Key Vault `reference` is known only at deployment.
						const entry = v.type === 'string' ? jsonToValue(v, at, { uri, source: 'literal', evalCtx: ctx }) : undefined;
						const inner = entry?.kind === 'object' ? entry.entries.get('value')?.value : undefined;
						value = inner ?? { kind: 'unknown', reason: `parameter '${k.value}' of the nested deployment is known only at deployment`, origin: entry?.origin };
					}
					supplied.set(k.value.toLowerCase(), value);
				}
				innerScope = makeScope(uri, inner, innerPath, supplied, scope.budget, scope);
			} else {
				// Outer scope (the default): expressions in the nested template see the parent's parameters and variables.
				innerScope = scope;
			}
			const first = template.resources.length;
			collectResources(template, inner, innerScope, innerPath, via, depth + 1);
			// The nested template's resources are deployed as often, and only when, the deployment is.
			for (const r of template.resources.slice(first)) {
				if (resource.inLoop) r.inLoop = true;
				if (resource.condition) r.condition = r.condition ? both(resource.condition, r.condition) : resource.condition;
			}
		}
	}
}

/** The members of a resource declaration the loader reads, by lower-cased key; `keys` when written otherwise. */
interface Header {
	type?: JsonNode;
	name?: JsonNode;
	apiversion?: JsonNode;
	condition?: JsonNode;
	scope?: JsonNode;
	existing?: JsonNode;
	copy?: JsonNode;
	resources?: JsonNode;
	properties?: JsonNode;
	keys?: Partial<Record<keyof Omit<Header, 'keys'>, string>>;
}

type HeaderSlot = keyof Omit<Header, 'keys'>;
const SLOTS: HeaderSlot[] = ['type', 'name', 'apiversion', 'condition', 'scope', 'existing', 'copy', 'resources', 'properties'];
const CANONICAL: Partial<Record<HeaderSlot, string>> = { apiversion: 'apiVersion' };
/** Header keys as usually written, then lower-cased: most members are found without lower-casing their key. */
const AS_WRITTEN = new Map<string, HeaderSlot>(SLOTS.map((slot) => [CANONICAL[slot] ?? slot, slot]));
const LOWER = new Map<string, HeaderSlot>(SLOTS.map((slot) => [slot, slot]));
const LENGTHS = new Set(SLOTS.map((slot) => slot.length));

function slotOf(key: string): HeaderSlot | undefined {
	return AS_WRITTEN.get(key) ?? (LENGTHS.has(key.length) ? LOWER.get(key.toLowerCase()) : undefined);
}

/** The header members of a resource declaration, in one pass (the first of duplicates, like `prop`). */
function readHeader(node: JsonNode): Header {
	const h: Header = {};
	eachMember(
		node,
		(key, _offset, _length, value) => {
			const slot = slotOf(key)!;
			if (h[slot]) return;
			h[slot] = value;
			if (key !== (CANONICAL[slot] ?? slot)) (h.keys ??= {})[slot] = key;
		},
		(key) => slotOf(key) !== undefined,
	);
	return h;
}

/**
 * An ARM resource. The body, name, condition and scope are evaluated when first read: most resources of a large
 * template are never looked at by a rule. A class with its getters on the prototype: per-object getters (or a
 * closure per field) cost an allocation each, and V8 keeps objects with their own accessors through minor GCs.
 */
class ArmResource implements Resource {
	readonly format = 'json' as const;
	apiVersion: string | undefined = undefined;
	apiVersionSite: Location | undefined = undefined;
	inLoop: boolean | undefined = undefined;
	existing: boolean | undefined = undefined;
	via: Location[] | undefined = undefined;
	/** Has a condition of its own, a copy loop or a parent: `condition` is worth evaluating. */
	hasCondition = false;
	private typeAt: Location | undefined = undefined;
	private siteAt: Location | undefined = undefined;
	private bodyValue: Value | undefined = undefined;
	private nameValue: Value | undefined = undefined;
	private conditionValue: Value | undefined = undefined;
	private conditionRead = false;
	private scopeValue: Value | undefined = undefined;
	private scopeRead = false;

	constructor(
		private readonly template: Template,
		private readonly node: JsonNode,
		private readonly header: Header,
		readonly jsonPath: JsonPath,
		private readonly ctx: ArmEvalContext,
		private readonly parent: Resource | undefined,
		readonly type: string,
		private readonly rawType: string,
		readonly symbolicName: string | undefined,
	) {}

	get typeSite(): Location {
		this.typeAt ??= { uri: this.ctx.uri, span: spanOf(this.header.type!) };
		return this.typeAt;
	}

	get site(): Location {
		this.siteAt ??= { uri: this.ctx.uri, span: spanOf(this.node) };
		return this.siteAt;
	}

	get isDeployment(): boolean {
		return this.type.length === 31 && this.type.toLowerCase() === 'microsoft.resources/deployments';
	}

	private convert(node: JsonNode, key: HeaderSlot, more: (string | number)[] = [], lazyObjects = false): Value {
		const written = this.header.keys?.[key] ?? CANONICAL[key] ?? key;
		return jsonToValue(node, [...this.jsonPath, written, ...more], { uri: this.ctx.uri, source: 'literal', evalCtx: this.ctx, lazyObjects });
	}

	get body(): Value {
		this.bodyValue ??= jsonToValue(bodyNode(this.node, this.isDeployment, this.header.resources?.type === 'array'), this.jsonPath, { uri: this.ctx.uri, source: 'literal', evalCtx: this.ctx, lazyObjects: true });
		return this.bodyValue;
	}

	get name(): Value {
		if (!this.nameValue) {
			const nameNode = this.header.name;
			let name: Value = nameNode ? this.convert(nameNode, 'name') : { kind: 'unknown', reason: 'resource has no name' };
			const parent = this.parent;
			if (parent && name.kind === 'string' && parent.name.kind === 'string' && !this.rawType.includes('.')) {
				name = { kind: 'string', value: `${parent.name.value}/${name.value}`, origin: name.origin };
			}
			this.nameValue = name;
		}
		return this.nameValue;
	}

	get displayName(): string {
		const name = this.name;
		if (name.kind === 'string') return name.value;
		const nameNode = this.header.name;
		return this.symbolicName ?? (nameNode ? this.template.text.slice(nameNode.offset + 1, nameNode.offset + nameNode.length - 1) : this.type);
	}

	get condition(): Value | undefined {
		if (!this.conditionRead) {
			this.conditionRead = true;
			if (this.hasCondition) this.conditionValue = this.readCondition();
		}
		return this.conditionValue;
	}

	set condition(value: Value | undefined) {
		this.conditionRead = true;
		this.conditionValue = value;
	}

	private readCondition(): Value | undefined {
		const { copy, condition } = this.header;
		// A copy loop whose count is known to be 0 deploys nothing.
		const countNode = copy?.type === 'object' ? prop(copy, 'count') : undefined;
		const count = countNode ? this.convert(countNode, 'copy', [propKey(copy, 'count')]) : undefined;
		if (count?.kind === 'number' && count.value <= 0) return { kind: 'boolean', value: false, origin: count.origin };
		return condition ? this.convert(condition, 'condition') : this.parent?.condition;
	}

	get scope(): Value | undefined {
		if (!this.scopeRead) {
			this.scopeRead = true;
			const scopeNode = this.header.scope;
			if (scopeNode) this.scopeValue = this.convert(scopeNode, 'scope');
		}
		return this.scopeValue;
	}
}

/** Both conditions: false when either is, true when both are, otherwise known only at deployment. */
function both(a: Value, b: Value): Value {
	if (a.kind === 'boolean' && !a.value) return a;
	if (b.kind === 'boolean' && !b.value) return b;
	if (a.kind === 'boolean') return b;
	if (b.kind === 'boolean') return a;
	return { kind: 'unknown', reason: a.kind === 'unknown' ? a.reason : 'condition is not a boolean' };
}

/**
 * A resource declaration without its nested child `resources`: they are resources of their own, and a chain
 * of n nested children would otherwise be converted into n ancestor bodies (quadratic time and memory). A
 * nested deployment's inline template loses its `resources` for the same reason (they are collected, and a
 * rule reading the deployment would otherwise convert the whole nested template).
 */
function bodyNode(node: JsonNode, isDeployment: boolean, hasChildren: boolean): JsonNode {
	// Without members to drop, the node itself: its members are then read straight from the text.
	let body = hasChildren ? withoutMember(node, 'resources', 'array') : node;
	if (isDeployment) {
		const props = prop(body, 'properties');
		const inner = prop(props, 'template');
		if (props && inner?.type === 'object') {
			const lean = withoutMember(inner, 'resources');
			if (lean !== inner) body = replaceMember(body, props, replaceMember(props, inner, lean));
		}
	}
	return body;
}

/** The object node without its member `key` (case-insensitive; only when its value has `type`, if given). */
function withoutMember(node: JsonNode, key: string, type?: JsonNode['type']): JsonNode {
	const members = node.children ?? [];
	const kept = members.filter((p) => {
		const k = p.children?.[0];
		return !(k && typeof k.value === 'string' && k.value.toLowerCase() === key && (type === undefined || p.children?.[1]?.type === type));
	});
	return kept.length === members.length ? node : { type: node.type, offset: node.offset, length: node.length, children: kept };
}

/** The object node with the member whose value is `from` given the value `to` instead. */
function replaceMember(node: JsonNode, from: JsonNode, to: JsonNode): JsonNode {
	const children = (node.children ?? []).map((p) => {
		const [k, v] = p.children ?? [];
		return v === from && k ? { type: p.type, offset: p.offset, length: p.length, colonOffset: p.colonOffset, children: [k, to] } : p;
	});
	return { type: node.type, offset: node.offset, length: node.length, children };
}
