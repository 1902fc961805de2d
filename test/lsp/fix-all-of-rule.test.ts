import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rangeOf, startServer, type TestServer } from './support/lsp-harness';

const TLS = 'iothub-min-tls-1-2';

const hubJson = (name: string, tls: string) => `    {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "2023-06-30",
      "name": "${name}",
      "location": "westeurope",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": { "publicNetworkAccess": "Disabled", "minTlsVersion": "${tls}" }
    }`;

const template = (tls1: string, tls2: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
${hubJson('hub-a', tls1)},
${hubJson('hub-b', tls2)}
  ]
}
`;

describe('fix all problems of one rule', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => {
		await server.stop();
	});

	it('is offered beside the quick fix when the rule has several fixable findings, and fixes them all', async () => {
		const uri = 'untitled:two-hubs.json';
		const text = template('1.0', '1.1');
		const { diagnostics } = await server.open(uri, 'json', text);
		const tls = diagnostics.filter((d) => d.code === TLS);
		assert.equal(tls.length, 2);
		const actions = await server.codeActions(uri, tls[0].range, [tls[0]]);
		const ruleWide = actions.find((a) => a.title === `Fix all 2 ${TLS} problems in this file`);
		assert.ok(ruleWide, `offered: ${actions.map((a) => a.title).join(' | ')}`);
		assert.deepEqual(ruleWide.edit, {
			changes: {
				[uri]: [
					{ range: rangeOf(text, '"1.0"'), newText: '"1.2"' },
					{ range: rangeOf(text, '"1.1"'), newText: '"1.2"' },
				],
			},
		});
		const versions = await server.applyWorkspaceEdit(ruleWide.edit!);
		assert.equal(server.text(uri), template('1.2', '1.2'));
		const after = await server.forVersion(uri, versions.get(uri));
		assert.deepEqual(after.diagnostics.filter((d) => d.code === TLS), []);
	});

	it('is not offered for a rule with a single finding', async () => {
		const uri = 'untitled:one-bad-hub.json';
		const text = template('1.0', '1.2');
		const { diagnostics } = await server.open(uri, 'json', text);
		const d = diagnostics.find((x) => x.code === TLS);
		assert.ok(d);
		const actions = await server.codeActions(uri, d.range, [d]);
		assert.equal(actions.filter((a) => a.title.startsWith('Fix all ')).length, 0);
	});
});
