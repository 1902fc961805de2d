// `--jobs N`: the option, and the same report (stdout, stderr, exit code) whether the files are linted in
// the main thread or on worker threads, in file order even when the first file finishes last.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseArgs } from '../../server/src/cli/args';
import { defaultJobs, main, type CliIo } from '../../server/src/cli/main';
import { FIXTURES, PNA, TLS, repoRoot, runCli, tempDir } from './run-cli';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

describe('cli: --jobs', () => {
	const insecure = `${FIXTURES}/insecure`;
	const cases: [string[], string][] = [
		[['--jobs', '0', insecure], "--jobs expects a positive integer, got '0'"],
		[['-j', 'many', insecure], "--jobs expects a positive integer, got 'many'"],
		[['--jobs=-2', insecure], "--jobs expects a positive integer, got '-2'"],
		[['--jobs', '1.5', insecure], "--jobs expects a positive integer, got '1.5'"],
		[['--jobs=', insecure], "--jobs expects a positive integer, got ''"],
		[['--jobs', '2', '-j', '3', insecure], "option '--jobs' given more than once"],
		[[insecure, '--jobs'], "option '--jobs' needs a value"],
	];
	for (const [args, message] of cases) {
		it(`refuses ${args.filter((a) => a !== insecure).join(' ')} with exit 2 and one line`, () => {
			const r = runCli(args);
			assert.equal(r.status, 2);
			assert.equal(r.stderr, `iothub-baseline: ${message}\n`);
			assert.equal(r.stdout, '');
		});
	}

	it('takes -j N, --jobs N and --jobs=N; unset leaves the choice to the run', () => {
		assert.equal(parseArgs(['-j', '3', 'x'], []).jobs, 3);
		assert.equal(parseArgs(['--jobs', '1', 'x'], []).jobs, 1);
		assert.equal(parseArgs(['--jobs=12', 'x'], []).jobs, 12);
		assert.equal(parseArgs(['x'], []).jobs, undefined);
	});

	it('is documented in --help', () => {
		assert.match(runCli(['--help']).stdout, /-j, --jobs N {2,}Lint up to N files at a time in worker threads/);
	});

	it('defaults to the main thread for small runs, then a worker per 64 files leaving a core free (at most 8)', () => {
		const free = Math.max(1, os.availableParallelism() - 1);
		assert.equal(defaultJobs(1), 1);
		assert.equal(defaultJobs(64), 1);
		assert.equal(defaultJobs(65), Math.min(2, free));
		assert.equal(defaultJobs(64 * 5), Math.min(5, free));
		assert.equal(defaultJobs(100_000), Math.min(8, free));
	});
});

/** An ARM template with `hubs` insecure IoT Hubs: big enough to be the slowest file of the folder. */
function manyHubs(hubs: number): string {
	const resources = Array.from({ length: hubs }, (_, i) => ({
		type: 'Microsoft.Devices/IotHubs',
		apiVersion: '2023-06-30',
		name: `hub-${i}`,
		location: 'westeurope',
		sku: { name: 'S1', capacity: 1 },
		properties: { publicNetworkAccess: 'Enabled', minTlsVersion: '1.0' },
	}));
	return `${JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources }, null, 2)}\n`;
}

const bicepHub = (name: string, pna: string) =>
	[`param pna string = '${pna}'`, '', "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {", `  name: '${name}'`, "  location: 'westeurope'", "  sku: { name: 'S1', capacity: 1 }", '  properties: {', '    publicNetworkAccess: pna', "    minTlsVersion: '1.0'", '  }', '}', ''].join('\n');

/**
 * A folder with a large template first (sorted by name, so it is the first file and the slowest), ARM
 * templates and their parameter files, Bicep with a module and a .bicepparam, a broken file, a binary
 * file, JSON that is no template, a file ignored by the configuration, a second configuration in a
 * subfolder and a configuration suppression.
 */
