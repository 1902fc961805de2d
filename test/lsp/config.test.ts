// The language server with iothub-baseline.json and suppressions: the file's rule levels win over settings,
// editing the file (in the editor, or on disk) changes diagnostics without a reload, its problems show in the
// file itself, suppressed findings are not published, and the "Suppress" and "remove unused" quick fixes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { applyTextEdits, rangeOf, startServer, withBase, type TestServer } from './support/lsp-harness';

const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const CONFIG = 'iothub-baseline.json';

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);
const levels = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => [d.code, d.severity]);
/** Waits for diagnostics of `uri` with these [code, severity] pairs (fails after the harness timeout). */
const until = (server: TestServer, uri: string, expected: unknown[]) => server.next(uri, (p) => JSON.stringify(levels(p)) === JSON.stringify(expected));

function hubJson(opts: { above?: string; tls?: string } = {}): string {
	return [
		'{',
		`  "$schema": "${SCHEMA}",`,
		'  "contentVersion": "1.0.0.0",',
		'  "resources": [',
		...(opts.above ? [`    ${opts.above}`] : []),
		'    {',
		'      "type": "Microsoft.Devices/IotHubs",',
		'      "apiVersion": "2023-06-30",',
		'      "name": "contoso-hub",',
		'      "location": "westeurope",',
		'      "properties": {',
		'        "publicNetworkAccess": "Enabled",',
		...(opts.tls ? [`        ${opts.tls}`] : []),
		'        "minTlsVersion": "1.0"',
		'      }',
		'    }',
		'  ]',
		'}',
		'',
	].join('\n');
}

const hubBicep = [
	"@description('The hub')",
	"resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {",
	"  name: 'contoso-hub'",
	"  location: 'westeurope'",
	'  properties: {',
	"    publicNetworkAccess: 'Enabled'",
	"    minTlsVersion: '1.0'",
	'  }',
	'}',
	'',
].join('\n');

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
	const d = diagnostics.find((x) => x.code === code);
	assert.ok(d, `no ${code} in ${JSON.stringify(diagnostics)}`);
	return d;
}

describe('lsp: iothub-baseline.json', () => {
	let ws: string;
	let server: TestServer;
	const file = (name: string) => path.join(ws, name);
	const uri = (name: string) => pathToFileURL(file(name)).href;

	before(async () => {
		ws = mkdtempSync(path.join(os.tmpdir(), 'iothub-lsp-config-'));
		mkdirSync(path.join(ws, 'infra'));
		writeFileSync(file(CONFIG), `{\n  // Team policy\n  "rules": { "${PNA}": "error" }\n}\n`);
		// Personal settings: PNA info (the file wins), TLS off (the file does not say: the setting applies).
		server = await startServer({ workspaceFolder: ws, settings: withBase({ rules: { [PNA]: 'info', [TLS]: 'off' } }) });
	});
	after(async () => {
		await server.stop();
		rmSync(ws, { recursive: true, force: true });
	});

	it('the file wins over settings for the rules it names; settings apply to the others', async () => {
		const published = await server.open(uri('infra/hub.json'), 'json', hubJson());
		assert.deepEqual(levels(published), [[PNA, 1]]);
		await server.close(uri('infra/hub.json'));
	});

	it('editing the open file changes the diagnostics of open templates at once, without a save or reload', async () => {
		const template = uri('infra/edit.json');
		await server.open(template, 'json', hubJson());
		assert.deepEqual((await server.open(uri(CONFIG), 'jsonc', `{ "rules": { "${PNA}": "error" } }`)).diagnostics, []);

		let next = until(server, template, [
			[PNA, 2],
			[TLS, 1],
		]);
		await server.replace(uri(CONFIG), `{ "rules": { "${PNA}": "warning", "${TLS}": "error" } }`);
		await next;

		// A problem in the file is shown in the file; what is valid still applies (PNA falls back to the setting).
		next = until(server, template, [
			[PNA, 3],
			[TLS, 1],
		]);
		const configDiagnostics = server.next(uri(CONFIG), (p) => p.diagnostics.length > 0);
		const bad = `{ "rules": { "${PNA}": "warn", "${TLS}": "error" } }`;
		await server.replace(uri(CONFIG), bad);
		await next;
		assert.deepEqual((await configDiagnostics).diagnostics, [
			{
				range: rangeOf(bad, '"warn"'),
				severity: 1,
				code: 'config',
				codeDescription: { href: 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/docs/configuration.md' },
				source: 'iothub-baseline',
				message: `unknown level "warn" for rule '${PNA}' (expected off, info, warning or error)`,
			},
		]);

		// Closing the unsaved buffer: the file on disk applies again.
		next = until(server, template, [[PNA, 1]]);
		await server.close(uri(CONFIG));
		await next;
		await server.close(template);
	});

	it('a change on disk (didChangeWatchedFiles) applies: a new, nearer file, then its removal', async () => {
		const template = uri('infra/disk.json');
		assert.deepEqual(codes(await server.open(template, 'json', hubJson())), [PNA]);
		writeFileSync(file(`infra/${CONFIG}`), `{ "rules": { "${TLS}": "warning" }, "suppressions": [{ "file": "disk.json", "rule": "${PNA}", "justification": "lab" }] }`);
		// The nearer file replaces the root one and suppresses PNA here; TLS is on.
		let next = until(server, template, [[TLS, 2]]);
		await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(`infra/${CONFIG}`), type: 1 }] });
		await next;

		rmSync(file(`infra/${CONFIG}`));
		next = until(server, template, [[PNA, 1]]);
		await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(`infra/${CONFIG}`), type: 3 }] });
		await next;
		await server.close(template);
	});

	it('ignored files get no diagnostics', async () => {
		writeFileSync(file(`infra/${CONFIG}`), '{ "ignore": ["ignored.json"] }');
		try {
			assert.deepEqual((await server.open(uri('infra/ignored.json'), 'json', hubJson())).diagnostics, []);
			await server.close(uri('infra/ignored.json'));
		} finally {
			rmSync(file(`infra/${CONFIG}`));
		}
	});
});

