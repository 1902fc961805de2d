// The workspace configuration for the CLI: `--config FILE` for every file, else the nearest
// iothub-baseline.json above each file (up to the repository root, a folder holding `.git`). A configuration
// with errors stops the run before anything is linted: one line on stderr, exit 2.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findConfig, loadConfig, type LoadedConfig } from '../analysis/config';
import type { Host } from '../analysis/host';
import type { Problem } from '../analysis/types';
import { LineIndex } from '../lsp/positions';
import { displayPath } from './collect-files';
import { fileSystemHost } from './fs-host';
import { readTextFile } from './read-text';

export interface CliConfigs {
	/** The configuration that applies to a file (absolute path), if any. */
	configFor(file: string): LoadedConfig | undefined;
	/** Every configuration in use, each once. */
	all: LoadedConfig[];
	/** Set when the run must stop: the one line to print (without the program name). */
	error?: string;
	/** Lines worth printing (without the program name): warnings in the configurations. */
	warnings: string[];
}

function where(loaded: LoadedConfig, text: string, p: Problem, cwd: string): string {
	const pos = new LineIndex(text).positionAt(p.location.span.start);
	let shown = loaded.uri;
	try {
		shown = displayPath(fileURLToPath(loaded.uri), cwd);
	} catch {
		// Keep the URI.
	}
	return `${shown}:${pos.line + 1}:${pos.character + 1}`;
}

/** Find (or read, with `--config`) and validate the configurations for the files to lint. */
export function resolveConfigs(files: readonly string[], explicit: string | undefined, cwd: string, catalog: readonly string[]): CliConfigs {
	const texts = new Map<string, string>();
	if (explicit !== undefined) {
		const abs = path.resolve(cwd, explicit);
		const read = readTextFile(abs);
		if (!read.ok) return { configFor: () => undefined, all: [], warnings: [], error: `${explicit}: cannot read the configuration: ${read.reason}` };
		const loaded = loadConfig(pathToFileURL(abs).href, read.text, catalog);
		texts.set(loaded.uri, read.text);
		return { configFor: () => loaded, all: [loaded], ...report([loaded], texts, cwd) };
	}

	const fsHost = fileSystemHost();
	const host: Host = {
		readText: (u) => {
			const t = fsHost.readText(u);
			if (t !== undefined) texts.set(u, t);
			return t;
		},
		exists: (u) => {
			try {
				return existsSync(fileURLToPath(u));
			} catch {
				return false;
			}
		},
	};
	const byFolder = new Map<string, LoadedConfig | undefined>();
	const configFor = (file: string): LoadedConfig | undefined => {
		const folder = path.dirname(file);
		if (!byFolder.has(folder)) byFolder.set(folder, findConfig(pathToFileURL(file).href, host, { catalog }));
		return byFolder.get(folder);
	};
	const all = new Map<string, LoadedConfig>();
	for (const f of files) {
		const c = configFor(f);
		if (c) all.set(c.uri, c);
	}
	const list = [...all.values()];
	return { configFor, all: list, ...report(list, texts, cwd) };
}

function report(configs: LoadedConfig[], texts: Map<string, string>, cwd: string): { error?: string; warnings: string[] } {
	const warnings: string[] = [];
	for (const c of configs) {
		const text = texts.get(c.uri) ?? '';
		const errors = c.problems.filter((p) => p.severity === 'error');
		if (errors.length > 0) {
			const more = errors.length > 1 ? ` (and ${errors.length - 1} more ${errors.length === 2 ? 'problem' : 'problems'})` : '';
			return { error: `${where(c, text, errors[0], cwd)}: ${errors[0].message}${more}`, warnings };
		}
		for (const p of c.problems) warnings.push(`${where(c, text, p, cwd)}: warning: ${p.message}`);
	}
	return { warnings };
}