function writeFolder(dir: string): void {
	writeFileSync(path.join(dir, 'a-large.json'), manyHubs(25));
	for (const name of ['insecure-hub.json', 'insecure-hub.parameters.json', 'insecure-hub.bicep', 'insecure-hub.bicepparam', 'secure-hub.bicep', 'secure-hub.json', 'not-a-template.json']) {
		copyFileSync(path.join(repoRoot, 'examples', name), path.join(dir, name));
	}
	for (const name of ['broken.json', 'binary.json']) copyFileSync(path.join(repoRoot, FIXTURES, 'mixed', name), path.join(dir, name));
	mkdirSync(path.join(dir, 'bicep', 'modules'), { recursive: true });
	writeFileSync(path.join(dir, 'bicep', 'main.bicep'), "module hub './modules/hub.bicep' = {\n  name: 'hub'\n  params: {\n    pna: 'Enabled'\n  }\n}\n");
	writeFileSync(path.join(dir, 'bicep', 'modules', 'hub.bicep'), bicepHub('module-hub', 'Enabled'));
	mkdirSync(path.join(dir, 'ignored'));
	writeFileSync(path.join(dir, 'ignored', 'hub.json'), manyHubs(1));
	mkdirSync(path.join(dir, 'team-b'));
	writeFileSync(path.join(dir, 'team-b', 'hub.json'), manyHubs(2));
	writeFileSync(path.join(dir, 'team-b', 'iothub-baseline.json'), `{ "rules": { "${TLS}": "error" } }\n`);
	for (let i = 0; i < 6; i++) writeFileSync(path.join(dir, `z-${i}.bicep`), bicepHub(`small-hub-${i}`, i % 2 ? 'Enabled' : 'Disabled'));
	writeFileSync(
		path.join(dir, 'iothub-baseline.json'),
		JSON.stringify({ ignore: ['ignored/**'], suppressions: [{ file: 'z-1.bicep', rule: [PNA], justification: 'Reviewed.' }] }, null, 2),
	);
	// Configurations are looked up to the repository root: this folder is one.
	mkdirSync(path.join(dir, '.git'));
}

describe('cli: the same report with and without worker threads', () => {
	const t = tempDir();
	before(() => writeFolder(t.dir));
	after(() => t.cleanup());

	for (const format of ['text', 'json', 'sarif']) {
		it(`--format ${format}: --jobs 1 and --jobs 3 give byte-identical output, in file order`, () => {
			const one = runCli(['--format', format, '--jobs', '1', '.'], { cwd: t.dir });
			const three = runCli(['--format', format, '--jobs', '3', '.'], { cwd: t.dir });
			assert.equal(three.stdout, one.stdout);
			assert.equal(three.stderr, one.stderr);
			assert.equal(three.status, one.status);
			// The folder exercises what it should: every kind of file, notices in order, the large file first.
			assert.equal(one.status, 1, 'team-b/iothub-baseline.json makes TLS an error');
			assert.match(one.stderr, /^iothub-baseline: binary\.json: binary file \(contains NUL bytes\)\n$/);
			if (format === 'text') {
				assert.match(one.lines[0], /^a-large\.json:/);
				for (const file of ['bicep/main.bicep', 'bicep/modules/hub.bicep', 'broken.json', 'insecure-hub.bicep', 'insecure-hub.bicepparam', 'insecure-hub.parameters.json', 'team-b/hub.json', 'z-5.bicep']) {
					assert.ok(one.lines.some((l) => l.startsWith(`${file}:`)), `${file} is reported`);
				}
				assert.ok(!one.stdout.includes('ignored/'), 'the ignored file is not reported');
			}
			if (format === 'json') {
				const report = JSON.parse(one.stdout);
				assert.equal(report.files[0].path, 'a-large.json');
				assert.deepEqual(report.skipped, [{ path: 'binary.json', reason: 'binary file (contains NUL bytes)' }]);
				assert.ok(report.summary.suppressed > 0);
			}
		});
	}

	it('--jobs larger than the number of files, and the default, give the same report', () => {
		const files = ['insecure-hub.json', 'insecure-hub.parameters.json', 'insecure-hub.bicep'];
		const one = runCli(['--jobs', '1', ...files], { cwd: t.dir });
		assert.equal(runCli(['--jobs', '16', ...files], { cwd: t.dir }).stdout, one.stdout);
		assert.equal(runCli(files, { cwd: t.dir }).stdout, one.stdout);
		assert.ok(one.lines.length > 3, one.stdout);
	});

	it('runs its workers from out/ too (main() in this process, workers on out/server/src/cli/main.js)', async () => {
		const run = async (jobs: string) => {
			let stdout = '';
			let stderr = '';
			const io: CliIo = { cwd: t.dir, env: {}, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
			const code = await main(['--jobs', jobs, '--format', 'json', '.'], io);
			return { code, stdout, stderr };
		};
		const one = await run('1');
		const two = await run('2');
		assert.deepEqual(two, one);
		assert.match(one.stdout, /"path": "insecure-hub\.bicep"/, 'Bicep is analysed in the workers');
	});
});
