// The CLI with iothub-baseline.json and suppressions: discovery and --config, precedence with --rule, a bad
// configuration (exit 2, one line), ignore and parameter-file associations, suppressed findings in the text,
// JSON and SARIF reports (SARIF checked against the OASIS schema), and the progress indicator on a terminal.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { main, type CliIo } from '../../server/src/cli/main';
import { FIXTURES, PNA, TLS, only, repoRoot, runCli, tempDir } from './run-cli';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
const CONFIG = 'iothub-baseline.json';

/** A template with one IoT Hub: public access on, TLS 1.0 (one warning each); `above` goes above the resource's `{`. */
function hubTemplate(name: string, opts: { above?: string; tls?: string } = {}): string {
	return [
		'{',
		`  "$schema": "${SCHEMA}",`,
		'  "contentVersion": "1.0.0.0",',
		'  "parameters": { "tls": { "type": "string", "defaultValue": "1.0" } },',
		'  "resources": [',
		...(opts.above ? [`    ${opts.above}`] : []),
		'    {',
		'      "type": "Microsoft.Devices/IotHubs",',
		'      "apiVersion": "2023-06-30",',
		`      "name": "${name}",`,
		'      "location": "westeurope",',
		'      "properties": {',
		'        "publicNetworkAccess": "Enabled",',
		...(opts.tls ? [`        ${opts.tls}`] : []),
		'        "minTlsVersion": "[parameters(\'tls\')]"',
		'      }',
		'    }',
		'  ]',
		'}',
		'',
	].join('\n');
}

/** Write files under a fresh repository (a `.git` folder bounds the configuration search). */
function repo(files: Record<string, string>): { dir: string; cleanup(): void } {
	const t = tempDir();
	mkdirSync(path.join(t.dir, '.git'));
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(t.dir, name)), { recursive: true });
		writeFileSync(path.join(t.dir, name), text);
	}
	return t;
}

const rulesOf = (lines: string[]) => lines.filter((l) => !/^\d+ problems?/.test(l)).map((l) => l.split('  ').slice(1, 2).concat(l.split('  ').slice(-1)).join(' '));