describe('lsp: suppressions', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => {
		await server.stop();
	});

	it('suppressed findings are not published; a directive without justification is (info)', async () => {
		const text = hubJson({ tls: `// iothub-baseline-disable-next-line ${TLS}` });
		const published = await server.open('untitled:suppressed.json', 'json', text);
		assert.deepEqual(levels(published), [
			[PNA, 2],
			['suppression-justification', 3],
		]);
		const meta = only(published.diagnostics, 'suppression-justification');
		assert.equal(meta.codeDescription?.href, 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/docs/configuration.md#suppression-justification');
		assert.deepEqual(meta.range, rangeOf(text, `// iothub-baseline-disable-next-line ${TLS}`));
	});

	it('"Suppress <rule> for this resource" in ARM JSON: the whole text, then the finding is gone', async () => {
		const uri = 'untitled:suppress.json';
		const text = hubJson();
		const d = only((await server.open(uri, 'json', text)).diagnostics, TLS);
		const actions = await server.codeActions(uri, d.range, [d]);
		const suppress = actions.find((a) => a.title === `Suppress ${TLS} for this resource`);
		assert.ok(suppress?.edit);
		assert.equal(suppress.kind, 'quickfix');
		assert.equal(suppress.isPreferred, undefined);
		const output = applyTextEdits(text, suppress.edit.changes![uri]);
		assert.equal(output, hubJson({ above: `// iothub-baseline-disable-next-line ${TLS} -- TODO: justification` }));
		const versions = await server.applyWorkspaceEdit(suppress.edit);
		const after = await server.forVersion(uri, versions.get(uri));
		assert.deepEqual(codes(after), ['suppression-justification', PNA]);
	});

	it('"Suppress <rule> for this resource" in Bicep: below the decorators, above the resource line', async () => {
		const uri = 'untitled:suppress.bicep';
		const d = only((await server.open(uri, 'bicep', hubBicep)).diagnostics, PNA);
		const actions = await server.codeActions(uri, d.range, [d]);
		assert.deepEqual(
			actions.map((a) => a.title),
			["Set publicNetworkAccess to 'Disabled' (devices and services then need a private endpoint)", `Suppress ${PNA} for this resource`],
		);
		const output = applyTextEdits(hubBicep, actions[1].edit!.changes![uri]);
		assert.equal(output, hubBicep.replace('resource hub', `#disable-next-line ${PNA} -- TODO: justification\nresource hub`));
		const versions = await server.applyWorkspaceEdit(actions[1].edit!);
		assert.deepEqual(codes(await server.forVersion(uri, versions.get(uri))), ['suppression-justification', TLS]);
	});

	it('an unused directive is reported, and its quick fix removes the line', async () => {
		const uri = 'untitled:unused.json';
		const text = hubJson({ above: `// iothub-baseline-disable-next-line ${TLS} -- wrong place` }).replace('"minTlsVersion": "1.0"', '"minTlsVersion": "1.2"');
		const published = await server.open(uri, 'json', text);
		const d = only(published.diagnostics, 'unused-suppression');
		assert.equal(d.severity, 3);
		assert.deepEqual(d.range, rangeOf(text, TLS));
		const actions = await server.codeActions(uri, d.range, [d]);
		assert.deepEqual(
			actions.map((a) => a.title),
			['Remove this suppression'],
		);
		const versions = await server.applyWorkspaceEdit(actions[0].edit!);
		assert.equal(server.text(uri), hubJson().replace('"minTlsVersion": "1.0"', '"minTlsVersion": "1.2"'));
		assert.deepEqual(codes(await server.forVersion(uri, versions.get(uri))), [PNA]);
	});

	it('fix-all leaves suppressed findings alone', async () => {
		server.settings = withBase({ fixAll: { includeSuggestions: true } });
		const reloaded = server.next('untitled:suppressed.json');
		await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
		await reloaded;
		try {
			const uri = 'untitled:fixall-suppressed.json';
			const text = hubJson({ tls: `// iothub-baseline-disable-next-line ${TLS} -- legacy` });
			await server.open(uri, 'json', text);
			const whole = { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } };
			const actions = await server.codeActions(uri, whole, [], ['source.fixAll.iothub-baseline']);
			assert.deepEqual(actions.map((a) => a.title), ['Fix 1 IoT Hub baseline problem']);
			assert.deepEqual(actions[0].edit?.changes?.[uri], [{ range: rangeOf(text, '"Enabled"'), newText: '"Disabled"' }]);
		} finally {
			server.settings = withBase();
		}
	});
});
