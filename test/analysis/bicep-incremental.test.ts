// The language server hands analyzeDocument the incrementally re-parsed tree of an open Bicep document.
// The findings must be exactly those of a from-scratch analysis, edit after edit.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import { BicepDocumentCache } from '../../server/src/analysis/bicep/parser';
import { memoryHost } from '../../server/src/analysis/host';
import { allRules } from '../../rules/index';
import { ensureBicep } from '../support/bicep';
import { hub } from '../support/templates';

const uri = 'file:///ws/main.bicep';
const summary = (text: string, tree?: (u: string, t: string) => unknown) =>
	analyzeDocument(uri, text, memoryHost({ [uri]: text }), allRules, { rethrow: true, bicepTree: tree }).findings.map((f) => `${f.ruleId} ${f.location.span.start}-${f.location.span.end} ${f.message}`);

describe('bicep: analysis of an incrementally parsed tree', () => {
	before(() => ensureBicep());

	it('gives the same findings as a fresh parse after each edit, and uses the cached tree', () => {
		const cache = new BicepDocumentCache();
		let calls = 0;
		const provider = (u: string, t: string) => {
			calls++;
			return cache.update(u, t);
		};
		const versions = [
			hub({ publicNetworkAccess: "'Enabled'", minTlsVersion: "'1.0'" }),
			hub({ publicNetworkAccess: "'Disabled'", minTlsVersion: "'1.0'" }),
			hub({ publicNetworkAccess: "'Disabled'", minTlsVersion: "'1.2'", disableLocalAuth: 'true' }),
			hub({ publicNetworkAccess: "'Disa", minTlsVersion: "'1.2'" }),
			hub({ publicNetworkAccess: "'Disabled'", minTlsVersion: "'1.2'" }, { before: ["param pna string = 'Enabled'"] }),
		];
		for (const text of versions) {
			assert.deepEqual(summary(text, provider), summary(text), `same findings for:\n${text}`);
		}
		assert.equal(calls, versions.length);
		cache.clear();
	});

	it('reuses copies of unchanged declarations that moved: same findings and fix edits as a fresh analysis', () => {
		const cache = new BicepDocumentCache();
		const provider = (u: string, t: string) => cache.update(u, t);
		const withFixes = (text: string, tree?: (u: string, t: string) => unknown) =>
			analyzeDocument(uri, text, memoryHost({ [uri]: text }), allRules, { rethrow: true, bicepTree: tree }).findings.map((f) => ({
				at: `${f.ruleId} ${f.location.span.start}-${f.location.span.end}`,
				related: f.related.map((r) => `${r.location.span.start}-${r.location.span.end}`),
				fixes: f.fixes.map((x) => JSON.stringify(x.edits)),
			}));
		const second = ["resource hub2 'Microsoft.Devices/IotHubs@2023-06-30' = {", "  name: 'hub-two'", "  location: 'westeurope'", "  sku: { name: 'S1', capacity: 1 }", "  properties: { minTlsVersion: '1.0' }", '}'];
		let text = hub({ publicNetworkAccess: "'Enabled'", minTlsVersion: "'1.0'" }, { after: second });
		const edits: [string, string][] = [
			['', '// a comment above everything\n'],
			["'hub-two'", "'hub-2'"],
			['', "param location string = 'westeurope'\n"],
			["minTlsVersion: '1.0' }", "minTlsVersion: '1.2' }"],
			['// a comment above everything\n', ''],
		];
		assert.deepEqual(withFixes(text, provider), withFixes(text));
		for (const [from, to] of edits) {
			text = from === '' ? to + text : text.replace(from, to);
			assert.deepEqual(withFixes(text, provider), withFixes(text), `same findings and fixes for:\n${text}`);
		}
		cache.clear();
	});
});
