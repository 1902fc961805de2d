// PATH arguments → the files to lint, in a stable order. Directories are walked for the extensions the
// analyser knows; node_modules, .git and symlinked directories (which can loop) are not entered.

import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFsError } from './read-text';

const EXTENSIONS = ['.json', '.jsonc', '.bicep', '.bicepparam'];
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export function hasLintableExtension(file: string): boolean {
	const lower = file.toLowerCase();
	return EXTENSIONS.some((e) => lower.endsWith(e));
}

export interface CollectedFiles {
	/** Absolute paths, each once, in argument order and sorted by name within each directory. */
	files: string[];
	/** PATH arguments that do not exist (usage error: exit 2). */
	missing: { path: string; reason: string }[];
	/** Things met on the way that are worth one line on stderr (unreadable directory, wrong extension). */
	notices: string[];
}

export function collectFiles(paths: readonly string[], cwd: string): CollectedFiles {
	const out: CollectedFiles = { files: [], missing: [], notices: [] };
	const seen = new Set<string>();
	const add = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		out.files.push(file);
	};
	for (const arg of paths) {
		const abs = path.resolve(cwd, arg);
		let stat;
		try {
			stat = statSync(abs);
		} catch (error) {
			out.missing.push({ path: arg, reason: describeFsError(error) });
			continue;
		}
		if (stat.isDirectory()) {
			walk(abs, add, out.notices, cwd);
		} else if (stat.isFile()) {
			// A file named explicitly is linted when the analyser knows its format, whatever the walk would do.
			if (hasLintableExtension(abs)) add(abs);
			else out.notices.push(`${arg}: skipped: not a .json, .jsonc, .bicep or .bicepparam file`);
		} else {
			out.notices.push(`${arg}: skipped: not a regular file`);
		}
	}
	return out;
}

/** Code-unit order, not locale order: the same on every machine. */
function byName(a: Dirent, b: Dirent): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function walk(dir: string, add: (file: string) => void, notices: string[], cwd: string): void {
	let entries: Dirent[];
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch (error) {
		notices.push(`${displayPath(dir, cwd)}: ${describeFsError(error)}`);
		return;
	}
	entries.sort(byName);
	for (const entry of entries) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) {
			if (!SKIPPED_DIRS.has(entry.name)) walk(full, add, notices, cwd);
		} else if (entry.isFile()) {
			if (hasLintableExtension(entry.name)) add(full);
		} else if (entry.isSymbolicLink() && hasLintableExtension(entry.name)) {
			// A symlink to a file is linted; a symlink to a directory is not followed (it may loop).
			try {
				if (statSync(full).isFile()) add(full);
			} catch {
				notices.push(`${displayPath(full, cwd)}: broken symbolic link`);
			}
		}
	}
}

/** How a path is shown: relative to the working directory, with forward slashes. */
export function displayPath(abs: string, cwd: string): string {
	const rel = path.relative(cwd, abs) || '.';
	return rel.split(path.sep).join('/');
}

/** How a document URI is shown: a file URI as its displayPath, anything else as it is. */
export function displayUriPath(uri: string, cwd: string): string {
	if (!uri.startsWith('file:')) return uri;
	try {
		return displayPath(fileURLToPath(uri), cwd);
	} catch {
		return uri;
	}
}
