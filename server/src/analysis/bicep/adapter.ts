// Bicep template -> the shared template model (types.ts).
//
// Loading is one shallow pass over the top-level statements: symbols, resource types and api versions,
// sites, parameter and output declarations, local modules. Everything that needs evaluation (resource
// bodies, names, conditions, scopes, parameter values, outputs) is a lazy property: it is computed when a
// rule first reads it, from subtrees copied out of the tree at that moment (syntax.ts). A linter reads the
// bodies of a few resource types, so most of a template is never evaluated. The trees stay alive while
// anything lazy can still need them; they are deleted when the last such object is garbage collected.
//
// Broken text gives partial results plus at most one problem, never an exception.

import { baseName, resolveUri, siblingUri, type Host } from '../host';
import type { ExternalDeployment, Location, ObjectEntry, Output, Parameter, Problem, Resource, Span, Template, Value, ValueSource } from '../types';
import { declInfo } from './decl-info';
import { BicepEvaluator, DEFAULT_STEP_BUDGET, namedChildren, type Budget, type Env, type ResourceSymbol } from './evaluate';
import { loadBicepParams, loadJsonParams } from './params';
import { firstSyntaxError, parseBicep, syntaxCacheOf, parseStatements, topLevelStatements, type Tree } from './parser';
import { lazy, lazyModel, model } from '../lazy-model';
import { SyntaxCache, toSyntax, type SyntaxNode, type TreeNode as Node } from './syntax';

export interface LoadBicepOptions {
	/** A tree of `text` from parseBicep / BicepDocumentCache. The caller keeps ownership (a copy is used). */
	tree?: Tree;
	/** Explicit parameter file (.bicepparam or .parameters.json); otherwise siblings are looked up. */
	parameterFileUri?: string;
}

const MAX_MODULE_DEPTH = 8;
/** Module instantiations per load: fan-out (10 modules of 10 modules of ...) stays bounded. */
const MAX_INSTANCES = 64;
/** Evaluation steps for a whole load (the template and all its modules); each document has its own cap too. */
const SESSION_STEPS = 1_000_000;

/** Longer texts skip the whole-file parse (when no tree is given) and are read statement by statement. */
export const WHOLE_PARSE_MAX_CHARS = 100_000;

const REGISTRY_MODULE = /^(br|ts)[:/]/i;

/** Deletes a load's trees once nothing lazy refers to them any more. */
const treeRegistry = new FinalizationRegistry<Tree[]>((trees) => {
	for (const t of trees) {
		try {
			t.delete();
		} catch {
			// Already gone.
		}
	}
});

function spanOf(node: { startIndex: number; endIndex: number }): Span {
	return { start: node.startIndex, end: node.endIndex };
}

const LazyResource = lazyModel(['name', 'displayName', 'body', 'condition', 'scope', 'parentSymbol']);
const LazyParameter = lazyModel(['defaultValue', 'value', 'allowedValues']);
const LazyOutput = lazyModel(['value']);
const LazyExternal = lazyModel(['parameters', 'condition']);

function memo<T>(f: () => T): () => T {
	let done = false;
	let value: T;
	return () => {
		if (!done) {
			value = f();
			done = true;
		}
		return value;
	};
}

/** A module file read once: its statements copied out of the tree (plain JS, no tree to keep alive). */
interface ParsedModule {
	text: string;
	statements: SyntaxNode[];
}

/**
 * Modules parsed by earlier loads, by uri, most recently used last. Module files change far less often than
 * the template being edited, and every analysis of a caller would otherwise parse them again.
 */
const moduleCache = new Map<string, ParsedModule>();
const MODULE_CACHE_CHARS = 4_000_000;
let moduleCacheChars = 0;

function parsedModule(uri: string, text: string): ParsedModule | undefined {
	const hit = moduleCache.get(uri);
	if (hit && hit.text === text) {
		moduleCache.delete(uri);
		moduleCache.set(uri, hit);
		return hit;
	}
	const tree = parseBicep(text);
	if (!tree) return undefined;
	let entry: ParsedModule;
	try {
		const top = topLevelStatements(text, tree);
		entry = { text, statements: top.nodes.map((n) => toSyntax(n)) };
		for (const t of top.trees) t.delete();
	} finally {
		tree.delete();
	}
	if (hit) {
		moduleCache.delete(uri);
		moduleCacheChars -= hit.text.length;
	}
	moduleCache.set(uri, entry);
	moduleCacheChars += text.length;
	for (const [k, v] of moduleCache) {
		if (moduleCacheChars <= MODULE_CACHE_CHARS || k === uri) break;
		moduleCache.delete(k);
		moduleCacheChars -= v.text.length;
	}
	return entry;
}

/** State shared by the template and its modules during one load. */
class Session {
	readonly texts = new Map<string, string>();
	/** Trees the load made; owned by `owner` (see treeRegistry). */
	readonly owned: Tree[] = [];
	/** What lazy properties hold on to. */
	readonly owner = { trees: this.owned };
	readonly budget: Budget = { steps: SESSION_STEPS };
	instances = 0;
	/** The analysed document, and where copies of its subtrees from earlier analyses are kept (if anywhere). */
	mainUri?: string;
	syntaxCache?: SyntaxCache;

