import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fixtureText, fixtureUri, fixturesDir, positionAt, startServer, type TestServer } from './support/lsp-harness';

const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';

describe('scheduling', () => {
	let server: TestServer;
	let work: string;
	before(async () => {
		server = await startServer();
		work = mkdtempSync(path.join(tmpdir(), 'iothub-lsp-'));
	});
	after(async () => {
		await server.stop();
		rmSync(work, { recursive: true, force: true });
	});

	it('a burst of 20 changes runs at most 2 analyses and ends on the newest version', async () => {
		const uri = 'untitled:burst.json';
		const text = fixtureText('insecure-hub.json');
		await server.open(uri, 'json', text);
		const before = (await server.analysisCount(uri)).document;
		const firstPublished = server.published.length;

		// Type over "Enabled" one keystroke at a time: 9 deletions, then "Disabled" char by char, then a space.
		const at = text.indexOf('"Enabled"');
		const start = positionAt(text, at);
		for (let i = 0; i < 9; i++) {
			await server.edit(uri, [{ range: { start, end: { line: start.line, character: start.character + 1 } }, newText: '' }]);
		}
		const typed = '"Disabled"';
		for (let i = 0; i < typed.length; i++) {
			const p = { line: start.line, character: start.character + i };
			await server.edit(uri, [{ range: { start: p, end: p }, newText: typed[i] }]);
		}
		const end = { line: start.line, character: start.character + typed.length };
		await server.edit(uri, [{ range: { start: end, end }, newText: ' ' }]);
		const final = server.version(uri);
		assert.equal(final, 21);
		const published = await server.forVersion(uri, final);

		assert.deepEqual(
			published.diagnostics.map((d) => d.code),
			[TLS],
		);
		const analyses = (await server.analysisCount(uri)).document - before;
		assert.ok(analyses >= 1 && analyses <= 2, `${analyses} analyses for a burst of 20 changes`);
		// Whatever was published on the way is never older than what came before it, and ends on the last version.
		const versions = server.published.slice(firstPublished).filter((p) => p.uri === uri).map((p) => p.version ?? 0);
		assert.deepEqual(
			versions,
			[...versions].sort((a, b) => a - b),
		);
		assert.equal(versions.at(-1), final);
	});

	it('re-analyses an open template when its open parameter file changes, and again when that closes unsaved', async () => {
		const templateUri = fixtureUri('with-params/hub.json');
		const paramsUri = fixtureUri('with-params/hub.parameters.json');
		const first = await server.open(templateUri, 'json', fixtureText('with-params/hub.json'));
		assert.equal(first.diagnostics.length, 1);
		await server.open(paramsUri, 'json', fixtureText('with-params/hub.parameters.json'));

		const cleared = server.next(templateUri, (p) => p.diagnostics.length === 0);
		await server.replace(paramsUri, fixtureText('with-params/hub.parameters.json').replace('"Enabled"', '"Disabled"'));
		await cleared;

		// Closed without saving: the template reads the file on disk again, which still says Enabled.
		const back = server.next(templateUri, (p) => p.diagnostics.length === 1);
		await server.close(paramsUri);
		assert.equal((await back).diagnostics[0].code, PNA);
		await server.close(templateUri);
	});

	it('re-analyses an open template when a parameter file changes on disk (watched files)', async () => {
		cpSync(path.join(fixturesDir, 'with-params'), work, { recursive: true });
		const templateUri = pathToFileURL(path.join(work, 'hub.json')).href;
		const paramsFile = path.join(work, 'hub.parameters.json');
		const first = await server.open(templateUri, 'json', fixtureText('with-params/hub.json'));
		assert.equal(first.diagnostics.length, 1);

		writeFileSync(paramsFile, fixtureText('with-params/hub.parameters.json').replace('"Enabled"', '"Disabled"'));
		const cleared = server.next(templateUri, (p) => p.diagnostics.length === 0);
		await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(paramsFile).href, type: 2 }] });
		await cleared;

		// A parameter file that appears later is picked up too (the template asked for it and found nothing).
		rmSync(paramsFile);
		const missing = server.next(templateUri, (p) => p.diagnostics.length === 0);
		await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(paramsFile).href, type: 3 }] });
		// Without a parameter file the default ('Disabled') applies.
		await missing;
		writeFileSync(paramsFile, fixtureText('with-params/hub.parameters.json'));
		const back = server.next(templateUri, (p) => p.diagnostics.length === 1);
		await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(paramsFile).href, type: 1 }] });
		assert.equal((await back).diagnostics[0].code, PNA);
		await server.close(templateUri);
	});
});
