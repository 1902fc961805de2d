// `--format json`: the documented shape (docs/cli-json-format.md) on the fixtures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, PNA, TLS, only, repoRoot, runCli } from './run-cli';

const insecure = `${FIXTURES}/insecure`;
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const pnaMessage = "NS-2: IoT Hub 'fixture-prod-hub' allows public network access (publicNetworkAccess: 'Enabled'). Set properties.publicNetworkAccess to 'Disabled' and reach the hub through a private endpoint.";
const hub = { name: 'fixture-prod-hub', type: 'Microsoft.Devices/IotHubs' };

describe('cli: json report', () => {
	const r = runCli([...only(PNA, TLS), '--format', 'json', insecure, `${FIXTURES}/mixed`]);
	const report = JSON.parse(r.stdout);
	const templateText = readFileSync(path.join(repoRoot, insecure, 'iot-hub.json'), 'utf8');
	const paramsText = readFileSync(path.join(repoRoot, insecure, 'iot-hub.parameters.json'), 'utf8');

	it('has the documented top level', () => {
		assert.deepEqual(Object.keys(report), ['version', 'tool', 'files', 'skipped', 'summary']);
		assert.equal(report.version, 1);
		assert.deepEqual(report.tool, { name: 'iothub-baseline', version: pkg.version });
		assert.deepEqual(report.summary, { errors: 1, warnings: 4, info: 0, files: 4, suppressed: 0 });
		assert.deepEqual(report.skipped, [{ path: `${FIXTURES}/mixed/binary.json`, reason: 'binary file (contains NUL bytes)' }]);
		assert.equal(r.status, 1);
	});

	it('lists analysed files in order with their kind; non-templates and skipped dirs are absent', () => {
		assert.deepEqual(
			report.files.map((f: { path: string; kind: string }) => [f.path, f.kind]),
			[
				[`${insecure}/iot-hub.json`, 'armTemplate'],
				[`${insecure}/iot-hub.parameters.json`, 'armParameters'],
				[`${FIXTURES}/mixed/broken.json`, 'armTemplate'],
				[`${FIXTURES}/mixed/nested/app/hub.json`, 'armTemplate'],
			],
		);
	});

	it('gives each finding with 0-based range, offsets, resource, related locations and fixes', () => {
		const [template, params] = report.files;
		assert.deepEqual(template.problems, []);
		assert.deepEqual(template.findings[1], {
			path: `${insecure}/iot-hub.json`,
			ruleId: TLS,
			messageId: 'tlsTooLow',
			control: 'DP-3',
			severity: 'warning',
			message: "DP-3: IoT Hub 'fixture-prod-hub' allows TLS older than 1.2 (minTlsVersion: '1.0'). Set properties.minTlsVersion to '1.2'.",
			range: { start: { line: 16, character: 25 }, end: { line: 16, character: 30 } },
			offset: { start: templateText.indexOf('"1.0"'), end: templateText.indexOf('"1.0"') + 5 },
			resource: hub,
			related: [],
			fixes: [{ title: "Set minTlsVersion to '1.2' (settable only when the hub is created)", kind: 'suggestion' }],
			unknown: false,
			suppressed: null,
		});
		const pna = template.findings[0];
		assert.equal(templateText.slice(pna.offset.start, pna.offset.end), '"[parameters(\'publicNetworkAccess\')]"');
		const valueAt = paramsText.indexOf('"Enabled"');
		assert.deepEqual(pna.related, [
			{ path: `${insecure}/iot-hub.parameters.json`, range: { start: { line: 5, character: 38 }, end: { line: 5, character: 47 } }, message: "The value comes from the parameter file value of 'publicNetworkAccess'." },
		]);
		// The same value, reported once more in the parameter file, at the value it sets.
		assert.deepEqual(
			params.findings.map((f: { ruleId: string; message: string; offset: unknown; related: { path: string }[] }) => [f.ruleId, f.message, f.offset, f.related.map((x) => x.path)]),
			[[PNA, pnaMessage, { start: valueAt, end: valueAt + 9 }, [`${insecure}/iot-hub.json`]]],
		);
	});

	it('reports parse problems per file', () => {
		const broken = report.files[2];
		assert.deepEqual(broken.problems, [
			{
				severity: 'error',
				message: 'Invalid JSON: comma expected. Findings below this point may be incomplete.',
				range: { start: { line: 8, character: 6 }, end: { line: 8, character: 16 } },
				offset: broken.problems[0].offset,
			},
		]);
		assert.deepEqual(broken.findings, []);
	});

	it('--quiet keeps errors only in files[], the summary keeps all counts', () => {
		const quiet = JSON.parse(runCli([...only(PNA, TLS), '--quiet', '--format', 'json', insecure]).stdout);
		assert.deepEqual(quiet.files.map((f: { findings: unknown[] }) => f.findings.length), [0, 0]);
		assert.deepEqual(quiet.summary, { errors: 0, warnings: 3, info: 0, files: 2, suppressed: 0 });
	});
});