	constructor(readonly host: Host) {}

	adopt(trees: Tree[]): void {
		this.owned.push(...trees);
	}
}

interface Instance {
	resources: Resource[];
	parameters: Map<string, Parameter>;
	outputs: Output[];
	problems: Problem[];
	/** Modules of this instance (and of its local modules) whose template is not analysed. */
	external: ExternalDeployment[];
}

/** How the resources of a module instance are deployed by the caller. */
interface Placement {
	via: Location[];
	inLoop: boolean;
	condition?: () => Value;
}

/** The parts of a declaration read from the tree: name, type, the value after `=`. */
interface DeclParts {
	name?: Node;
	typeString?: Node;
	value?: Node;
	/** Start of the `=` token. */
	equals?: number;
	existing: boolean;
}

function declParts(node: Node): DeclParts {
	const out: DeclParts = { existing: false };
	let afterEquals = false;
	for (const c of node.children) {
		if (!c) continue;
		const type = c.type;
		if (!c.isNamed) {
			if (type === '=' && !afterEquals) {
				afterEquals = true;
				out.equals = c.startIndex;
			} else if (type === 'existing') out.existing = true;
			continue;
		}
		if (type === 'comment' || type === 'diagnostic_comment') continue;
		if (afterEquals) {
			if (!out.value) out.value = c;
		} else if (!out.name && type === 'identifier') out.name = c;
		else if (type === 'string' && !out.typeString) out.typeString = c;
	}
	return out;
}

/**
 * The declared type as the user wrote it (the tree's type node may be a mask: `resourceInput<...>` parses
 * as `object`), e.g. `string`, `'a' | 'b'`, `myType?`; undefined when the declaration has no type.
 */
function typeText(node: Node, p: DeclParts, text: string): string | undefined {
	if (!p.name) return undefined;
	let end = p.equals ?? node.endIndex;
	// A masked nullable marker (`myType?`) is outside the declaration node.
	if (p.equals === undefined && text.charCodeAt(end) === 0x3f) end++;
	const t = text.slice(p.name.endIndex, end).trim();
	return t || undefined;
}

