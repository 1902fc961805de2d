// `--format sarif`: valid SARIF 2.1.0, checked against the OASIS JSON schema (draft-07) with ajv.
// test/fixtures/cli/sarif-schema-2.1.0.json is the OASIS schema ($id
// https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json), taken
// unmodified (re-indented) from the npm package @datadog/datadog-ci-plugin-sarif 5.25.0, which validates
// uploads against it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { allRules } from '../../rules/index';
import { FIXTURES, PNA, TLS, only, repoRoot, runCli } from './run-cli';

const schema = JSON.parse(readFileSync(path.join(repoRoot, FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

// ajv-formats is not a dependency: the three formats the schema uses, checked here.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && uriReference(s) && canParse(s));
ajv.addFormat('uri-reference', (s: string) => uriReference(s));
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

function uriReference(s: string): boolean {
	return /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(s);
}

function canParse(s: string): boolean {
	try {
		new URL(s);
		return true;
	} catch {
		return false;
	}
}

function errorsOf(log: unknown): string {
	validate(log);
	return ajv.errorsText(validate.errors);
}

describe('cli: sarif report', () => {
	const r = runCli(['--format', 'sarif', `${FIXTURES}/insecure`, `${FIXTURES}/mixed`]);
	const log = JSON.parse(r.stdout);
	const run = log.runs[0];

	it('validates against the SARIF 2.1.0 schema', () => {
		assert.equal(validate(log), true, errorsOf(log));
		assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
		assert.equal(log.version, '2.1.0');
		assert.equal(log.runs.length, 1);
		assert.equal(r.status, 1);
	});

	it('negative controls: the schema rejects a wrong version, a 0 line and an unknown result property', () => {
		const clone = () => JSON.parse(r.stdout);
		const wrongVersion = clone();
		wrongVersion.version = '2.0.0';
		assert.equal(validate(wrongVersion), false);
		const zeroLine = clone();
		zeroLine.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
		assert.equal(validate(zeroLine), false);
		const extra = clone();
		extra.runs[0].results[0].severity = 'high';
		assert.equal(validate(extra), false);
		const badUri = clone();
		badUri.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'has space.json';
		assert.equal(validate(badUri), false);
	});

	it('describes every catalog rule in tool.driver', () => {
		const driver = run.tool.driver;
		assert.equal(driver.name, 'iothub-baseline');
		assert.equal(driver.version, pkg.version);
		assert.equal(driver.informationUri, 'https://github.com/iothub-baseline/iothub-security-baseline');
		// The catalog, then the findings about suppressions.
		assert.deepEqual(
			driver.rules.map((x: { id: string }) => x.id),
			[...allRules.map((x) => x.id), 'unused-suppression', 'suppression-justification'],
		);
		const tls = driver.rules.find((x: { id: string }) => x.id === TLS);
		assert.deepEqual(tls, {
			id: TLS,
			name: 'IothubMinTls12',
			shortDescription: { text: 'IoT Hub should reject TLS versions older than 1.2' },
			fullDescription: { text: 'IoT Hub should reject TLS versions older than 1.2. Azure security baseline for IoT Hub, Microsoft cloud security benchmark control DP-3.' },
			helpUri: 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/rules/iothub-min-tls-1-2.md',
			defaultConfiguration: { level: 'warning' },
			properties: { tags: ['DP-3', 'security', 'MCSB'], 'security-severity': '5.0' },
		});
	});

	it('gives results with rule index, level, 1-based region, related locations and fingerprints', () => {
		assert.equal(run.columnKind, 'utf16CodeUnits');
		assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `${new URL(`file://${repoRoot}/`).href}`);
		const tls = run.results.find((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.ruleId === TLS && x.locations[0].physicalLocation.artifactLocation.uri.endsWith('insecure/iot-hub.json'));
		assert.equal(tls.ruleIndex, allRules.findIndex((x) => x.id === TLS));
		assert.equal(tls.level, 'warning');
		assert.deepEqual(tls.locations, [
			{ physicalLocation: { artifactLocation: { uri: `${FIXTURES}/insecure/iot-hub.json`, uriBaseId: '%SRCROOT%' }, region: { startLine: 17, startColumn: 26, endLine: 17, endColumn: 31 } } },
		]);
		assert.deepEqual(tls.properties, { control: 'DP-3', resource: { name: 'fixture-prod-hub', type: 'Microsoft.Devices/IotHubs' } });
		assert.deepEqual(tls.fixes[0].artifactChanges[0].replacements, [{ deletedRegion: { startLine: 17, startColumn: 26, endLine: 17, endColumn: 31 }, insertedContent: { text: '"1.2"' } }]);
		const pna = run.results.find((x: { ruleId: string }) => x.ruleId === PNA);
		assert.deepEqual(pna.relatedLocations, [
			{
				id: 1,
				physicalLocation: { artifactLocation: { uri: `${FIXTURES}/insecure/iot-hub.parameters.json`, uriBaseId: '%SRCROOT%' }, region: { startLine: 6, startColumn: 39, endLine: 6, endColumn: 48 } },
				message: { text: "The value comes from the parameter file value of 'publicNetworkAccess'." },
			},
		]);
		const prints = run.results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['iothubBaselineFinding/v1']);
		assert.ok(prints.every((p: string) => /^[0-9a-f]{64}$/.test(p)));
		assert.equal(new Set(prints).size, prints.length, 'fingerprints differ between findings');
		const again = JSON.parse(runCli(['--format', 'sarif', `${FIXTURES}/insecure`, `${FIXTURES}/mixed`]).stdout);
		assert.deepEqual(
			again.runs[0].results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['iothubBaselineFinding/v1']),
			prints,
			'fingerprints are stable between runs',
		);
	});

	it('reports parse problems and unreadable files as tool execution notifications', () => {
		const notes = run.invocations[0].toolExecutionNotifications;
		assert.deepEqual(
			notes.map((n: { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [n.level, n.message.text, n.locations[0].physicalLocation.artifactLocation.uri]),
			[
				['warning', `${FIXTURES}/mixed/binary.json: binary file (contains NUL bytes)`, `${FIXTURES}/mixed/binary.json`],
				['error', 'Invalid JSON: comma expected. Findings below this point may be incomplete.', `${FIXTURES}/mixed/broken.json`],
			],
		);
		assert.equal(run.invocations[0].executionSuccessful, true);
	});

	it('--rule overrides appear as ruleConfigurationOverrides and the output stays valid', () => {
		const o = runCli([...only(PNA, TLS), '--format', 'sarif', '--rule', `${TLS}=error`, `${FIXTURES}/insecure`]);
		const overridden = JSON.parse(o.stdout);
		assert.equal(validate(overridden), true, errorsOf(overridden));
		const overrides = overridden.runs[0].invocations[0].ruleConfigurationOverrides;
		assert.deepEqual(
			overrides.find((x: { descriptor: { id: string } }) => x.descriptor.id === TLS),
			{ descriptor: { id: TLS, index: allRules.findIndex((x) => x.id === TLS) }, configuration: { level: 'error' } },
		);
		assert.ok(overridden.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === TLS).every((x: { level: string }) => x.level === 'error'));
		assert.equal(o.status, 1);
	});
});