describe('cli: configuration file', () => {
	it('is found above the template; its levels apply; --rule wins over it', () => {
		const t = repo({ [CONFIG]: `{ "rules": { "${TLS}": "error" } }`, 'infra/hub.json': hubTemplate('h') });
		try {
			const r = runCli([...only(PNA, TLS), 'infra'], { cwd: t.dir });
			assert.equal(r.status, 1);
			assert.deepEqual(rulesOf(r.lines), [`warning ${PNA}`, `error ${TLS}`]);
			const flagged = runCli([...only(PNA, TLS), '--rule', `${TLS}=info`, 'infra'], { cwd: t.dir });
			assert.equal(flagged.status, 0);
			assert.deepEqual(rulesOf(flagged.lines), [`warning ${PNA}`, `info ${TLS}`]);
		} finally {
			t.cleanup();
		}
	});

	it('the nearest file wins; the search stops at the repository root', () => {
		const t = repo({ [CONFIG]: `{ "rules": { "${TLS}": "error" } }`, [`infra/${CONFIG}`]: `{ "rules": { "${PNA}": "off" } }`, 'infra/hub.json': hubTemplate('h'), 'app/hub.json': hubTemplate('a') });
		try {
			const r = runCli([...only(PNA, TLS), 'infra', 'app'], { cwd: t.dir });
			assert.deepEqual(rulesOf(r.lines), [`warning ${TLS}`, `warning ${PNA}`, `error ${TLS}`]);
			// A configuration above the repository root is not used.
			const outer = tempDir();
			try {
				writeFileSync(path.join(outer.dir, CONFIG), `{ "rules": { "${PNA}": "off", "${TLS}": "off" } }`);
				mkdirSync(path.join(outer.dir, 'repo', '.git'), { recursive: true });
				writeFileSync(path.join(outer.dir, 'repo', 'hub.json'), hubTemplate('h'));
				assert.deepEqual(rulesOf(runCli([...only(PNA, TLS), 'repo'], { cwd: outer.dir }).lines), [`warning ${PNA}`, `warning ${TLS}`]);
			} finally {
				outer.cleanup();
			}
		} finally {
			t.cleanup();
		}
	});

	it('--config FILE replaces the search', () => {
		const t = repo({
			[CONFIG]: `{ "rules": { "${TLS}": "error" } }`,
			'ci/strict.json': `{ "rules": { "${PNA}": "error" }, "ignore": ["legacy"] }`,
			'ci/legacy/old.json': hubTemplate('old'),
			'infra/hub.json': hubTemplate('h'),
			'legacy/old.json': hubTemplate('old'),
		});
		try {
			const r = runCli([...only(PNA, TLS), '--config', 'ci/strict.json', 'infra', 'ci', 'legacy'], { cwd: t.dir });
			assert.equal(r.status, 1);
			// ci/legacy is ignored (globs are relative to the configuration's folder); legacy/ is not.
			assert.deepEqual(rulesOf(r.lines), [`error ${PNA}`, `warning ${TLS}`, `error ${PNA}`, `warning ${TLS}`]);
			assert.deepEqual(
				r.lines.slice(0, -1).map((l) => l.split(':')[0]),
				['infra/hub.json', 'infra/hub.json', 'legacy/old.json', 'legacy/old.json'],
			);
		} finally {
			t.cleanup();
		}
	});

	it('ignore globs skip files; parameterFiles associates a parameter file', () => {
		const template = hubTemplate('h').replace('"defaultValue": "1.0"', '"defaultValue": "1.2"');
		const t = repo({
			[CONFIG]: '{ "ignore": ["examples"], "parameterFiles": { "infra/hub.json": "env/prod.json" } }',
			'infra/hub.json': template,
			'env/prod.json': `{ "$schema": "${PARAMS_SCHEMA}", "contentVersion": "1.0.0.0", "parameters": { "tls": { "value": "1.0" } } }\n`,
			'examples/hub.json': hubTemplate('example'),
		});
		try {
			const r = runCli([...only(PNA, TLS), 'infra', 'examples'], { cwd: t.dir });
			assert.deepEqual(rulesOf(r.lines), [`warning ${PNA}`, `warning ${TLS}`]);
			assert.match(r.lines[2], /in 1 file$/);
		} finally {
			t.cleanup();
		}
	});

	it('a bad configuration stops the run: one line on stderr, nothing on stdout, exit 2', () => {
		const t = repo({ [CONFIG]: `{\n  "rules": { "${TLS}": "warn" }\n}\n`, 'hub.json': hubTemplate('h') });
		try {
			const r = runCli(['hub.json'], { cwd: t.dir });
			assert.equal(r.status, 2);
			assert.equal(r.stdout, '');
			assert.equal(r.stderr, `iothub-baseline: ${CONFIG}:2:36: unknown level "warn" for rule '${TLS}' (expected off, info, warning or error)\n`);
			writeFileSync(path.join(t.dir, CONFIG), '{ "rules": { "iothub-min-tls-12": "error" }, "ignore": "x" }');
			assert.equal(runCli(['hub.json'], { cwd: t.dir }).stderr, `iothub-baseline: ${CONFIG}:1:14: unknown rule 'iothub-min-tls-12' in 'rules' (did you mean '${TLS}'?) (and 1 more problem)\n`);
			writeFileSync(path.join(t.dir, CONFIG), '{ "rules": ');
			assert.equal(runCli(['hub.json'], { cwd: t.dir }).stderr, `iothub-baseline: ${CONFIG}:1:12: invalid JSON: value expected\n`);
			const missing = runCli(['--config', 'nope.json', 'hub.json'], { cwd: t.dir });
			assert.equal(missing.status, 2);
			assert.equal(missing.stderr, 'iothub-baseline: nope.json: cannot read the configuration: no such file or directory\n');
		} finally {
			t.cleanup();
		}
	});

	it('--rule accepts the ids of the findings about suppressions', () => {
		const r = runCli(['--rule', 'unused-suppression=off', '--rule', 'suppression-justification=error', `${FIXTURES}/secure`]);
		assert.equal(r.status, 0, r.stderr);
	});
});