const SECURE_DECORATOR = /@\s*(?:sys\s*\.\s*)?secure\s*\(/;
const ALLOWED_DECORATOR = /@\s*(?:sys\s*\.\s*)?allowed\s*\(/;

/** The value node of `key: value` in an object (last one wins, like evaluation). */
export function propertyNode(obj: SyntaxNode, key: string, text: string): SyntaxNode | undefined {
	let found: SyntaxNode | undefined;
	const lower = key.toLowerCase();
	for (const prop of obj.namedChildren) {
		if (prop.type !== 'object_property') continue;
		const k = prop.namedChildren[0];
		if (!k) continue;
		let name: string | undefined;
		if (k.type === 'identifier') name = text.slice(k.startIndex, k.endIndex);
		else if (k.type === 'string' && k.namedChildCount <= 1) name = text.slice(k.startIndex + 1, k.endIndex - 1);
		if (name?.toLowerCase() !== lower) continue;
		const parts = prop.namedChildren;
		if (parts.length >= 2) found = parts[parts.length - 1];
	}
	return found;
}

/** `body`, `if (c) body`, `[for ...: body]`, `[for ...: if (c) body]` taken apart. */
interface DeclShape {
	body?: SyntaxNode;
	condition?: SyntaxNode;
	env?: Env;
}

function shapeOf(ev: BicepEvaluator, value: SyntaxNode | undefined, env: Env | undefined): DeclShape {
	let node = value;
	if (node?.type === 'for_statement') {
		const loop = ev.loopParts(node);
		if (loop) env = ev.loopEnv(loop, env);
		node = node.childForFieldName('body') ?? undefined;
	}
	let condition: SyntaxNode | undefined;
	if (node?.type === 'if_statement') {
		const parts = node.namedChildren;
		condition = parts[0];
		node = parts.find((c) => c.type === 'object');
	}
	return { body: node?.type === 'object' ? node : undefined, condition, env };
}

/** The wasm body object of a declaration value (for finding nested resources without copying). */
function bodyNodeOf(value: Node | undefined): Node | undefined {
	let node = value;
	if (node?.type === 'for_statement') node = node.childForFieldName('body') ?? undefined;
	if (node?.type === 'if_statement') node = node.namedChildren.find((c) => c?.type === 'object') ?? undefined;
	return node?.type === 'object' ? node : undefined;
}

/** A resource declaration: the symbol the evaluator sees plus what the model needs. */
class ResourceDecl implements ResourceSymbol {
	type = '';
	apiVersion?: string;
	inLoop = false;
	existing = false;
	readonly children = new Map<string, ResourceSymbol>();
	/** The nested declaration's enclosing resource. */
	lexicalParent?: ResourceDecl;
	private nameState: 0 | 1 | 2 = 0;
	private nameValue?: Value;
	private scopeState: 0 | 1 | 2 = 0;
	private scopeValue?: Value;
	/** Resolves `parent: x` (set by the adapter). */
	resolveParent: () => ResourceDecl | undefined = () => undefined;

	constructor(
		readonly symbol: string,
		readonly node: Node,
		readonly value: Node | undefined,
		private readonly ev: BicepEvaluator,
		private readonly outerEnv: () => Env | undefined,
	) {}

	/** The declaration's value copied out of the tree, taken apart (on first use). */
	readonly shape = memo((): DeclShape => shapeOf(this.ev, this.value ? toSyntax(this.value, this.ev.syntaxReuse) : undefined, this.outerEnv()));

	get parent(): ResourceDecl | undefined {
		return this.lexicalParent ?? this.resolveParent();
	}

	property(key: string): SyntaxNode | undefined {
		const body = this.shape().body;
		return body ? propertyNode(body, key, this.ev.text) : undefined;
	}

	name(): Value {
		if (this.nameState === 2) return this.nameValue!;
		if (this.nameState === 1) return { kind: 'unknown', reason: `name of '${this.symbol}' refers to itself` };
		this.nameState = 1;
		const nameNode = this.property('name');
		let own: Value = nameNode ? this.ev.evaluate(nameNode, { source: 'literal', env: this.shape().env }) : { kind: 'unknown', reason: `'${this.symbol}' has no name` };
		const parent = this.parent;
		if (parent) {
			const parentName = parent.name();
			if (own.kind === 'string' && parentName.kind === 'string') {
				own = {
					kind: 'string',
					value: `${parentName.value}/${own.value}`,
					origin: { uri: this.ev.uri, span: spanOf(nameNode!), source: 'computed', format: 'bicep', replaceable: false },
				};
			} else if (own.kind !== 'unknown') {
				own = { kind: 'unknown', reason: parentName.kind === 'unknown' ? parentName.reason : 'name is not a string', origin: own.origin };
			}
		}
		this.nameValue = own;
		this.nameState = 2;
		return own;
	}

	scopeId(): Value | undefined {
		if (this.scopeState === 2) return this.scopeValue;
		if (this.scopeState === 1) return { kind: 'unknown', reason: 'scope refers to itself' };
		this.scopeState = 1;
		const scopeNode = this.property('scope');
		// `scope: resourceGroup()` / `subscription()` without arguments is the deployment scope itself.
		if (scopeNode && !(scopeNode.type === 'call_expression' && /^(az\.)?(resourceGroup|subscription)\(\s*\)$/.test(this.ev.text.slice(scopeNode.startIndex, scopeNode.endIndex)))) {
			this.scopeValue = this.ev.evaluate(scopeNode, { source: 'literal', env: this.shape().env });
		}
		this.scopeState = 2;
		return this.scopeValue;
	}

	/** The `if` condition of this declaration or the nearest conditional parent. */
	condition(): Value | undefined {
		for (let d: ResourceDecl | undefined = this, i = 0; d && i < 32; d = d.parent, i++) {
			const shape = d.shape();
			if (shape.condition) return d.ev.evaluate(shape.condition, { source: 'literal', env: shape.env });
		}
		return undefined;
	}
}

function problemAt(uri: string, text: string, tree: Tree): Problem | undefined {
	const err = firstSyntaxError(tree);
	if (!err) return undefined;
	let message: string;
	if (err.isMissing) message = `Syntax error: missing ${err.type}`;
	else {
		const snippet = text.slice(err.startIndex, Math.min(err.endIndex, err.startIndex + 40)).split('\n')[0].trim();
		message = snippet ? `Syntax error: unexpected '${snippet}'` : 'Syntax error';
	}
	const start = err.startIndex;
	const end = Math.max(err.endIndex, Math.min(text.length, start + 1));
	// A whole-file ERROR would underline everything: keep to its first line.
	const nl = text.indexOf('\n', start);
	return { message, location: { uri, span: { start, end: nl > start && nl < end ? nl : end } }, severity: 'error' };
}

/**
 * Load a Bicep template into the shared model. `host` reads parameter files and local modules. Never throws:
 * a broken file gives what could be read plus one problem.
 */
export function loadBicepTemplate(uri: string, text: string, host: Host, opts: LoadBicepOptions = {}): Template {
	const session = new Session(host);
	session.texts.set(uri, text);
	session.mainUri = uri;
	session.syntaxCache = opts.tree ? syntaxCacheOf(opts.tree) : undefined;
	const template: Template = {
		uri,
		kind: 'bicep',
		format: 'bicep',
		text,
		resources: [],
		parameters: new Map(),
		outputs: [],
		problems: [],
		parameterFiles: [],
		texts: session.texts,
	};
	try {
		// The model may be read after the caller has moved on to a newer tree: it owns a copy (cheap, shared).
		// Large texts are read statement by statement: linear, where one whole-file parse is superlinear.
		const tree = opts.tree ? opts.tree.copy() : text.length > WHOLE_PARSE_MAX_CHARS ? undefined : parseBicep(text);
		let statements: Node[];
		let problem: Problem | undefined;
		if (tree) {
			session.owned.push(tree);
			const top = topLevelStatements(text, tree);
			session.adopt(top.trees);
			// An open document's statements are copied whole once and then reused edit after edit (unchanged ones
			// from the cache); a one-off analysis copies only the parts something reads.
			const reuse = session.syntaxCache ? { cache: session.syntaxCache, text } : undefined;
			statements = reuse ? top.nodes.map((n) => toSyntax(n, reuse)) : top.nodes;
			problem = problemAt(uri, text, tree);
		} else {
			// A large text, or the whole-file parse was cut off (hostile text): read statement by statement.
			const pieces = parseStatements(text);
			session.adopt(pieces.trees);
			statements = pieces.nodes;
			if (pieces.broken) problem = { message: 'Syntax error: this text could not be parsed', location: { uri, span: pieces.broken }, severity: 'error' };
		}
		const overrides = readParameterFile(uri, session, opts.parameterFileUri, template);
		const inst = instantiate(uri, text, statements, problem, overrides, session, [uri], 0, { via: [], inLoop: false });
		template.resources = inst.resources;
		if (inst.external.length > 0) template.externalDeployments = inst.external;
		template.parameters = inst.parameters;
		template.outputs = inst.outputs;
		template.problems.push(...inst.problems.slice(0, 1));
	} catch (e) {
		// Defensive: a bug here must not take the language server down.
		template.problems.push({
			message: `Internal error while reading the Bicep template: ${e instanceof Error ? e.message : String(e)}`,
			location: { uri, span: { start: 0, end: Math.min(1, text.length) } },
			severity: 'warning',
		});
	}
	treeRegistry.register(session.owner, session.owned);
	return template;
}

/** Parameter values from the explicit file, else `<name>.bicepparam` (using this template), else `<name>.parameters.json`. */
function readParameterFile(uri: string, session: Session, explicit: string | undefined, template: Template): Map<string, () => Value> | undefined {
	const host = session.host;
	const candidates: { uri: string; explicit: boolean }[] = [];
	if (explicit) candidates.push({ uri: explicit, explicit: true });
	else {
		const name = baseName(uri).replace(/\.bicep$/i, '');
		for (const sibling of [`${name}.bicepparam`, `${name}.parameters.json`]) {
			const u = siblingUri(uri, sibling);
			if (u) candidates.push({ uri: u, explicit: false });
		}
		// The azure-quickstart-templates layout: main.bicep beside azuredeploy.json / azuredeploy.parameters.json.
		if (name.toLowerCase() === 'main') {
			const u = siblingUri(uri, 'azuredeploy.parameters.json');
			if (u) candidates.push({ uri: u, explicit: false });
		}
	}
	for (const c of candidates) {
		const text = host.readText(c.uri);
		if (text === undefined) continue;
		let values: Map<string, Value>;
		if (/\.bicepparam$/i.test(c.uri)) {
			const params = loadBicepParams(c.uri, text, host);
			if (!c.explicit && params.using !== uri) continue;
			values = params.values;
		} else {
			const params = loadJsonParams(c.uri, text);
			if (!params) continue;
			values = params.values;
		}
		session.texts.set(c.uri, text);
		template.parameterFiles.push(c.uri);
		const out = new Map<string, () => Value>();
		for (const [k, v] of values) out.set(k, () => v);
		return out;
	}
	return undefined;
}

/**
 * One document with the given parameter values (parameter file or module arguments, by lower-cased name).
 * Resources of local modules are included, with the module declaration appended to `via`.
 */
function instantiate(
	uri: string,
	text: string,
	statements: Node[],
	problem: Problem | undefined,
	overrides: Map<string, () => Value> | undefined,
	session: Session,
	chain: string[],
	depth: number,
	placement: Placement,
): Instance {
	session.instances++;
	const owner = session.owner;
	const budget: Budget = { steps: DEFAULT_STEP_BUDGET, parent: session.budget };
	const ev = new BicepEvaluator(uri, text, budget);
	if (session.syntaxCache && uri === session.mainUri) ev.syntaxReuse = { cache: session.syntaxCache, text };
	const inst: Instance = { resources: [], parameters: new Map(), outputs: [], problems: [], external: [] };
	if (problem) inst.problems.push(problem);

	const params: { node: Node; parts: DeclParts; decorators?: Node }[] = [];
	const outputs: { node: Node; parts: DeclParts; decorators?: Node }[] = [];
	const declared: { decl: ResourceDecl; typeString?: Node }[] = [];
	const modules: { node: Node; parts: DeclParts }[] = [];
	const copyOf = (node: Node): (() => SyntaxNode) => memo(() => toSyntax(node, ev.syntaxReuse));

	// -- one pass over the statements (ERROR nodes are searched too: a broken line must not hide a hub)
	const collect = (statements: Node[], level: number): void => {
		let decorators: Node | undefined;
		for (const node of statements) {
			const type = node.type;
			if (type === 'comment' || type === 'diagnostic_comment') continue;
			if (type === 'decorators') {
				decorators = node;
				continue;
			}
			const decs = decorators;
			decorators = undefined;
			switch (type) {
				case 'parameter_declaration': {
					const parts = declParts(node);
					params.push({ node, parts, decorators: decs });
					if (parts.name) {
						const name = text.slice(parts.name.startIndex, parts.name.endIndex);
						ev.symbols.set(name, { kind: 'value', get: () => paramValue(name) });
					}
					break;
				}
				case 'variable_declaration': {
					const parts = declParts(node);
					if (parts.name && parts.value) {
						const name = text.slice(parts.name.startIndex, parts.name.endIndex);
						ev.symbols.set(name, { kind: 'var', expr: copyOf(parts.value), source: 'variable', name, state: 0 });
					}
					break;
				}
				case 'resource_declaration': {
					const decl = declareResource(node, undefined);
					if (decl) ev.symbols.set(decl.symbol, { kind: 'resource', resource: decl });
					break;
				}
				case 'module_declaration': {
					const parts = declParts(node);
					modules.push({ node, parts });
					if (parts.name) {
						const name = text.slice(parts.name.startIndex, parts.name.endIndex);
						ev.symbols.set(name, { kind: 'module', name });
					}
					break;
				}
				case 'output_declaration':
					outputs.push({ node, parts: declParts(node), decorators: decs });
					break;
				case 'user_defined_function': {
					const n = node.childForFieldName('name');
					if (n) ev.symbols.set(text.slice(n.startIndex, n.endIndex), { kind: 'func', decl: copyOf(node) });
					break;
				}
				case 'import_functionality':
				case 'import_statement':
				case 'import_with_statement':
					declareImports(node);
					break;
				case 'target_scope_assignment': {
					const s = node.namedChild(0);
					if (s) ev.targetScope = text.slice(s.startIndex + 1, s.endIndex - 1);
					break;
				}
				case 'ERROR':
					if (level < 4) collect(namedChildren(node), level + 1);
					break;
			}
		}
	};

	const declareImports = (node: Node): void => {
		let previous: string | undefined;
		let afterAs = false;
		for (const c of node.children) {
			if (!c) continue;
			if (c.type === 'as') {
				afterAs = true;
				continue;
			}
			if (c.type !== 'identifier') continue;
			const name = text.slice(c.startIndex, c.endIndex);
			if (afterAs && previous) ev.symbols.delete(previous);
			afterAs = false;
			previous = name;
			ev.symbols.set(name, { kind: 'namespace', reason: `'${name}' is imported from another file` });
		}
	};

	/** Register a resource declaration and the resources nested in its body. */
	const declareResource = (node: Node, lexicalParent: ResourceDecl | undefined): ResourceDecl | undefined => {
		const p = declParts(node);
		if (!p.name) return undefined;
		const outerEnv = lexicalParent ? () => lexicalParent.shape().env : () => undefined;
		const decl = new ResourceDecl(text.slice(p.name.startIndex, p.name.endIndex), node, p.value, ev, outerEnv);
		decl.existing = p.existing;
		decl.inLoop = (lexicalParent?.inLoop ?? false) || p.value?.type === 'for_statement';
		if (p.typeString && p.typeString.namedChildCount <= 1) {
			const raw = text.slice(p.typeString.startIndex + 1, p.typeString.endIndex - 1);
			const at = raw.indexOf('@');
			let type = at >= 0 ? raw.slice(0, at) : raw;
			decl.apiVersion = at >= 0 ? raw.slice(at + 1) : undefined;
			if (lexicalParent) {
				// A nested resource's type is relative to its parent's unless fully qualified.
				const qualified = type.includes('/') && type.split('/')[0].includes('.');
				if (!qualified && lexicalParent.type) type = `${lexicalParent.type}/${type}`;
				if (decl.apiVersion === undefined) decl.apiVersion = lexicalParent.apiVersion;
			}
			decl.type = type;
		}
		if (lexicalParent) {
			decl.lexicalParent = lexicalParent;
			lexicalParent.children.set(decl.symbol, decl);
		}
		declared.push({ decl, typeString: p.typeString });
		// Nested resources: only look when the body text has the keyword at all.
		const body = bodyNodeOf(p.value);
		if (body && /\bresource\s/.test(text.slice(body.startIndex, body.endIndex))) {
			for (const prop of body.namedChildren) {
				if (prop?.type !== 'object_property') continue;
				const first = prop.namedChild(0);
				if (first?.type === 'resource_declaration') declareResource(first, decl);
			}
		}
		return decl;
	};

	// -- parameters: the value in effect is the override (parameter file / module argument), else the default
	const paramDecls = new Map<string, { valueNode?: () => SyntaxNode; nullable: boolean; nameSpan: Span }>();
	const paramValues = new Map<string, Value>();
	const defaults = new Map<string, Value>();
	const defaultOf = (name: string): Value => {
		const memoised = defaults.get(name);
		if (memoised) return memoised;
		const decl = paramDecls.get(name)!;
		// Placeholder while evaluating: a default that refers to itself is unknown, not a stack overflow.
		defaults.set(name, { kind: 'unknown', reason: `parameter '${name}' refers to itself` });
		const v = ev.evaluate(decl.valueNode!(), { source: 'parameterDefault', name });
		defaults.set(name, v);
		return v;
	};
	const paramValue = (name: string): Value => {
		const memoised = paramValues.get(name);
		if (memoised) return memoised;
		const decl = paramDecls.get(name);
		let v: Value;
		const o = overrides?.get(name.toLowerCase());
		const origin = (): { uri: string; span: Span; source: ValueSource; format: 'bicep'; name: string; replaceable: boolean } | undefined =>
			decl ? { uri, span: decl.nameSpan, source: 'parameterDefault', format: 'bicep', name, replaceable: false } : undefined;
		if (o) v = o();
		else if (decl?.valueNode) v = defaultOf(name);
		// An omitted nullable parameter is null: the service default applies.
		else if (decl?.nullable) v = { kind: 'null', origin: origin() };
		else v = { kind: 'unknown', reason: `parameter '${name}' has no value`, origin: origin() };
		paramValues.set(name, v);
		return v;
	};

	collect(statements, 0);

	for (const { node, parts: p, decorators } of params) {
		if (!p.name) continue;
		const name = text.slice(p.name.startIndex, p.name.endIndex);
		const type = typeText(node, p, text);
		const nullable = type?.endsWith('?') ?? false;
		paramDecls.set(name, { valueNode: p.value ? copyOf(p.value) : undefined, nullable, nameSpan: spanOf(p.name) });
		const decoratorText = decorators ? text.slice(decorators.startIndex, decorators.endIndex) : '';
		const parameter = model<Parameter>(LazyParameter, owner, { name, secure: SECURE_DECORATOR.test(decoratorText), nameSpan: spanOf(p.name), span: spanOf(node) });
		if (type) parameter.type = type;
		if (nullable) parameter.nullable = true;
		if (p.value) lazy(parameter, 'defaultValue', () => defaultOf(name));
		if (p.value || overrides?.has(name.toLowerCase())) lazy(parameter, 'value', () => paramValue(name));
		if (decorators && ALLOWED_DECORATOR.test(decoratorText)) {
			const decoratorsCopy = copyOf(decorators);
			lazy(parameter, 'allowedValues', () => allowedValues(decoratorsCopy()));
		}
		declInfo.set(parameter, { decoratorsStart: (decorators ?? node).startIndex, equals: p.equals, valueEnd: p.value?.endIndex });
		inst.parameters.set(name.toLowerCase(), parameter);
	}
	function allowedValues(decorators: SyntaxNode): Value[] | undefined {
		for (const d of decorators.namedChildren) {
			const call = d.namedChildren[0];
			const fn = call?.childForFieldName('function');
			if (!call || !fn || text.slice(fn.startIndex, fn.endIndex).replace(/^sys\./, '') !== 'allowed') continue;
			const arg = call.childForFieldName('arguments')?.namedChildren[0];
			const v = arg ? ev.evaluate(arg, { source: 'literal' }) : undefined;
			return v?.kind === 'array' ? v.items : undefined;
		}
		return undefined;
	}

	// -- `parent:` properties, resolved when a name or parent is first needed
	for (const { decl } of declared) {
		if (decl.lexicalParent) continue;
		const value = decl.value;
		if (!value || !/\bparent\s*:/.test(text.slice(value.startIndex, value.endIndex))) continue;
		decl.resolveParent = memo(() => {
			const node = decl.property('parent');
			return node ? resourceSymbolOf(node) : undefined;
		});
	}
	function resourceSymbolOf(node: SyntaxNode): ResourceDecl | undefined {
		if (node.type === 'identifier') {
			const s = ev.symbols.get(text.slice(node.startIndex, node.endIndex));
			return s?.kind === 'resource' ? (s.resource as ResourceDecl) : undefined;
		}
		if (node.type === 'resource_expression') {
			const obj = node.childForFieldName('object');
			const child = node.childForFieldName('resource');
			const parent = obj ? resourceSymbolOf(obj) : undefined;
			return parent && child ? (parent.children.get(text.slice(child.startIndex, child.endIndex)) as ResourceDecl | undefined) : undefined;
		}
		return undefined;
	}

	// -- resources: types and sites now, everything evaluated on first read
	for (const { decl, typeString } of declared) {
		const site: Location = { uri, span: spanOf(decl.node) };
		const typeSite: Location = typeString ? { uri, span: spanOf(typeString) } : site;
		let apiVersionSite: Location | undefined;
		if (typeString && decl.apiVersion !== undefined) {
			const at = text.indexOf('@', typeString.startIndex);
			if (at >= 0 && at < typeString.endIndex) apiVersionSite = { uri, span: { start: at + 1, end: typeString.endIndex - 1 } };
		}
		const resource = model<Resource>(LazyResource, owner, { type: decl.type, symbolicName: decl.symbol, typeSite, site, format: 'bicep' });
		if (decl.apiVersion !== undefined) resource.apiVersion = decl.apiVersion;
		if (apiVersionSite) resource.apiVersionSite = apiVersionSite;
		lazy(resource, 'name', () => decl.name());
		lazy(resource, 'displayName', () => {
			const n = resource.name;
			return n.kind === 'string' ? n.value : decl.symbol;
		});
		lazy(resource, 'body', () => {
			const body = decl.shape().body;
			if (!body) return { kind: 'unknown', reason: 'resource body is not an object', origin: { uri, span: site.span, source: 'computed', format: 'bicep', replaceable: false } };
			const v = ev.evaluate(body, { source: 'literal', env: decl.shape().env });
			return v.kind === 'object' ? withTypeEntries(v, decl, typeSite, apiVersionSite) : v;
		});
		const valueText = decl.value ? text.slice(decl.value.startIndex, decl.value.endIndex) : '';
		const conditional = /^\[?\s*(?:for\b[^:]*:\s*)?if\s*\(/.test(valueText) || hasConditionalParent(decl);
		const looped = !decl.lexicalParent && decl.value?.type === 'for_statement';
		if (conditional || placement.condition || looped) {
			const outer = placement.condition;
			lazy(resource, 'condition', () => {
				// A loop over a collection known to be empty deploys nothing.
				if (looped && decl.value && emptyLoop(decl.value)) return { kind: 'boolean', value: false };
				const own = conditional ? decl.condition() : undefined;
				const o = outer?.();
				return own && o ? andCondition(o, own) : (own ?? o);
			});
		}
		if (decl.inLoop || placement.inLoop) resource.inLoop = true;
		if (decl.existing) resource.existing = true;
		if (/\bscope\s*:/.test(valueText)) {
			lazy(resource, 'scope', () => {
				const body = resource.body;
				return body.kind === 'object' ? body.entries.get('scope')?.value : undefined;
			});
		}
		if (decl.lexicalParent) resource.parentSymbol = decl.lexicalParent.symbol;
		else if (/\bparent\s*:/.test(valueText)) lazy(resource, 'parentSymbol', () => decl.parent?.symbol);
		if (placement.via.length) resource.via = placement.via;
		inst.resources.push(resource);
	}
	/** A top-level `[for ... in <collection>: ...]` whose collection evaluates to an empty array. */
	function emptyLoop(value: Node): boolean {
		const loop = ev.loopParts(toSyntax(value, ev.syntaxReuse));
		if (!loop) return false;
		const source = ev.evaluate(loop.source, { source: 'literal' });
		return source.kind === 'array' && source.items.length === 0;
	}
	function hasConditionalParent(decl: ResourceDecl): boolean {
		for (let d = decl.lexicalParent; d; d = d.lexicalParent) {
			if (d.value?.type === 'if_statement' || (d.value?.type === 'for_statement' && d.value.childForFieldName('body')?.type === 'if_statement')) return true;
		}
		return false;
	}

	// -- local modules: their resources, evaluated with this document's arguments
	for (const { node, parts } of modules) addModule(node, parts);
	function addModule(node: Node, p: DeclParts): void {
		const pathNode = p.typeString;
		if (!pathNode || pathNode.namedChildCount > 1) return;
		const path = text.slice(pathNode.startIndex + 1, pathNode.endIndex - 1);

		const shape = memo(() => shapeOf(ev, p.value ? toSyntax(p.value, ev.syntaxReuse) : undefined, undefined));
		const args = memo(() => {
			const s = shape();
			const paramsNode = s.body ? propertyNode(s.body, 'params', text) : undefined;
			return paramsNode ? moduleArguments(paramsNode, s.env) : new Map<string, () => Value>();
		});
		const inLoop = p.value?.type === 'for_statement';
		const valueText = p.value ? text.slice(p.value.startIndex, p.value.endIndex) : '';
		const ownCondition = /^\[?\s*(?:for\b[^:]*:\s*)?if\s*\(/.test(valueText)
			? memo((): Value | undefined => {
					const s = shape();
					return s.condition ? ev.evaluate(s.condition, { source: 'literal', env: s.env }) : undefined;
				})
			: undefined;
		const outer = placement.condition;
		const condition = ownCondition || outer || inLoop
			? memo((): Value => {
					// A loop over a collection known to be empty deploys nothing.
					if (inLoop && p.value && emptyLoop(p.value)) return { kind: 'boolean', value: false };
					const own = ownCondition?.();
					const o = outer?.();
					return (own && o ? andCondition(o, own) : (own ?? o)) as Value;
				})
			: undefined;
		const via: Location = { uri, span: spanOf(pathNode) };
		// A module that is not analysed is still recorded with its arguments (see Template.externalDeployments).
		const external = (): void => {
			const entry = model<ExternalDeployment>(LazyExternal, owner, { target: path, site: via });
			lazy(entry, 'parameters', (): Value => {
				const entries = new Map<string, ObjectEntry>();
				for (const [k, v] of args()) entries.set(k, { key: k, value: v() });
				return { kind: 'object', entries };
			});
			if (inLoop || placement.inLoop) entry.inLoop = true;
			if (condition) lazy(entry, 'condition', condition);
			if (placement.via.length) entry.via = placement.via;
			inst.external.push(entry);
		};
		// Registry and template-spec modules are not fetched.
		if (REGISTRY_MODULE.test(path)) return external();
		if (depth + 1 > MAX_MODULE_DEPTH || session.instances >= MAX_INSTANCES) return external();
		const calleeUri = resolveUri(uri, path);
		if (!calleeUri) return external();
		if (chain.includes(calleeUri)) return;
		const calleeText = session.texts.get(calleeUri) ?? session.host.readText(calleeUri);
		if (calleeText === undefined) return external();
		const callee = parsedModule(calleeUri, calleeText);
		if (!callee) return external();
		session.texts.set(calleeUri, calleeText);

		// Which parameters are passed decides default vs argument, so the keys are read now; values later.
		const overrides = new Map<string, () => Value>();
		for (const key of args().keys()) overrides.set(key, () => args().get(key)!());
		const calleeInstance = instantiate(calleeUri, calleeText, callee.statements, undefined, overrides, session, [...chain, calleeUri], depth + 1, {
			via: [via, ...placement.via],
			inLoop: inLoop || placement.inLoop,
			condition,
		});
		inst.resources.push(...calleeInstance.resources);
		inst.external.push(...calleeInstance.external);
	}
	function moduleArguments(paramsNode: SyntaxNode, env: Env | undefined): Map<string, () => Value> {
		const args = new Map<string, () => Value>();
		if (paramsNode.type === 'object') {
			// Each argument evaluated on its own, so its literals are named after the callee parameter.
			for (const prop of paramsNode.namedChildren) {
				if (prop.type !== 'object_property') continue;
				const parts = prop.namedChildren;
				if (parts.length < 2) continue;
				const valueNode = parts[parts.length - 1];
				if (text.startsWith('...', prop.startIndex)) {
					const spread = ev.evaluate(valueNode, { source: 'moduleArgument', env });
					if (spread.kind === 'object') for (const [k, e] of spread.entries) args.set(k, () => e.value);
					continue;
				}
				const k = parts[0];
				let key: string | undefined;
				if (k.type === 'identifier') key = text.slice(k.startIndex, k.endIndex);
				else if (k.type === 'string' && k.namedChildCount <= 1) key = text.slice(k.startIndex + 1, k.endIndex - 1);
				if (key === undefined) continue;
				const name = key;
				args.set(key.toLowerCase(), memo(() => ev.evaluate(valueNode, { source: 'moduleArgument', name, env })));
			}
			return args;
		}
		const v = ev.evaluate(paramsNode, { source: 'moduleArgument', env });
		if (v.kind === 'object') for (const [k, e] of v.entries) args.set(k, () => e.value);
		return args;
	}

	// -- outputs
	for (const { node, parts: p, decorators } of outputs) {
		if (!p.name) continue;
		const name = text.slice(p.name.startIndex, p.name.endIndex);
		const decoratorText = decorators ? text.slice(decorators.startIndex, decorators.endIndex) : '';
		const output = model<Output>(LazyOutput, owner, {
			name,
			secure: SECURE_DECORATOR.test(decoratorText),
			expressionText: p.value ? text.slice(p.value.startIndex, p.value.endIndex) : '',
			nameSpan: spanOf(p.name),
			span: spanOf(node),
		});
		const type = typeText(node, p, text);
		if (type) output.type = type;
		const valueNode = p.value ? copyOf(p.value) : undefined;
		lazy(output, 'value', () => (valueNode ? ev.evaluate(valueNode(), { source: 'literal' }) : { kind: 'unknown', reason: 'missing expression' }));
		declInfo.set(output, { decoratorsStart: (decorators ?? node).startIndex, equals: p.equals, valueEnd: p.value?.endIndex });
		inst.outputs.push(output);
	}

	return inst;

	function withTypeEntries(body: Extract<Value, { kind: 'object' }>, decl: ResourceDecl, typeSite: Location, apiVersionSite: Location | undefined): Value {
		// The model's body carries type and apiVersion like an ARM resource object does.
		if (body.entries.has('type') && body.entries.has('apiversion')) return body;
		const entries = new Map(body.entries);
		const computed = (s: Span) => ({ uri, span: s, source: 'computed' as const, format: 'bicep' as const, replaceable: false });
		if (!entries.has('type') && decl.type) entries.set('type', { key: 'type', value: { kind: 'string', value: decl.type, origin: computed(typeSite.span) }, site: typeSite });
		if (!entries.has('apiversion') && decl.apiVersion !== undefined) {
			const s = apiVersionSite ?? typeSite;
			entries.set('apiversion', { key: 'apiVersion', value: { kind: 'string', value: decl.apiVersion, origin: computed(s.span) }, site: s });
		}
		return { ...body, entries };
	}
}

function andCondition(a: Value, b: Value): Value {
	if (a.kind === 'boolean' && !a.value) return a;
	if (b.kind === 'boolean' && !b.value) return b;
	if (a.kind === 'boolean' && a.value) return b;
	if (b.kind === 'boolean' && b.value) return a;
	return { kind: 'unknown', reason: a.kind === 'unknown' ? a.reason : b.kind === 'unknown' ? b.reason : 'condition is not a boolean' };
}
