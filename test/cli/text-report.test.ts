// The text report and exit codes of dist/cli.js on the fixtures in test/fixtures/cli/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, PNA, TLS, only, runCli, tempDir } from './run-cli';

const insecure = `${FIXTURES}/insecure`;
const template = `${insecure}/iot-hub.json`;
const params = `${insecure}/iot-hub.parameters.json`;
const pnaMessage = "NS-2: IoT Hub 'fixture-prod-hub' allows public network access (publicNetworkAccess: 'Enabled'). Set properties.publicNetworkAccess to 'Disabled' and reach the hub through a private endpoint.";
const tlsMessage = "DP-3: IoT Hub 'fixture-prod-hub' allows TLS older than 1.2 (minTlsVersion: '1.0'). Set properties.minTlsVersion to '1.2'.";

describe('cli: text report', () => {
	it('prints one compiler-style line per finding and a summary, template and parameter file each once', () => {
		const r = runCli([...only(PNA, TLS), insecure]);
		assert.equal(r.stderr, '');
		assert.deepEqual(r.lines, [
			`${template}:16:32  warning  NS-2  ${pnaMessage}  ${PNA}`,
			`${template}:17:26  warning  DP-3  ${tlsMessage}  ${TLS}`,
			`${params}:6:39  warning  NS-2  ${pnaMessage}  ${PNA}`,
			'3 problems (0 errors, 3 warnings, 0 info) in 2 files',
		]);
		assert.equal(r.status, 0, 'warnings alone do not fail the run');
	});

	it('exits 1 when a finding is at error level (--rule ID=error)', () => {
		const r = runCli([...only(PNA, TLS), '--rule', `${TLS}=error`, insecure]);
		assert.equal(r.status, 1);
		assert.ok(r.lines.includes(`${template}:17:26  error  DP-3  ${tlsMessage}  ${TLS}`));
		assert.equal(r.lines.at(-1), '3 problems (1 error, 2 warnings, 0 info) in 2 files');
	});

	it('--rule ID=off turns a rule off', () => {
		const r = runCli([...only(PNA, TLS), '--rule', `${PNA}=off`, insecure]);
		assert.deepEqual(r.lines, [`${template}:17:26  warning  DP-3  ${tlsMessage}  ${TLS}`, '1 problem (0 errors, 1 warning, 0 info) in 2 files']);
		assert.equal(r.status, 0);
	});

	it('--max-warnings N fails the run only above N warnings', () => {
		const ok = runCli([...only(PNA, TLS), '--max-warnings', '3', insecure]);
		assert.equal(ok.status, 0);
		assert.equal(ok.stderr, '');
		const tooMany = runCli([...only(PNA, TLS), '--max-warnings=2', insecure]);
		assert.equal(tooMany.status, 1);
		assert.equal(tooMany.stderr, 'iothub-baseline: too many warnings (3, at most 2 allowed)\n');
	});

	it('--quiet prints errors only, and the summary still counts everything', () => {
		const r = runCli([...only(PNA, TLS), '--quiet', '--rule', `${TLS}=error`, insecure]);
		assert.deepEqual(r.lines, [`${template}:17:26  error  DP-3  ${tlsMessage}  ${TLS}`, '3 problems (1 error, 2 warnings, 0 info) in 2 files']);
		assert.equal(r.status, 1);
	});

	it('a secure template gives no finding and exit 0', () => {
		const r = runCli([`${FIXTURES}/secure`]);
		assert.equal(r.status, 0);
		assert.equal(r.stderr, '');
		assert.equal(r.lines.filter((l) => / (error|warning) /.test(l)).length, 0, r.stdout);
		assert.match(r.lines.at(-1) ?? '', /^\d+ problems? \(0 errors, 0 warnings, \d+ info\) in 1 file$/);
	});

	it('a malformed file gives one parse line and the other files are still analysed', () => {
		const r = runCli([...only(PNA, TLS), `${FIXTURES}/mixed`]);
		assert.deepEqual(r.lines, [
			`${FIXTURES}/mixed/broken.json:9:7  error  parse  Invalid JSON: comma expected. Findings below this point may be incomplete.  parse-error`,
			`${FIXTURES}/mixed/nested/app/hub.json:11:75  warning  DP-3  DP-3: IoT Hub 'fixture-nested-hub' allows TLS older than 1.2 (minTlsVersion: '1.0'). Set properties.minTlsVersion to '1.2'.  ${TLS}`,
			'2 problems (1 error, 1 warning, 0 info) in 2 files',
		]);
		// node_modules is not entered; the non-template JSON is skipped quietly; the binary file gets one line.
		assert.doesNotMatch(r.stdout, /node_modules|fixture-dependency-hub|not-a-template/);
		assert.equal(r.stderr, `iothub-baseline: ${FIXTURES}/mixed/binary.json: binary file (contains NUL bytes)\n`);
		assert.equal(r.status, 1, 'a parse error is an error');
	});

	it('colours only when asked (stdout is not a TTY here), never in --output files', () => {
		const plain = runCli([...only(PNA, TLS), insecure]);
		assert.doesNotMatch(plain.stdout, /\u001b\[/);
		const forced = runCli([...only(PNA, TLS), '--color', insecure]);
		assert.match(forced.stdout, /\u001b\[33mwarning\u001b\[0m/);
		const t = tempDir();
		try {
			const out = path.join(t.dir, 'report.txt');
			const r = runCli([...only(PNA, TLS), '--color', '--output', out, insecure]);
			assert.doesNotMatch(readFileSync(out, 'utf8'), /\u001b\[/);
			assert.equal(r.stdout, '');
		} finally {
			t.cleanup();
		}
	});

	it('--output writes the report to the file and still sets the exit code', () => {
		const t = tempDir();
		try {
			const out = path.join(t.dir, 'report.txt');
			const r = runCli([...only(PNA, TLS), '--rule', `${PNA}=error`, '-o', out, insecure]);
			assert.equal(r.status, 1);
			assert.equal(r.stdout, '');
			assert.equal(r.stderr, '');
			const lines = readFileSync(out, 'utf8').split('\n');
			assert.deepEqual(lines, [
				`${template}:16:32  error  NS-2  ${pnaMessage}  ${PNA}`,
				`${template}:17:26  warning  DP-3  ${tlsMessage}  ${TLS}`,
				`${params}:6:39  error  NS-2  ${pnaMessage}  ${PNA}`,
				'3 problems (2 errors, 1 warning, 0 info) in 2 files',
				'',
			]);
		} finally {
			t.cleanup();
		}
	});
});
