import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixtureText, fixtureUri, rangeOf, startServer, type TestServer } from './support/lsp-harness';

const DOCS = 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/rules/';
const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const pnaMessage =
	"NS-2: IoT Hub 'bicep-hub' allows public network access (publicNetworkAccess: 'Enabled'). Set properties.publicNetworkAccess to 'Disabled' and reach the hub through a private endpoint.";

describe('bicep', () => {
	let server: TestServer;
	const templateUri = fixtureUri('bicep/iot.bicep');
	const paramsUri = fixtureUri('bicep/iot.bicepparam');
	const template = fixtureText('bicep/iot.bicep');
	const params = fixtureText('bicep/iot.bicepparam');
	before(async () => {
		server = await startServer();
	});
	after(async () => {
		await server.stop();
	});

	it('reports a .bicep template exactly, with the .bicepparam value as related information', async (t) => {
		// The first document of a fresh server: it waits for the grammar to load.
		const published = await server.open(templateUri, 'bicep', template);
		t.diagnostic(`process start → first Bicep publishDiagnostics: ${server.firstPublishMs?.toFixed(0)} ms`);
		assert.deepEqual(published.diagnostics, [
			{
				range: rangeOf(template, 'access', template.indexOf('publicNetworkAccess:')),
				severity: 2,
				code: PNA,
				codeDescription: { href: `${DOCS}${PNA}.md` },
				source: 'iothub-baseline',
				message: pnaMessage,
				data: { control: 'NS-2', ruleId: PNA, fixes: 0 },
				relatedInformation: [{ location: { uri: paramsUri, range: rangeOf(params, "'Enabled'") }, message: "The value comes from the parameter file value of 'access'." }],
			},
			{
				range: rangeOf(template, 'tls', template.indexOf('minTlsVersion:')),
				severity: 2,
				code: TLS,
				codeDescription: { href: `${DOCS}${TLS}.md` },
				source: 'iothub-baseline',
				message: "DP-3: IoT Hub 'bicep-hub' allows TLS older than 1.2 (minTlsVersion: '1.0'). Set properties.minTlsVersion to '1.2'.",
				data: { control: 'DP-3', ruleId: TLS, fixes: 1 },
				relatedInformation: [{ location: { uri: templateUri, range: rangeOf(template, "'1.0'") }, message: "The value comes from the default value of parameter 'tls'." }],
			},
		]);
	});

	it('fixes the Bicep parameter default in place', async () => {
		const uri = 'untitled:fix.bicep';
		const { diagnostics } = await server.open(uri, 'bicep', template);
		const d = diagnostics.find((x) => x.code === TLS)!;
		const actions = await server.codeActions(uri, d.range, [d]);
		assert.deepEqual(
			actions.map((a) => [a.title, a.kind, a.edit]),
			[
				["Set minTlsVersion to '1.2' (settable only when the hub is created)", 'quickfix', { changes: { [uri]: [{ range: rangeOf(template, "'1.0'"), newText: "'1.2'" }] } }],
				// Suppressing is offered after fixing (test/lsp/suppressions.test.ts covers it).
				[`Suppress ${TLS} for this resource`, 'quickfix', actions[1]?.edit],
			],
		);
		const versions = await server.applyWorkspaceEdit(actions[0].edit!);
		assert.deepEqual(
			(await server.forVersion(uri, versions.get(uri))).diagnostics.map((x) => x.code),
			// Without the .bicepparam beside it, the untitled copy uses the secure default for `access`.
			[],
		);
	});

	it('shows the finding in the .bicepparam file and fixes it there; the open template follows', async () => {
		const published = await server.open(paramsUri, 'bicep-params', params);
		assert.deepEqual(
			published.diagnostics.map((d) => [d.code, d.range, d.relatedInformation]),
			[[PNA, rangeOf(params, "'Enabled'"), [{ location: { uri: templateUri, range: rangeOf(template, 'access', template.indexOf('publicNetworkAccess:')) }, message: 'The template property that uses this value.' }]]],
		);
		const d = published.diagnostics[0];
		const actions = await server.codeActions(paramsUri, d.range, [d]);
		assert.equal(actions.length, 1);
		assert.deepEqual(actions[0].edit, { changes: { [paramsUri]: [{ range: rangeOf(params, "'Enabled'"), newText: "'Disabled'" }] } });

		const templateFollows = server.next(templateUri, (p) => p.diagnostics.every((x) => x.code !== PNA));
		const versions = await server.applyWorkspaceEdit(actions[0].edit!);
		assert.deepEqual((await server.forVersion(paramsUri, versions.get(paramsUri))).diagnostics, []);
		assert.deepEqual(
			(await templateFollows).diagnostics.map((x) => x.code),
			[TLS],
		);
	});

	it('follows incremental edits in a Bicep document', async () => {
		const uri = 'untitled:edits.bicep';
		const text = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  location: 'westeurope'\n  sku: { name: 'S1', capacity: 1 }\n  properties: {\n    publicNetworkAccess: 'Enabled'\n    minTlsVersion: '1.2'\n  }\n}\n";
		const first = await server.open(uri, 'bicep', text);
		assert.deepEqual(
			first.diagnostics.map((d) => d.code),
			[PNA],
		);
		const range = rangeOf(text, "'Enabled'");
		const v = await server.edit(uri, [{ range, newText: "'Disabled'" }]);
		assert.deepEqual((await server.forVersion(uri, v)).diagnostics, []);
	});
});
