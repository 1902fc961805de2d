// Runs the bundled CLI (dist/cli.js, built by `node build.mjs`) as a user would, from the repository root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allRules } from '../../rules/index';

/** The repository root (tests run from out/test/cli/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
/** Fixture folder, relative to the repository root (the CLI shows paths relative to its cwd). */
export const FIXTURES = 'test/fixtures/cli';

export interface CliRun {
	status: number | null;
	stdout: string;
	stderr: string;
	/** stdout split into lines, without the trailing empty one. */
	lines: string[];
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
	const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
	for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
	const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: opts.cwd ?? repoRoot, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
	if (r.error) throw r.error;
	return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === '')) };
}

/**
 * `--rule id=off` for every catalog rule except these: exact-output tests stay exact when rules are
 * added to the catalog.
 */
export function only(...ruleIds: string[]): string[] {
	return allRules.filter((r) => !ruleIds.includes(r.id)).flatMap((r) => ['--rule', `${r.id}=off`]);
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; cleanup(): void } {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'iothub-cli-'));
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const PNA = 'iothub-disable-public-network-access';
export const TLS = 'iothub-min-tls-1-2';
