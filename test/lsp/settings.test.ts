import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { armHub } from '../support/templates';
import { fixtureText, fixtureUri, startServer, withBase } from './support/lsp-harness';

const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const codes = (p: { diagnostics: { code?: string | number }[] }) => p.diagnostics.map((d) => d.code);

describe('settings', () => {
	it('turning a rule off (workspace/configuration pull) removes its diagnostics, turning it back on restores them', async () => {
		const server = await startServer();
		try {
			const uri = 'untitled:rules-pull.json';
			assert.deepEqual(codes(await server.open(uri, 'json', fixtureText('insecure-hub.json'))), [PNA, TLS]);

			server.settings = withBase({ rules: { [PNA]: 'off' } });
			let next = server.next(uri);
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
			assert.deepEqual(codes(await next), [TLS]);

			server.settings = withBase({ rules: { [PNA]: 'error', [TLS]: 'info' } });
			next = server.next(uri);
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
			assert.deepEqual(
				(await next).diagnostics.map((d) => [d.code, d.severity]),
				[
					[PNA, 1],
					[TLS, 3],
				],
			);
		} finally {
			await server.stop();
		}
	});

	it('takes pushed settings from clients without workspace/configuration', async () => {
		const server = await startServer({ pullConfiguration: false });
		try {
			const uri = 'untitled:rules-push.json';
			assert.deepEqual(codes(await server.open(uri, 'json', fixtureText('insecure-hub.json'))), [PNA, TLS]);
			const next = server.next(uri);
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { iothubBaseline: withBase({ rules: { [TLS]: 'off' } }) } });
			assert.deepEqual(codes(await next), [PNA]);
		} finally {
			await server.stop();
		}
	});

	it('accepts settings as initializationOptions (Neovim, Emacs)', async () => {
		const server = await startServer({ pullConfiguration: false, initializationOptions: withBase({ rules: { [PNA]: 'off', [TLS]: 'error' } }) });
		try {
			const published = await server.open('untitled:init-options.json', 'json', fixtureText('insecure-hub.json'));
			assert.deepEqual(
				published.diagnostics.map((d) => [d.code, d.severity]),
				[[TLS, 1]],
			);
		} finally {
			await server.stop();
		}
	});

	it('serves the barest client (no capabilities, only a rootUri) without waiting for settings', async () => {
		const server = await startServer({ bare: true });
		try {
			const uri = 'untitled:bare.json';
			const opened = server.next(uri, () => true, 2000);
			await server.openNoWait(uri, 'json', fixtureText('insecure-hub.json'));
			assert.deepEqual(codes(await opened), [PNA, TLS]);
		} finally {
			await server.stop();
		}
	});

	it('enable: false clears every document and analyses nothing until enabled again', async () => {
		const server = await startServer();
		try {
			const a = 'untitled:enable-a.json';
			const b = fixtureUri('insecure-hub.json');
			await server.open(a, 'json', fixtureText('insecure-hub.json'));
			await server.open(b, 'json', fixtureText('insecure-hub.json'));
			server.settings = withBase({ enable: false });
			const clearedA = server.next(a, (p) => p.diagnostics.length === 0);
			const clearedB = server.next(b, (p) => p.diagnostics.length === 0);
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
			await Promise.all([clearedA, clearedB]);
			const before = (await server.analysisCount()).total;
			const v = await server.replace(a, fixtureText('insecure-hub.json') + ' ');
			assert.deepEqual((await server.forVersion(a, v)).diagnostics, []);
			assert.equal((await server.analysisCount()).total, before);
			assert.deepEqual(await server.codeActions(a, { start: { line: 17, character: 31 }, end: { line: 17, character: 40 } }, [], ['source.fixAll']), []);

			server.settings = withBase({ enable: true });
			const back = server.next(a, (p) => p.diagnostics.length === 2);
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
			await back;
		} finally {
			await server.stop();
		}
	});

	it('parameterFiles maps a template to another parameter file', async () => {
		const server = await startServer({ settings: withBase({ parameterFiles: { 'with-params/hub.json': 'with-params/secure.parameters.json' } }) });
		try {
			const published = await server.open(fixtureUri('with-params/hub.json'), 'json', fixtureText('with-params/hub.json'));
			assert.deepEqual(published.diagnostics, []);

			server.settings = withBase({ parameterFiles: { 'with-params/*.json': './with-params/hub.parameters.json' } });
			const next = server.next(fixtureUri('with-params/hub.json'));
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
			assert.deepEqual(codes(await next), [PNA]);
		} finally {
			await server.stop();
		}
	});

	it('reportUnknown reports values known only at deployment as information', async () => {
		const text = armHub({ publicNetworkAccess: `"[parameters('access')]"`, minTlsVersion: '"1.2"' }, { parameters: ['"access": { "type": "string" }'] });
		const server = await startServer({ settings: withBase({ reportUnknown: true }) });
		try {
			const published = await server.open('untitled:unknown.json', 'json', text);
			assert.equal(published.diagnostics.length, 1);
			const [d] = published.diagnostics;
			assert.equal(d.code, PNA);
			assert.equal(d.severity, 3);
			assert.match(d.message as string, /^NS-2: Cannot verify properties\.publicNetworkAccess of IoT Hub 'contoso-hub'/);

			server.settings = withBase();
			const next = server.next('untitled:unknown.json');
			await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
			assert.deepEqual((await next).diagnostics, []);
		} finally {
			await server.stop();
		}
	});
});
