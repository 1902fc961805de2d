// The `iothubBaseline.*` settings as the server uses them. They arrive untyped (from
// `workspace/configuration`, a `didChangeConfiguration` push or `initializationOptions`), so everything
// is checked and anything odd falls back to the default instead of failing.

import type { Severity } from '../analysis/types';

export const SETTINGS_SECTION = 'iothubBaseline';

export interface Settings {
	enable: boolean;
	/** Rule id → level; missing ids use the rule's default. */
	rules: Record<string, Severity>;
	reportUnknown: boolean;
	/** Workspace-relative template path (or glob with `*`/`**`) → parameter file path (workspace-relative or absolute). */
	parameterFiles: Record<string, string>;
	debounceMs: number;
	fixAll: { includeSuggestions: boolean };
}

export const defaultSettings: Settings = {
	enable: true,
	rules: {},
	reportUnknown: false,
	parameterFiles: {},
	debounceMs: 200,
	fixAll: { includeSuggestions: false },
};

const levels = new Set<Severity>(['off', 'info', 'warning', 'error']);
const MAX_DEBOUNCE_MS = 10_000;

function isObject(x: unknown): x is Record<string, unknown> {
	return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The settings section in whatever a client sent: the section itself (`{ enable, rules, ... }`), an
 * object holding it (`{ iothubBaseline: {...} }`), or flat dotted keys (`{ 'iothubBaseline.enable': false }`).
 * Anything else (null, a string) is an empty section.
 */
export function sectionOf(raw: unknown): Record<string, unknown> {
	let section: Record<string, unknown> = {};
	if (!isObject(raw)) return section;
	if (isObject(raw[SETTINGS_SECTION])) section = { ...raw[SETTINGS_SECTION] };
	else if (!Object.keys(raw).some((k) => k.startsWith(`${SETTINGS_SECTION}.`))) section = { ...raw };
	for (const [k, v] of Object.entries(raw)) {
		if (k.startsWith(`${SETTINGS_SECTION}.`)) setDotted(section, k.slice(SETTINGS_SECTION.length + 1), v);
	}
	// Dotted keys inside the section (`'fixAll.includeSuggestions': true`) too.
	for (const [k, v] of Object.entries(section)) {
		if (k.includes('.')) {
			delete section[k];
			setDotted(section, k, v);
		}
	}
	return section;
}

/** Settings from layers of raw client data; later layers win key by key (top-level keys of the section). */
export function normalizeSettings(...layers: unknown[]): Settings {
	const section: Record<string, unknown> = {};
	for (const layer of layers) {
		for (const [k, v] of Object.entries(sectionOf(layer))) {
			if (v !== undefined && v !== null) section[k] = v;
		}
	}
	const s: Settings = structuredClone(defaultSettings);
	if (typeof section.enable === 'boolean') s.enable = section.enable;
	if (typeof section.reportUnknown === 'boolean') s.reportUnknown = section.reportUnknown;
	if (typeof section.debounceMs === 'number' && Number.isFinite(section.debounceMs)) {
		s.debounceMs = Math.max(0, Math.min(MAX_DEBOUNCE_MS, Math.round(section.debounceMs)));
	}
	if (isObject(section.rules)) {
		for (const [id, level] of Object.entries(section.rules)) {
			if (typeof level === 'string' && levels.has(level as Severity)) s.rules[id] = level as Severity;
		}
	}
	if (isObject(section.parameterFiles)) {
		for (const [template, params] of Object.entries(section.parameterFiles)) {
			if (typeof params === 'string' && params.trim() !== '') s.parameterFiles[template] = params;
		}
	}
	if (isObject(section.fixAll) && typeof section.fixAll.includeSuggestions === 'boolean') {
		s.fixAll.includeSuggestions = section.fixAll.includeSuggestions;
	}
	return s;
}

function setDotted(target: Record<string, unknown>, dotted: string, value: unknown): void {
	const parts = dotted.split('.');
	let cur = target;
	for (let i = 0; i < parts.length - 1; i++) {
		const next = cur[parts[i]];
		if (!isObject(next)) cur[parts[i]] = {};
		else cur[parts[i]] = { ...next };
		cur = cur[parts[i]] as Record<string, unknown>;
	}
	cur[parts[parts.length - 1]] = value;
}

/** A workspace folder as the server knows it: its URI with a trailing slash. */
export interface Folder {
	uri: string;
}

/**
 * The parameter file configured for a template, as a URI, or undefined (then the analyser uses its
 * conventions: `X.parameters.json` beside `X.json`, and the `using` of `.bicepparam` files).
 */
export function parameterFileFor(templateUri: string, settings: Settings, folders: Folder[]): string | undefined {
	const entries = Object.entries(settings.parameterFiles);
	if (entries.length === 0) return undefined;
	for (const folder of folders) {
		const base = folder.uri.endsWith('/') ? folder.uri : `${folder.uri}/`;
		const relative = relativeTo(base, templateUri);
		if (relative === undefined) continue;
		for (const [pattern, params] of entries) {
			if (!matches(pattern, relative)) continue;
			return resolveAgainst(base, params);
		}
	}
	return undefined;
}

function relativeTo(base: string, uri: string): string | undefined {
	const b = decodeSafe(base);
	const u = decodeSafe(uri);
	if (!u.toLowerCase().startsWith(b.toLowerCase())) return undefined;
	return u.slice(b.length);
}

function decodeSafe(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

function matches(pattern: string, relative: string): boolean {
	const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\//, '');
	if (!p.includes('*')) return p.toLowerCase() === relative.toLowerCase();
	let re = '';
	for (let i = 0; i < p.length; i++) {
		const c = p[i];
		if (c === '*' && p[i + 1] === '*') {
			// `**/` matches any number of folders, including none.
			if (p[i + 2] === '/') {
				re += '(?:.*/)?';
				i += 2;
			} else {
				re += '.*';
				i += 1;
			}
		} else if (c === '*') {
			re += '[^/]*';
		} else {
			re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
		}
	}
	return new RegExp(`^${re}$`, 'i').test(relative);
}

function resolveAgainst(base: string, path: string): string | undefined {
	const p = path.replace(/\\/g, '/');
	try {
		if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return new URL(p).toString();
		if (/^[a-z]:\//i.test(p)) return new URL(`file:///${p}`).toString();
		if (p.startsWith('/')) return new URL(`file://${p}`).toString();
		return new URL(p.replace(/^\.\//, ''), base).toString();
	} catch {
		return undefined;
	}
}
