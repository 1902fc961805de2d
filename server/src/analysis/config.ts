// The workspace configuration file, `iothub-baseline.json` (JSON with comments): a team's rule levels,
// unknown-value reporting, parameter-file associations, ignored paths and suppressions for files that cannot
// hold comments. The extension and the CLI read the same file. Pure: the file is found and read through the
// Host, and a bad file gives what could be read plus problems, never a throw.

import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { Host } from './host';
import type { Location, Problem, Severity, Span } from './types';

export const CONFIG_FILE_NAME = 'iothub-baseline.json';

/** An entry of `suppressions`: findings of `rules` in files matching `file` (and on `resource`) are suppressed. */
export interface ConfigSuppression {
	/** Glob, relative to the configuration file's folder. */
	file: string;
	/** Resource name (`*` wildcards allowed, case-insensitive); absent: every resource in the file. */
	resource?: string;
	rules: string[];
	justification?: string;
	/** The entry in the configuration file (SARIF shows it as the suppression's location). */
	location: Location;
}

export interface BaselineConfig {
	/** Rule id → level. */
	rules: Record<string, Severity>;
	/** Undefined when the file does not say. */
	reportUnknown?: boolean;
	/** Template glob → parameter file path, both relative to the configuration file's folder. */
	parameterFiles: Record<string, string>;
	/** Globs of files not to analyse, relative to the configuration file's folder. */
	ignore: string[];
	suppressions: ConfigSuppression[];
}

/** A configuration file found for a document. */
export interface LoadedConfig {
	uri: string;
	/** The folder holding the file, with a trailing slash: paths and globs in it are relative to this. */
	base: string;
	config: BaselineConfig;
	/** Errors make the file unusable for the CLI (exit 2); warnings are worth a line. */
	problems: Problem[];
}

export function emptyConfig(): BaselineConfig {
	return { rules: {}, parameterFiles: {}, ignore: [], suppressions: [] };
}

const LEVELS: readonly Severity[] = ['off', 'info', 'warning', 'error'];
const TOP_LEVEL = ['$schema', 'rules', 'reportUnknown', 'parameterFiles', 'ignore', 'suppressions'];
const SUPPRESSION_KEYS = ['file', 'resource', 'rule', 'justification'];

function isObject(n: JsonNode | undefined): n is JsonNode {
	return n?.type === 'object';
}

function spanOf(n: JsonNode): Span {
	return { start: n.offset, end: n.offset + n.length };
}

function members(n: JsonNode): { key: string; keyNode: JsonNode; value: JsonNode | undefined }[] {
	const out: { key: string; keyNode: JsonNode; value: JsonNode | undefined }[] = [];
	for (const p of n.children ?? []) {
		const [k, v] = p.children ?? [];
		if (k && typeof k.value === 'string') out.push({ key: k.value, keyNode: k, value: v });
	}
	return out;
}

function list(words: readonly string[]): string {
	return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Levenshtein distance, for "did you mean" (ids are short). */
export function editDistance(a: string, b: string): number {
	const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let diag = prev[0];
		prev[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const up = prev[j];
			prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
			diag = up;
		}
	}
	return prev[b.length];
}

/** The known id closest to a misspelt one, when it is close enough to be a typo. */
export function closestId(id: string, known: Iterable<string>): string | undefined {
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const k of known) {
		const d = editDistance(id.toLowerCase(), k);
		if (d < bestDistance) {
			best = k;
			bestDistance = d;
		}
	}
	return best !== undefined && bestDistance <= Math.max(2, Math.floor(id.length / 4)) ? best : undefined;
}

/**
 * Parse and validate a configuration file. `catalog` lists the rule ids the tool knows (`catalogIds()`:
 * the rules' and the suppression findings'). Whatever is valid is kept; each mistake is a problem at its place.
 */
