// Name, version and links of the tool, as the reports name it.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { META_RULE_IDS } from '../analysis/suppressions';

export const TOOL_NAME = 'iothub-baseline';
export const INFORMATION_URI = 'https://github.com/iothub-baseline/iothub-security-baseline';
/** Where each rule's documentation lives: `<base><rule id>.md` (the same base as the language server's links). */
export const RULE_DOC_BASE = `${INFORMATION_URI}/blob/main/rules/`;

/** The configuration file and suppressions (the findings about suppressions are documented there). */
export const CONFIG_DOC_URI = `${INFORMATION_URI}/blob/main/docs/configuration.md`;

export function ruleHelpUri(ruleId: string): string {
	if (META_RULE_IDS.includes(ruleId)) return `${CONFIG_DOC_URI}#${ruleId}`;
	return `${RULE_DOC_BASE}${encodeURIComponent(ruleId)}.md`;
}

let cached: string | undefined;

/** The package version: inlined by esbuild in dist/cli.js; read from the repository when run from out/. */
export function toolVersion(): string {
	if (cached) return cached;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		cached = (require('../../../package.json') as { version: string }).version;
	} catch {
		cached = findPackageVersion(__dirname) ?? '0.0.0';
	}
	return cached;
}

function findPackageVersion(dir: string): string | undefined {
	for (let d = dir; ; d = path.dirname(d)) {
		const file = path.join(d, 'package.json');
		if (existsSync(file)) {
			try {
				const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
				if (pkg.name === 'iothub-security-baseline' && pkg.version) return pkg.version;
			} catch {
				// keep looking upwards
			}
		}
		if (path.dirname(d) === d) return undefined;
	}
}
