import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../server/src/lsp/positions';
import { normalizeSettings, parameterFileFor } from '../../server/src/lsp/settings';

describe('LineIndex (positions in documents that are not open)', () => {
	it('agrees with TextDocument.positionAt for \\n, \\r\\n, lone \\r and surrogate pairs', () => {
		const texts = ['', 'a', '\n', '\r\n', '\r', 'a\r\nb\nc\rd', '{\r\n  "x": "🚀é"\r\n}\r\n', '\r\r\n\n\r', 'x\r\n'];
		for (const text of texts) {
			const index = new LineIndex(text);
			const doc = TextDocument.create('untitled:t', 'json', 1, text);
			for (let o = 0; o <= text.length; o++) {
				// TextDocument places an offset between \r and \n at the end of the line too.
				assert.deepEqual(index.positionAt(o), doc.positionAt(o), `${JSON.stringify(text)} @ ${o}`);
			}
		}
	});

	it('clamps offsets outside the text', () => {
		const index = new LineIndex('ab\ncd');
		assert.deepEqual(index.positionAt(-5), { line: 0, character: 0 });
		assert.deepEqual(index.positionAt(99), { line: 1, character: 2 });
		assert.deepEqual(index.rangeOf({ start: 1, end: 4 }), { start: { line: 0, character: 1 }, end: { line: 1, character: 1 } });
	});
});

describe('settings', () => {
	it('reads the section in any shape a client sends, ignoring bad values', () => {
		const expected = normalizeSettings({ enable: false, rules: { a: 'off' }, fixAll: { includeSuggestions: true } });
		assert.deepEqual(normalizeSettings({ iothubBaseline: { enable: false, rules: { a: 'off' }, fixAll: { includeSuggestions: true } } }), expected);
		assert.deepEqual(normalizeSettings({ 'iothubBaseline.enable': false, 'iothubBaseline.rules': { a: 'off' }, 'iothubBaseline.fixAll.includeSuggestions': true }), expected);
		assert.deepEqual(normalizeSettings({ enable: false, rules: { a: 'off' }, 'fixAll.includeSuggestions': true }), expected);
		const odd = normalizeSettings({ enable: 'no', rules: { a: 'loud', b: 'info' }, debounceMs: -3, parameterFiles: { x: 5, y: 'p.json' } });
		assert.deepEqual(odd, { enable: true, rules: { b: 'info' }, reportUnknown: false, parameterFiles: { y: 'p.json' }, debounceMs: 0, fixAll: { includeSuggestions: false } });
		assert.deepEqual(normalizeSettings(null, undefined, 'x'), normalizeSettings());
	});

	it('later layers win (initializationOptions, then the client settings)', () => {
		const s = normalizeSettings({ rules: { a: 'off' }, debounceMs: 50 }, { debounceMs: 300 }, null);
		assert.deepEqual([s.rules, s.debounceMs], [{ a: 'off' }, 300]);
	});

	it('maps templates to parameter files by workspace-relative path or glob', () => {
		const folders = [{ uri: 'file:///ws/one' }, { uri: 'file:///ws/two/' }];
		const settings = normalizeSettings({
			parameterFiles: { 'infra/main.json': 'infra/prod.parameters.json', 'apps/**/*.bicep': '/abs/shared.bicepparam', 'x\\y.json': '.\\x\\y.dev.json' },
		});
		assert.equal(parameterFileFor('file:///ws/one/infra/main.json', settings, folders), 'file:///ws/one/infra/prod.parameters.json');
		assert.equal(parameterFileFor('file:///ws/two/infra/Main.json', settings, folders), 'file:///ws/two/infra/prod.parameters.json');
		assert.equal(parameterFileFor('file:///ws/one/apps/a/b/hub.bicep', settings, folders), 'file:///abs/shared.bicepparam');
		assert.equal(parameterFileFor('file:///ws/one/apps/hub.bicep', settings, folders), 'file:///abs/shared.bicepparam');
		assert.equal(parameterFileFor('file:///ws/one/x/y.json', settings, folders), 'file:///ws/one/x/y.dev.json');
		assert.equal(parameterFileFor('file:///ws/one/other.json', settings, folders), undefined);
		assert.equal(parameterFileFor('file:///elsewhere/infra/main.json', settings, folders), undefined);
	});
});