export function parseConfig(uri: string, text: string, catalog: readonly string[]): { config: BaselineConfig; problems: Problem[] } {
	const config = emptyConfig();
	const problems: Problem[] = [];
	const known = new Set(catalog);
	const at = (span: Span, message: string, severity: Problem['severity'] = 'error') => problems.push({ message, location: { uri, span }, severity });
	const unknownRule = (id: string, span: Span, where: string) => {
		const near = closestId(id, known);
		at(span, `unknown rule '${id}' in ${where}${near ? ` (did you mean '${near}'?)` : ''}`);
	};

	const errors: ParseError[] = [];
	let root: JsonNode | undefined;
	try {
		root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
	} catch {
		at({ start: 0, end: 0 }, 'invalid JSON: nested too deeply');
		return { config, problems };
	}
	if (errors.length > 0) {
		const e = errors[0];
		const start = Math.min(Math.max(e.offset, 0), text.length);
		at({ start, end: Math.min(start + Math.max(e.length, 0), text.length) }, `invalid JSON: ${printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`);
		return { config, problems };
	}
	// An empty file is an empty configuration.
	if (!root) return { config, problems };
	if (!isObject(root)) {
		at(spanOf(root), 'the configuration must be a JSON object');
		return { config, problems };
	}

	for (const { key, keyNode, value } of members(root)) {
		if (!value) continue;
		switch (key) {
			case '$schema':
				break;
			case 'rules':
				if (!isObject(value)) {
					at(spanOf(value), "'rules' must be an object of rule id to level");
					break;
				}
				for (const r of members(value)) {
					if (!known.has(r.key)) {
						unknownRule(r.key, spanOf(r.keyNode), "'rules'");
						continue;
					}
					if (!r.value || r.value.type !== 'string' || !LEVELS.includes(r.value.value as Severity)) {
						const shown = r.value ? text.slice(r.value.offset, r.value.offset + r.value.length) : 'nothing';
						at(r.value ? spanOf(r.value) : spanOf(r.keyNode), `unknown level ${shown} for rule '${r.key}' (expected ${list(LEVELS)})`);
						continue;
					}
					config.rules[r.key] = r.value.value as Severity;
				}
				break;
			case 'reportUnknown':
				if (value.type !== 'boolean') at(spanOf(value), "'reportUnknown' must be true or false");
				else config.reportUnknown = value.value as boolean;
				break;
			case 'parameterFiles':
				if (!isObject(value)) {
					at(spanOf(value), "'parameterFiles' must be an object of template path to parameter file path");
					break;
				}
				for (const p of members(value)) {
					if (p.value?.type !== 'string' || (p.value.value as string).trim() === '') at(p.value ? spanOf(p.value) : spanOf(p.keyNode), `'parameterFiles' entry '${p.key}' must name a parameter file`);
					else config.parameterFiles[p.key] = p.value.value as string;
				}
				break;
			case 'ignore':
				if (value.type !== 'array') {
					at(spanOf(value), "'ignore' must be an array of path globs");
					break;
				}
				for (const item of value.children ?? []) {
					if (item.type !== 'string' || (item.value as string).trim() === '') at(spanOf(item), "'ignore' entries must be non-empty path globs");
					else config.ignore.push(item.value as string);
				}
				break;
			case 'suppressions':
				if (value.type !== 'array') {
					at(spanOf(value), "'suppressions' must be an array of { file, resource, rule, justification }");
					break;
				}
				for (const item of value.children ?? []) {
					const entry = readSuppression(uri, item, known, at, unknownRule);
					if (entry) config.suppressions.push(entry);
				}
				break;
			default:
				at(spanOf(keyNode), `unknown setting '${key}' (expected ${list(TOP_LEVEL.slice(1))})`);
		}
	}
	return { config, problems };
}

