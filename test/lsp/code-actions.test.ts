import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { applyTextEdits, fixtureText, fixtureUri, rangeOf, startServer, withBase, type TestServer } from './support/lsp-harness';

const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const PNA_FIX = "Set publicNetworkAccess to 'Disabled' (devices and services then need a private endpoint)";
const TLS_FIX = "Set minTlsVersion to '1.2' (settable only when the hub is created)";
/** Offered after the fixes for every finding in a template (test/lsp/suppressions.test.ts covers it). */
const suppressTitle = (rule: string) => `Suppress ${rule} for this resource`;

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
	const d = diagnostics.find((x) => x.code === code);
	assert.ok(d, `no ${code} diagnostic in ${JSON.stringify(diagnostics)}`);
	return d;
}

describe('code actions', () => {
	let server: TestServer;
	before(async () => {
		server = await startServer();
	});
	after(async () => {
		await server.stop();
	});

	it('offers the quick fix; applying it makes the finding disappear', async () => {
		const uri = 'untitled:quickfix.json';
		const text = fixtureText('insecure-hub.json');
		const { diagnostics } = await server.open(uri, 'json', text);
		const d = only(diagnostics, PNA);

		const actions = await server.codeActions(uri, d.range, [d]);
		assert.deepEqual(actions, [
			{
				title: PNA_FIX,
				kind: 'quickfix',
				diagnostics: [d],
				// A suggestion changes how a live hub behaves: not preferred, never applied blindly.
				edit: { changes: { [uri]: [{ range: rangeOf(text, '"Enabled"'), newText: '"Disabled"' }] } },
			},
			{
				title: suppressTitle(PNA),
				kind: 'quickfix',
				diagnostics: [d],
				// Above the resource's `{`, in its indentation.
				edit: { changes: { [uri]: [{ range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, newText: `    // iothub-baseline-disable-next-line ${PNA} -- TODO: justification\n` }] } },
			},
		]);

		const versions = await server.applyWorkspaceEdit(actions[0].edit!);
		const after = await server.forVersion(uri, versions.get(uri));
		assert.deepEqual(
			after.diagnostics.map((x) => x.code),
			[TLS],
		);
		assert.match(server.text(uri), /"publicNetworkAccess": "Disabled"/);
	});

	it('fixes a value that comes from a parameter default where it is written', async () => {
		const uri = 'untitled:param-default.json';
		const text = fixtureText('insecure-hub.json');
		const { diagnostics } = await server.open(uri, 'json', text);
		const d = only(diagnostics, TLS);
		const actions = await server.codeActions(uri, d.range, [d]);
		assert.deepEqual(
			actions.map((a) => a.title),
			[TLS_FIX, suppressTitle(TLS)],
		);
		assert.deepEqual(actions[0].edit, { changes: { [uri]: [{ range: rangeOf(text, '"1.0"'), newText: '"1.2"' }] } });
		const versions = await server.applyWorkspaceEdit(actions[0].edit!);
		const after = await server.forVersion(uri, versions.get(uri));
		assert.deepEqual(
			after.diagnostics.map((x) => x.code),
			[PNA],
		);
	});

	it('edits the parameter file when the value comes from it; the open template follows', async () => {
		const templateUri = fixtureUri('with-params/hub.json');
		const paramsUri = fixtureUri('with-params/hub.parameters.json');
		const params = fixtureText('with-params/hub.parameters.json');
		const { diagnostics } = await server.open(templateUri, 'json', fixtureText('with-params/hub.json'));
		const d = only(diagnostics, PNA);

		// The parameter file is not open yet: the edit's positions come from the file on disk.
		const actions = await server.codeActions(templateUri, d.range, [d]);
		assert.deepEqual(
			actions.map((a) => a.title),
			[PNA_FIX, suppressTitle(PNA)],
		);
		assert.deepEqual(actions[0].edit, { changes: { [paramsUri]: [{ range: rangeOf(params, '"Enabled"'), newText: '"Disabled"' }] } });

		// An editor opens the file to apply the edit; both documents then lose the finding.
		const opened = await server.open(paramsUri, 'json', params);
		assert.equal(opened.diagnostics.length, 1);
		const templateCleared = server.next(templateUri, (p) => p.diagnostics.length === 0);
		const versions = await server.applyWorkspaceEdit(actions[0].edit!);
		assert.deepEqual((await server.forVersion(paramsUri, versions.get(paramsUri))).diagnostics, []);
		assert.equal((await templateCleared).version, 1);
		assert.match(server.text(paramsUri), /"value": "Disabled"/);
		await server.close(paramsUri);
		await server.close(templateUri);
	});

	it('ignores other sources, parse errors and diagnostics that no longer match', async () => {
		const uri = 'untitled:others.json';
		const { diagnostics } = await server.open(uri, 'json', fixtureText('insecure-hub.json'));
		const d = only(diagnostics, PNA);
		const foreign: Diagnostic = { ...d, source: 'json' };
		const parse: Diagnostic = { ...d, code: 'parse-error', data: undefined };
		const moved: Diagnostic = { ...d, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
		assert.deepEqual(await server.codeActions(uri, d.range, [foreign, parse, moved]), []);
		assert.deepEqual(await server.codeActions(uri, d.range, [d], ['refactor']), []);
		assert.deepEqual(await server.codeActions('untitled:not-open.json', d.range, [d]), []);
	});

	it('finds the finding by rule, range and message when the index is stale', async () => {
		const uri = 'untitled:stale-index.json';
		const { diagnostics } = await server.open(uri, 'json', fixtureText('insecure-hub.json'));
		const d = { ...only(diagnostics, TLS), data: { control: 'DP-3', ruleId: TLS, fixes: 0 } };
		const actions = await server.codeActions(uri, d.range, [d]);
		assert.deepEqual(
			actions.map((a) => a.title),
			[TLS_FIX, suppressTitle(TLS)],
		);
	});

	it('source.fixAll applies only safe fixes unless suggestions are enabled', async () => {
		const uri = 'untitled:fixall.json';
		const text = fixtureText('insecure-hub.json');
		await server.open(uri, 'json', text);
		const whole = { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } };
		// Both findings here only have suggestion fixes.
		assert.deepEqual(await server.codeActions(uri, whole, [], ['source.fixAll']), []);

		server.settings = withBase({ fixAll: { includeSuggestions: true } });
		const reanalysed = server.next(uri);
		await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
		await reanalysed;
		const actions = await server.codeActions(uri, whole, [], ['source.fixAll.iothub-baseline']);
		assert.deepEqual(actions, [
			{
				title: 'Fix 2 IoT Hub baseline problems',
				kind: 'source.fixAll.iothub-baseline',
				edit: {
					changes: {
						[uri]: [
							{ range: rangeOf(text, '"1.0"'), newText: '"1.2"' },
							{ range: rangeOf(text, '"Enabled"'), newText: '"Disabled"' },
						],
					},
				},
			},
		]);
		// `source` covers it too (the Source Action menu); a plain lightbulb request does not.
		assert.equal((await server.codeActions(uri, whole, [], ['source'])).length, 1);
		assert.equal((await server.codeActions(uri, whole, [])).length, 0);

		const fixed = applyTextEdits(text, actions[0].edit!.changes![uri]);
		const version = await server.replace(uri, fixed);
		assert.deepEqual((await server.forVersion(uri, version)).diagnostics, []);
		server.settings = withBase();
	});
});
