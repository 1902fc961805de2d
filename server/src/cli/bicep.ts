// The Bicep grammar for the CLI: loaded once per thread (the main thread, or each lint worker), and only
// when the run has Bicep to analyse.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { templateCandidatesFor } from '../analysis/arm/loader';
import { installBicep } from '../analysis/bicep/install';

/** The grammar is loaded only when some file is Bicep or a parameter file that belongs to a Bicep template. */
export function needsBicep(files: readonly string[]): boolean {
	return files.some((f) => {
		const lower = f.toLowerCase();
		if (lower.endsWith('.bicep') || lower.endsWith('.bicepparam')) return true;
		return templateCandidatesFor(pathToFileURL(f).href).some((u) => u.toLowerCase().endsWith('.bicep') && existsSync(new URL(u)));
	});
}

/**
 * Load the Bicep grammar: next to dist/cli.js when bundled (every module of the bundle has its __dirname),
 * from node_modules when run from out/. Resolves to why it failed, if it did.
 */
export async function setUpBicep(): Promise<string | undefined> {
	try {
		const bundled = existsSync(path.join(__dirname, 'tree-sitter-bicep.wasm'));
		await installBicep(bundled ? { wasmDir: __dirname } : undefined);
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}