function readSuppression(
	uri: string,
	item: JsonNode,
	known: Set<string>,
	at: (span: Span, message: string, severity?: Problem['severity']) => void,
	unknownRule: (id: string, span: Span, where: string) => void,
): ConfigSuppression | undefined {
	if (!isObject(item)) {
		at(spanOf(item), "'suppressions' entries must be objects with file, rule and justification");
		return undefined;
	}
	let file: string | undefined;
	let resource: string | undefined;
	let justification: string | undefined;
	let rules: string[] | undefined;
	let ok = true;
	for (const m of members(item)) {
		const v = m.value;
		if (!SUPPRESSION_KEYS.includes(m.key)) {
			at(spanOf(m.keyNode), `unknown property '${m.key}' in a suppression (expected ${list(SUPPRESSION_KEYS)})`);
			ok = false;
			continue;
		}
		if (!v) continue;
		if (m.key === 'rule') {
			const nodes = v.type === 'array' ? (v.children ?? []) : [v];
			if (nodes.length === 0 || nodes.some((n) => n.type !== 'string')) {
				at(spanOf(v), "a suppression's 'rule' must be a rule id or an array of rule ids");
				ok = false;
				continue;
			}
			rules = [];
			for (const n of nodes) {
				const id = n.value as string;
				if (!known.has(id)) {
					unknownRule(id, spanOf(n), 'a suppression');
					ok = false;
				} else rules.push(id);
			}
			continue;
		}
		if (v.type !== 'string') {
			at(spanOf(v), `a suppression's '${m.key}' must be a string`);
			ok = false;
			continue;
		}
		const s = v.value as string;
		if (m.key === 'file') file = s;
		else if (m.key === 'resource') resource = s;
		else justification = s;
	}
	const span = spanOf(item);
	if (file === undefined || file.trim() === '') {
		at(span, "a suppression needs 'file' (a path glob)");
		return undefined;
	}
	if (!rules) {
		if (ok) at(span, "a suppression needs 'rule' (a rule id or an array of them)");
		return undefined;
	}
	if (!ok) return undefined;
	// Like a directive without one: it still suppresses, but the reason should be written down.
	if (justification === undefined || justification.trim() === '') {
		at(span, `the suppression of ${rules.map((r) => `'${r}'`).join(', ')} in '${file}' has no justification`, 'warning');
		justification = undefined;
	}
	return { file, resource, rules, justification: justification?.trim(), location: { uri, span } };
}

// --- Finding the file ------------------------------------------------------------------------------

/** A comparable form of a folder URI: decoded, drive letter lower-cased, with a trailing slash. */
function folderKey(uri: string): string {
	let u = uri;
	try {
		u = decodeURIComponent(uri);
	} catch {
		// Keep it as written.
	}
	u = u.replace(/^file:\/\/\/([A-Za-z]):/, (_, d: string) => `file:///${d.toLowerCase()}:`);
	return u.endsWith('/') ? u : `${u}/`;
}

/** The folder of a hierarchical URI (`file:///a/b/c.json` → `file:///a/b/`), else undefined (`untitled:`). */
function folderOf(uri: string): string | undefined {
	try {
		const folder = new URL('.', uri);
		return folder.protocol === 'file:' || folder.host !== '' || folder.pathname.startsWith('/') ? folder.toString() : undefined;
	} catch {
		return undefined;
	}
}

function parentOf(folder: string): string | undefined {
	try {
		const up = new URL('..', folder).toString();
		return up === folder ? undefined : up;
	} catch {
		return undefined;
	}
}

export interface FindConfigOptions {
	/** Workspace folders: the walk stops at the one holding the document (and starts there for `untitled:`). */
	roots?: readonly string[];
	/** Every rule id the tool knows, for validation. */
	catalog: readonly string[];
}

/**
 * The configuration for a document: the nearest `iothub-baseline.json` from the document's folder upwards,
 * stopping after the workspace folder or a folder holding `.git` (the repository root). The nearest file
 * wins; files are not merged. Undefined when there is none.
 */
export function findConfig(documentUri: string, host: Host, opts: FindConfigOptions): LoadedConfig | undefined {
	const roots = new Set((opts.roots ?? []).map(folderKey));
	const first = opts.roots?.[0];
	let folder = folderOf(documentUri) ?? (first === undefined ? undefined : first.endsWith('/') ? first : `${first}/`);
	for (let depth = 0; folder && depth < 256; depth++) {
		const uri = `${folder}${CONFIG_FILE_NAME}`;
		const text = host.readText(uri);
		if (text !== undefined) return loadConfig(uri, text, opts.catalog);
		if (roots.has(folderKey(folder)) || host.exists?.(`${folder}.git`)) return undefined;
		folder = parentOf(folder);
	}
	return undefined;
}