describe('cli: suppressions', () => {
	let t: { dir: string; cleanup(): void };
	const reason = 'Field gateways speak TLS 1.0 until 2026';
	before(() => {
		t = repo({
			[CONFIG]: JSON.stringify({ suppressions: [{ file: 'legacy/*.json', resource: 'old-*', rule: PNA, justification: 'Retired in Q3' }, { file: 'legacy/*.json', rule: TLS }] }, null, 2),
			'infra/hub.json': hubTemplate('h', { tls: `// iothub-baseline-disable-next-line ${TLS} -- ${reason}`, above: `// iothub-baseline-disable-next-line ${PNA}` }),
			'legacy/old.json': hubTemplate('old-hub'),
		});
	});
	after(() => t.cleanup());

	it('text: hidden, counted in the summary, and not failing the run; the warnings about them are shown', () => {
		const r = runCli([...only(PNA, TLS), '--rule', `${TLS}=error`, '.'], { cwd: t.dir });
		assert.equal(r.status, 0, r.stdout);
		assert.equal(r.stderr, `iothub-baseline: ${CONFIG}:9:5: warning: the suppression of '${TLS}' in 'legacy/*.json' has no justification\n`);
		assert.deepEqual(r.lines, [
			`infra/hub.json:6:5  info  -  The suppression of '${PNA}' has no justification. Add one after '--': why the finding does not apply here.  suppression-justification`,
			'1 problem (0 errors, 0 warnings, 1 info) in 2 files, 4 suppressed',
		]);
	});

	it('--include-suppressed lists them with their justification', () => {
		const r = runCli([...only(PNA, TLS), '--include-suppressed', '--rule', 'suppression-justification=off', '.'], { cwd: t.dir });
		assert.deepEqual(
			r.lines.map((l) => l.replace(/ {2}(NS-2|DP-3): .*? {2}/, '  ...  ')),
			[
				`infra/hub.json:13:32  warning  NS-2  ...  ${PNA}  (suppressed)`,
				`infra/hub.json:15:26  warning  DP-3  ...  ${TLS}  (suppressed: ${reason})`,
				`legacy/old.json:12:32  warning  NS-2  ...  ${PNA}  (suppressed: Retired in Q3)`,
				`legacy/old.json:13:26  warning  DP-3  ...  ${TLS}  (suppressed)`,
				'0 problems (0 errors, 0 warnings, 0 info) in 2 files, 4 suppressed',
			],
		);
	});

	it('--max-warnings does not count suppressed findings', () => {
		assert.equal(runCli([...only(PNA, TLS), '--max-warnings', '0', '--rule', 'suppression-justification=off', '.'], { cwd: t.dir }).status, 0);
	});

	it('JSON: each finding says whether and how it is suppressed', () => {
		const report = JSON.parse(runCli([...only(PNA, TLS), '--format', 'json', '.'], { cwd: t.dir }).stdout);
		assert.deepEqual(report.summary, { errors: 0, warnings: 0, info: 1, files: 2, suppressed: 4 });
		const infra = report.files[0].findings;
		assert.deepEqual(
			infra.map((f: { ruleId: string; suppressed: unknown }) => [f.ruleId, f.suppressed]),
			[
				['suppression-justification', null],
				[PNA, { kind: 'inSource', justification: null, path: 'infra/hub.json', range: { start: { line: 5, character: 4 }, end: { line: 5, character: 77 } } }],
				[TLS, { kind: 'inSource', justification: reason, path: 'infra/hub.json', range: { start: { line: 13, character: 8 }, end: { line: 13, character: 106 } } }],
			],
		);
		assert.deepEqual(report.files[1].findings[0].suppressed, { kind: 'external', justification: 'Retired in Q3', path: CONFIG, range: { start: { line: 2, character: 4 }, end: { line: 7, character: 5 } } });
	});

	it('SARIF: suppressed findings are results with suppressions (inSource / external), valid SARIF 2.1.0', () => {
		const log = JSON.parse(runCli([...only(PNA, TLS), '--format', 'sarif', '.'], { cwd: t.dir }).stdout);
		const sarifSchema = JSON.parse(readFileSync(path.join(repoRoot, FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'));
		const ajv = new Ajv({ strict: false, allErrors: true });
		ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s));
		ajv.addFormat('uri-reference', () => true);
		ajv.addFormat('date-time', () => true);
		const validate = ajv.compile(sarifSchema);
		assert.equal(validate(log), true, ajv.errorsText(validate.errors));
		const run = log.runs[0];
		const results = run.results.map((r: { ruleId: string; ruleIndex: number; suppressions?: unknown[]; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [
			r.ruleId,
			run.tool.driver.rules[r.ruleIndex].id,
			r.locations[0].physicalLocation.artifactLocation.uri,
			r.suppressions,
		]);
		const at = (uri: string, startLine: number, startColumn: number, endLine: number, endColumn: number) => ({ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine, startColumn, endLine, endColumn } } });
		assert.deepEqual(results, [
			['suppression-justification', 'suppression-justification', 'infra/hub.json', undefined],
			[PNA, PNA, 'infra/hub.json', [{ kind: 'inSource', location: at('infra/hub.json', 6, 5, 6, 78) }]],
			[TLS, TLS, 'infra/hub.json', [{ kind: 'inSource', justification: reason, location: at('infra/hub.json', 14, 9, 14, 107) }]],
			[PNA, PNA, 'legacy/old.json', [{ kind: 'external', justification: 'Retired in Q3', location: at(CONFIG, 3, 5, 8, 6) }]],
			[TLS, TLS, 'legacy/old.json', [{ kind: 'external', location: at(CONFIG, 9, 5, 12, 6) }]],
		]);
		assert.equal(run.tool.driver.rules.find((r: { id: string }) => r.id === 'unused-suppression').helpUri, 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/docs/configuration.md#unused-suppression');
	});
});

describe('cli: terminal output', () => {
	let t: { dir: string; cleanup(): void };
	before(() => {
		t = repo({ 'a.json': hubTemplate('a'), 'b.json': hubTemplate('b'), 'c.json': hubTemplate('c'), 'd.json': hubTemplate('d') });
	});
	after(() => t.cleanup());

	function io(opts: { tty: boolean; stepMs: number; env?: NodeJS.ProcessEnv; stdoutTty?: boolean }): CliIo & { out: string[]; err: string[] } {
		const out: string[] = [];
		const err: string[] = [];
		let clock = 0;
		return {
			cwd: t.dir,
			env: opts.env ?? {},
			stdout: { write: (s: string) => out.push(s), isTTY: opts.stdoutTty ?? false },
			stderr: { write: (s: string) => err.push(s), isTTY: opts.tty },
			now: () => (clock += opts.stepMs),
			out,
			err,
		};
	}

	it('a slow scan on a terminal shows a progress count on stderr, redrawn with \\r and erased at the end', async () => {
		const x = io({ tty: true, stepMs: 300 });
		assert.equal(await main([...only(PNA, TLS), '--format', 'json', '.'], x), 0);
		// The clock moves 300 ms per reading: quiet for the first 500 ms, then one update per file, never the last.
		assert.deepEqual(x.err, ['\r\u001b[Kiothub-baseline: 2/4 files', '\r\u001b[Kiothub-baseline: 3/4 files', '\r\u001b[K']);
		assert.doesNotMatch(x.out.join(''), /\r/);
		// Text lines are written on a clean line.
		const text = io({ tty: true, stepMs: 300 });
		await main([...only(PNA, TLS), '.'], text);
		assert.equal(text.err.filter((s) => s === '\r\u001b[K').length, 2);
	});

	it('no progress when stderr is not a terminal, or when the scan is quick', async () => {
		const piped = io({ tty: false, stepMs: 300 });
		await main([...only(PNA, TLS), '.'], piped);
		assert.deepEqual(piped.err, []);
		const quick = io({ tty: true, stepMs: 1 });
		await main([...only(PNA, TLS), '.'], quick);
		assert.deepEqual(quick.err, []);
	});

	it('colours on a terminal unless NO_COLOR is set (non-empty) or --no-color is given', async () => {
		const colored = io({ tty: false, stepMs: 1, stdoutTty: true });
		await main([...only(PNA, TLS), 'a.json'], colored);
		assert.match(colored.out.join(''), /\u001b\[/);
		for (const [env, args] of [[{ NO_COLOR: '1' }, []], [{}, ['--no-color']]] as [NodeJS.ProcessEnv, string[]][]) {
			const plain = io({ tty: false, stepMs: 1, stdoutTty: true, env });
			await main([...only(PNA, TLS), ...args, 'a.json'], plain);
			assert.doesNotMatch(plain.out.join(''), /\u001b\[/);
		}
	});
});
