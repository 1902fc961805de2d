// The language server side of issue 5: the coverage report request (folder or single document, open
// buffers first) and the "Show documentation for <rule>" code action for clients that run the command.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { repoRoot, startServer, withBase, type TestServer } from '../lsp/support/lsp-harness';

const REQUEST = 'iothubBaseline/coverageReport';
const SHOW_DOC = 'iothubBaseline.showRuleDoc';
const examples = path.join(repoRoot, 'examples');

interface ReportResult {
	format: string;
	content: string;
	subjects: number;
	documents: number;
	truncated: boolean;
}

const TLS_HUB = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "2023-06-30",
      "name": "<b>lsp-hub</b>",
      "location": "westeurope",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": { "publicNetworkAccess": "Disabled", "minTlsVersion": "1.0" }
    }
  ]
}
`;

describe('coverage report request', () => {
	let server: TestServer;
	before(async () => {
		// Every rule at its default level (the harness turns most off otherwise).
		server = await startServer({ workspaceFolder: examples, settings: {}, initializationOptions: {} });
	});
	after(() => server.stop());

	it('reports a workspace folder as HTML', async () => {
		const r = await server.connection.sendRequest<ReportResult>(REQUEST, { uri: pathToFileURL(examples).href });
		assert.equal(r.format, 'html');
		assert.equal(r.subjects, 4);
		assert.equal(r.documents, 6);
		assert.equal(r.truncated, false);
		assert.match(r.content, /^<!DOCTYPE html>/);
		assert.match(r.content, /<title>IoT Hub security baseline coverage: examples<\/title>/);
		// Paths relative to the folder.
		assert.match(r.content, /<code>iothub-min-tls-1-2<\/code> \(warning\) at <span class="loc">insecure-hub\.json:36<\/span>/);
		assert.doesNotMatch(r.content, /<script/i);
	});

	it('reports one document, from its unsaved buffer, in Markdown on request', async () => {
		const uri = pathToFileURL(path.join(examples, 'unsaved-hub.json')).href;
		await server.open(uri, 'json', TLS_HUB);
		const r = await server.connection.sendRequest<ReportResult>(REQUEST, { uri, format: 'markdown' });
		assert.equal(r.format, 'markdown');
		assert.equal(r.subjects, 1);
		assert.match(r.content, /## IoT Hub &lt;b&gt;lsp-hub&lt;\/b&gt;/);
		assert.match(r.content, /`iothub-min-tls-1-2` \(warning\) at unsaved-hub\.json:11/);
		await server.close(uri);
	});

	it('answers a bad request with an error, and keeps serving', async () => {
		await assert.rejects(server.connection.sendRequest(REQUEST, {}), /coverageReport needs \{ uri \}/);
		const r = await server.connection.sendRequest<ReportResult>(REQUEST, { uri: pathToFileURL(path.join(examples, 'secure-hub.json')).href });
		assert.equal(r.subjects, 1);
	});
});

describe('"Show documentation" code action', () => {
	const uri = 'untitled:doc-action.json';

	async function actionsWith(experimental: Record<string, unknown> | undefined): Promise<{ titles: string[]; commands: unknown[]; diagnostics: Diagnostic[] }> {
		const server = await startServer({ settings: withBase(), experimental });
		try {
			const published = await server.open(uri, 'json', TLS_HUB);
			const d = published.diagnostics.find((x) => x.code === 'iothub-min-tls-1-2');
			assert.ok(d, `no TLS diagnostic: ${JSON.stringify(published.diagnostics)}`);
			const actions = await server.codeActions(uri, d.range, [d, d]);
			return { titles: actions.map((a) => a.title), commands: actions.map((a) => a.command), diagnostics: published.diagnostics };
		} finally {
			await server.stop();
		}
	}

	it('is offered once per rule to a client that runs the command', async () => {
		const { titles, commands } = await actionsWith({ iothubBaseline: { showRuleDoc: true } });
		const docs = titles.filter((t) => t.startsWith('Show documentation'));
		assert.deepEqual(docs, ['Show documentation for iothub-min-tls-1-2']);
		assert.ok(commands.some((c) => JSON.stringify(c) === JSON.stringify({ title: 'Show documentation for iothub-min-tls-1-2', command: SHOW_DOC, arguments: ['iothub-min-tls-1-2'] })));
		// The fix is still first.
		assert.match(titles[0], /minTlsVersion|TLS/);
	});

	it('is not offered to other clients', async () => {
		const { titles } = await actionsWith(undefined);
		assert.ok(titles.length > 0);
		assert.ok(!titles.some((t) => t.startsWith('Show documentation')), titles.join(' | '));
	});
});