const cache = new Map<string, LoadedConfig>();

/** Parse a configuration file's text (the last few are cached: every analysis asks for its file). */
export function loadConfig(uri: string, text: string, catalog: readonly string[]): LoadedConfig {
	const key = `${uri}\u0000${catalog.join(',')}\u0000${text}`;
	const hit = cache.get(key);
	if (hit) return hit;
	const { config, problems } = parseConfig(uri, text, catalog);
	const loaded: LoadedConfig = { uri, base: folderOf(uri) ?? uri, config, problems };
	if (cache.size >= 16) cache.delete(cache.keys().next().value as string);
	cache.set(key, loaded);
	return loaded;
}

// --- Paths and globs -------------------------------------------------------------------------------

/** A document's path relative to the configuration's folder (`/` separators), or undefined when outside it. */
export function relativePath(loaded: LoadedConfig, uri: string): string | undefined {
	const base = folderKey(loaded.base);
	const u = folderKey(uri).slice(0, -1);
	if (!u.toLowerCase().startsWith(base.toLowerCase())) return undefined;
	return u.slice(base.length);
}

const globCache = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
	let re = globCache.get(pattern);
	if (re) return re;
	let p = pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\//, '').replace(/\/+$/, '');
	// As in .gitignore: a pattern without a slash matches a name at any depth.
	if (!p.includes('/')) p = `**/${p}`;
	let out = '';
	for (let i = 0; i < p.length; i++) {
		const c = p[i];
		if (c === '*' && p[i + 1] === '*') {
			if (p[i + 2] === '/') {
				out += '(?:.*/)?';
				i += 2;
			} else {
				out += '.*';
				i += 1;
			}
		} else if (c === '*') out += '[^/]*';
		else if (c === '?') out += '[^/]';
		else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
	}
	re = new RegExp(`^${out}$`, 'i');
	globCache.set(pattern, re);
	return re;
}

/**
 * Does a relative path match a glob? `*` and `?` stay within a folder, `**` crosses folders, a pattern
 * without `/` matches a name at any depth, and a pattern matching a folder matches everything in it.
 */
export function matchGlob(pattern: string, relative: string): boolean {
	const re = globRegExp(pattern);
	const parts = relative.split('/');
	for (let n = parts.length; n >= 1; n--) {
		if (re.test(parts.slice(0, n).join('/'))) return true;
	}
	return false;
}

/** Is the document excluded by the configuration's `ignore` globs? */
export function isIgnored(loaded: LoadedConfig | undefined, uri: string): boolean {
	if (!loaded || loaded.config.ignore.length === 0) return false;
	const rel = relativePath(loaded, uri);
	return rel !== undefined && loaded.config.ignore.some((g) => matchGlob(g, rel));
}

/** The parameter file the configuration associates with a template, as a URI (first matching entry). */
export function configParameterFile(loaded: LoadedConfig | undefined, templateUri: string): string | undefined {
	if (!loaded) return undefined;
	const rel = relativePath(loaded, templateUri);
	if (rel === undefined) return undefined;
	for (const [pattern, file] of Object.entries(loaded.config.parameterFiles)) {
		if (!globRegExp(pattern).test(rel)) continue;
		const p = file.replace(/\\/g, '/');
		try {
			if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return new URL(p).toString();
			if (/^[a-z]:\//i.test(p)) return new URL(`file:///${p}`).toString();
			if (p.startsWith('/')) return new URL(`file://${p}`).toString();
			return new URL(p.replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/'), loaded.base).toString();
		} catch {
			return undefined;
		}
	}
	return undefined;
}

/** Does a resource name match a suppression's `resource` (case-insensitive, `*` wildcards)? */
export function matchName(pattern: string, name: string | undefined): boolean {
	if (name === undefined) return false;
	if (!pattern.includes('*')) return pattern.toLowerCase() === name.toLowerCase();
	const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
	return re.test(name);
}

/** The problems that make a configuration unusable (the CLI stops with exit 2). */
export function errorsOf(loaded: LoadedConfig): Problem[] {
	return loaded.problems.filter((p) => p.severity === 'error');
}
