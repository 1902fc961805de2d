import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixtureText, fixtureUri, rangeOf, startServer, type TestServer } from './support/lsp-harness';

const DOCS = 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/rules/';
const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const pnaMessage = (hub: string) =>
	`NS-2: IoT Hub '${hub}' allows public network access (publicNetworkAccess: 'Enabled'). Set properties.publicNetworkAccess to 'Disabled' and reach the hub through a private endpoint.`;
const tlsMessage = "DP-3: IoT Hub 'contoso-hub' allows TLS older than 1.2 (minTlsVersion: '1.0'). Set properties.minTlsVersion to '1.2'.";

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

/** The two findings of test/fixtures/lsp/insecure-hub.json at `uri`. */
function insecureHubDiagnostics(uri: string, lineOf = (l: number) => l) {
	return [
		{
			range: range(lineOf(17), 31, lineOf(17), 40),
			severity: 2,
			code: PNA,
			codeDescription: { href: `${DOCS}${PNA}.md` },
			source: 'iothub-baseline',
			message: pnaMessage('contoso-hub'),
			data: { control: 'NS-2', ruleId: PNA, fixes: 0 },
		},
		{
			range: range(lineOf(18), 25, lineOf(18), 46),
			severity: 2,
			code: TLS,
			codeDescription: { href: `${DOCS}${TLS}.md` },
			source: 'iothub-baseline',
			message: tlsMessage,
			data: { control: 'DP-3', ruleId: TLS, fixes: 1 },
			relatedInformation: [{ location: { uri, range: range(lineOf(6), 22, lineOf(6), 27) }, message: "The value comes from the default value of parameter 'tls'." }],
		},
	];
}

describe('diagnostics', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => {
		await server.stop();
	});

	it('reports each finding of an insecure ARM template exactly', async (t) => {
		const uri = fixtureUri('insecure-hub.json');
		const published = await server.open(uri, 'json', fixtureText('insecure-hub.json'));
		t.diagnostic(`process start → first publishDiagnostics: ${server.firstPublishMs?.toFixed(0)} ms`);
		assert.equal(published.version, 1);
		assert.deepEqual(published.diagnostics, insecureHubDiagnostics(uri));
	});

	it('computes positions on \\r\\n text the same way', async () => {
		const uri = 'untitled:crlf-hub.json';
		const published = await server.open(uri, 'json', fixtureText('insecure-hub.json').replace(/\n/g, '\r\n'));
		assert.deepEqual(published.diagnostics, insecureHubDiagnostics(uri));
	});

	it('publishes an empty list for JSON that is not a template', async () => {
		const published = await server.open(fixtureUri('not-a-template.json'), 'json', fixtureText('not-a-template.json'));
		assert.deepEqual(published.diagnostics, []);
	});

	it('reports malformed JSON once, as parse-error', async () => {
		const text = fixtureText('malformed.json');
		const published = await server.open(fixtureUri('malformed.json'), 'json', text);
		assert.deepEqual(published.diagnostics, [
			{
				range: rangeOf(text, '"minTlsVersion"'),
				severity: 1,
				code: 'parse-error',
				source: 'iothub-baseline',
				message: 'Invalid JSON: comma expected. Findings below this point may be incomplete.',
			},
		]);
	});

	it('points at the parameter file that sets an insecure value, in the template and in the parameter file', async () => {
		const templateUri = fixtureUri('with-params/hub.json');
		const paramsUri = fixtureUri('with-params/hub.parameters.json');
		const template = fixtureText('with-params/hub.json');
		const params = fixtureText('with-params/hub.parameters.json');
		const published = await server.open(templateUri, 'json', template);
		assert.deepEqual(published.diagnostics, [
			{
				range: rangeOf(template, `"[parameters('publicNetworkAccess')]"`),
				severity: 2,
				code: PNA,
				codeDescription: { href: `${DOCS}${PNA}.md` },
				source: 'iothub-baseline',
				message: pnaMessage('params-hub'),
				data: { control: 'NS-2', ruleId: PNA, fixes: 0 },
				// The parameter file is not open: its position comes from the file on disk.
				relatedInformation: [{ location: { uri: paramsUri, range: rangeOf(params, '"Enabled"') }, message: "The value comes from the parameter file value of 'publicNetworkAccess'." }],
			},
		]);

		const inParams = await server.open(paramsUri, 'json', params);
		assert.deepEqual(inParams.diagnostics, [
			{
				range: rangeOf(params, '"Enabled"'),
				severity: 2,
				code: PNA,
				codeDescription: { href: `${DOCS}${PNA}.md` },
				source: 'iothub-baseline',
				message: pnaMessage('params-hub'),
				data: { control: 'NS-2', ruleId: PNA, fixes: 0 },
				relatedInformation: [{ location: { uri: templateUri, range: rangeOf(template, `"[parameters('publicNetworkAccess')]"`) }, message: 'The template property that uses this value.' }],
			},
		]);
		await server.close(paramsUri);
		await server.close(templateUri);
	});

	it('analyses an untitled document from its buffer', async () => {
		const uri = 'untitled:Untitled-1';
		const published = await server.open(uri, 'json', fixtureText('insecure-hub.json'));
		assert.deepEqual(published.diagnostics, insecureHubDiagnostics(uri));
	});

	it('decides by content, also for the arm-template language id', async () => {
		const uri = 'untitled:Untitled-2';
		const published = await server.open(uri, 'arm-template', fixtureText('insecure-hub.json'));
		assert.deepEqual(
			published.diagnostics.map((d) => d.code),
			[PNA, TLS],
		);
	});

	it('ignores documents that are neither JSON nor Bicep', async () => {
		const yaml = fixtureUri('pipeline.yaml');
		await server.openNoWait(yaml, 'yaml', 'resources:\n  - type: Microsoft.Devices/IotHubs\n');
		// A document opened after it is answered, so the YAML one was handled (and skipped) by then.
		await server.open('untitled:after-yaml.json', 'json', '{}');
		assert.equal((await server.analysisCount(yaml)).document, 0);
		assert.equal(server.published.filter((p) => p.uri === yaml).length, 0);
	});

	it('clears the diagnostics of a closed document', async () => {
		const uri = 'untitled:to-close.json';
		await server.open(uri, 'json', fixtureText('insecure-hub.json'));
		const cleared = server.next(uri);
		await server.close(uri);
		assert.deepEqual((await cleared).diagnostics, []);
	});
});
