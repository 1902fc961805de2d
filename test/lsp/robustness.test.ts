import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'vscode-languageserver/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { allRules } from '../../rules';
import { defineRule } from '../../server/src/analysis/rule';
import { startLanguageServer } from '../../server/src/lsp/language-server';
import { TESTED_RULES, fixtureText, startInProcess, startServer, withTimeout, type TestServer } from './support/lsp-harness';

const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const MB = 1024 * 1024;
const schema = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** The server still answers requests. */
async function alive(server: TestServer): Promise<void> {
	const count = await withTimeout(server.analysisCount(), 5000, 'analysisCount');
	assert.equal(typeof count.total, 'number');
	assert.equal(server.proc?.exitCode ?? null, null);
}

describe('robustness', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => {
		await server.stop();
	});

	it('survives broken JSON-RPC frames and requests with nonsense parameters', async () => {
		const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
		const stdin = server.proc!.stdin!;
		stdin.write(frame('{not json'));
		stdin.write(frame('{"jsonrpc":"2.0"}'));
		stdin.write(frame('{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":42}}}'));
		stdin.write(frame('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:never-opened","version":3},"contentChanges":[{"text":"x"}]}}'));
		await assert.rejects(server.connection.sendRequest('no/such/method', {}));
		assert.deepEqual(await server.connection.sendRequest('textDocument/codeAction', { bogus: true }), []);
		assert.deepEqual(await server.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: 'untitled:x' }, range: null, context: { diagnostics: [{ source: 'iothub-baseline' }] } }), []);
		await alive(server);
		// And it still analyses.
		const published = await server.open('untitled:after-garbage.json', 'json', fixtureText('insecure-hub.json'));
		assert.equal(published.diagnostics.length, 2);
	});

	it('analyses pathological documents without dying', async () => {
		const docs: [string, string, string][] = [
			['deep.json', 'json', '['.repeat(100_000)],
			['deep-template.json', 'json', `{"$schema": "${schema}", "contentVersion": "1.0.0.0", "resources": [${'['.repeat(50_000)}`],
			['deep-expression.json', 'json', `{"$schema": "${schema}", "contentVersion": "1.0.0.0", "resources": [{"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "[${'concat('.repeat(5000)}'x'${')'.repeat(5000)}]", "properties": {}}]}`],
			['odd-values.json', 'json', `{"$schema": "${schema}", "contentVersion": "1.0.0.0", "resources": [null, 1, "x", {"type": 5}, {"type": "Microsoft.Devices/IotHubs", "properties": [1e999, -0, "\\uD800\\u0000"]}]}`],
			['resources-number.json', 'json', `{"$schema": "${schema}", "contentVersion": "1.0.0.0", "resources": 5}`],
			['surrogates.json', 'json', '{"a": "\uD800\u0000\uFFFF"}'],
			['empty.json', 'json', ''],
			['empty.bicep', 'bicep', ''],
			['garbage.bicep', 'bicep', "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {{{{ %%% ###\n'unclosed"],
			['garbage.bicepparam', 'bicep-params', "using './nope.bicep'\nparam x = "],
			['binary.json', 'json', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
		];
		for (const [name, languageId, text] of docs) {
			const published = await server.open(`untitled:${name}`, languageId, text);
			assert.ok(Array.isArray(published.diagnostics), name);
			assert.ok(published.diagnostics.length <= 1 || published.diagnostics.every((d) => d.source === 'iothub-baseline'), name);
			assert.ok(published.diagnostics.filter((d) => d.code === 'parse-error').length <= 1, `${name}: at most one parse error`);
		}
		await alive(server);
	});

	it('skips a 25 MB template with one information diagnostic, and keeps serving', async () => {
		const uri = 'untitled:huge.json';
		const filler = `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "sa", "properties": {}},`;
		const count = Math.ceil((25 * MB) / filler.length);
		const text = `{"$schema": "${schema}", "contentVersion": "1.0.0.0", "resources": [${filler.repeat(count)}{"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "big", "properties": {}}]}`;
		assert.ok(text.length > 25 * MB);
		const published = await server.open(uri, 'json', text);
		assert.deepEqual(published.diagnostics, [
			{
				range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
				severity: 3,
				code: 'too-large',
				source: 'iothub-baseline',
				message: 'This file is larger than 20 MB, so the IoT Hub security baseline does not analyse it.',
			},
		]);
		assert.deepEqual(await server.codeActions(uri, published.diagnostics[0].range, published.diagnostics, ['quickfix', 'source.fixAll']), []);
		// An edit to the huge document is handled the same way.
		const v = await server.edit(uri, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, newText: ' ' }]);
		assert.equal((await server.forVersion(uri, v)).diagnostics[0].code, 'too-large');
		await server.close(uri);

		// Huge JSON that is plainly not a deployment file stays silent.
		const data = await server.open('untitled:huge-data.json', 'json', `[${'1,'.repeat(13 * MB)}1]`);
		assert.deepEqual(data.diagnostics, []);
		await server.close('untitled:huge-data.json');

		const small = await server.open('untitled:small-after-huge.json', 'json', fixtureText('insecure-hub.json'));
		assert.equal(small.diagnostics.length, 2);
		await alive(server);
	});
});

describe('a rule that throws', () => {
	const throwsOnHubs = defineRule({
		id: 'test-throws-on-hubs',
		mcsb: 'XX-1',
		title: 'throws',
		severity: 'error',
		resourceTypes: ['Microsoft.Devices/IotHubs'],
		fix: 'none',
		messages: {},
		check() {
			throw new Error('boom');
		},
	});
	const throwsOnTemplates = defineRule({
		id: 'test-throws-on-templates',
		mcsb: 'XX-2',
		title: 'throws too',
		severity: 'error',
		resourceTypes: [],
		fix: 'none',
		messages: {},
		checkTemplate() {
			throw new TypeError('bang');
		},
	});

	it('is logged with its id while the other rules still report', async () => {
		const server = await startInProcess((input, output) => {
			const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
			startLanguageServer(connection, { bicepReady: Promise.resolve(false), rules: [throwsOnHubs, ...allRules.filter((r) => TESTED_RULES.includes(r.id)), throwsOnTemplates] });
		});
		try {
			const uri = 'untitled:throwing-rule.json';
			const published = await server.open(uri, 'json', fixtureText('insecure-hub.json'));
			assert.deepEqual(
				published.diagnostics.map((d) => d.code),
				[PNA, TLS],
			);
			assert.ok(
				server.logs.some((l) => l.startsWith(`Rule 'test-throws-on-hubs' failed on ${uri}: Error: boom`)),
				server.logs.join('\n'),
			);
			assert.ok(server.logs.some((l) => l.startsWith(`Rule 'test-throws-on-templates' failed on ${uri}: TypeError: bang`)));
		} finally {
			await server.stop();
		}
	});
});
