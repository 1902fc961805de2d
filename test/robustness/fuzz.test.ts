// Issue 8 - fuzzing the analysis core: generated templates, mutated real templates (corpus and fixtures)
// and truncation at every position of one realistic template. Every run must finish without an exception
// (rules run with `rethrow: true`), within a time proportional to its size, with every span inside its
// document and at most one parse problem. Fixed seeds and run counts; fast-check prints the seed and the
// counterexample path of a failure.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeChecked, bicepUnavailable, corpus, corpusMissing, fixture, WS, type Docs } from './support';
import { armTemplateObject, layout, mutate, mutation, writeJson } from './generators';

const SEED = 0x8a11;

/** Stop shrinking after a while: the failure is still reported (seed, path, best counterexample so far). */
const LIMITS = { interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true } as const;

/** The realistic fixtures plus every corpus file: the bases the mutations start from. */
function bases(ext: RegExp): { uri: string; text: string; docs: Docs }[] {
	const out: { uri: string; text: string; docs: Docs }[] = [];
	if (ext.test('.json')) {
		const docs = { [WS + 'realistic.parameters.json']: fixture('realistic.parameters.json') };
		out.push({ uri: WS + 'realistic.json', text: fixture('realistic.json'), docs });
	} else {
		const docs = { [WS + 'realistic.bicepparam']: fixture('realistic.bicepparam') };
		out.push({ uri: WS + 'realistic.bicep', text: fixture('realistic.bicep'), docs });
	}
	const all = corpus() ?? [];
	const corpusDocs: Docs = {};
	for (const f of all) corpusDocs[f.uri] = f.text;
	for (const f of all) if (ext.test(f.rel)) out.push({ uri: f.uri, text: f.text, docs: corpusDocs });
	return out;
}

describe('fuzz: ARM JSON', () => {
	it('generated templates (random structure, hostile expressions, recursive variables, huge copy counts)', () => {
		fc.assert(
			fc.property(armTemplateObject, layout, fc.boolean(), (template, l, withParams) => {
				const text = writeJson(template, l);
				const docs: Docs = withParams ? { [WS + 'main.parameters.json']: writeJson({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { p0: { value: '1.0' }, minTls: { value: 1 }, publicAccess: { reference: {} } } }, l) } : {};
				analyzeChecked(WS + 'main.json', text, docs, { reportUnknown: true });
				// The parameter file itself is analysed against the template too.
				if (withParams) analyzeChecked(WS + 'main.parameters.json', docs[WS + 'main.parameters.json'], { [WS + 'main.json']: text });
			}),
			{ seed: SEED, numRuns: 200, ...LIMITS },
		);
	});

	it('mutated real templates (truncation, byte flips, deleted/duplicated lines, nesting, long strings, numbers for strings, broken expressions, unknown functions, BOM, CRLF)', (t) => {
		const list = bases(/\.json$/i);
		if (list.length === 1) t.diagnostic(corpusMissing);
		fc.assert(
			fc.property(fc.nat(list.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (i, ms, asParams) => {
				const base = list[i];
				const text = ms.reduce(mutate, base.text);
				analyzeChecked(base.uri, text, base.docs, { reportUnknown: true });
				if (asParams) {
					// The same damaged text as the parameter file of the realistic template.
					const uri = WS + 'realistic.parameters.json';
					analyzeChecked(uri, text, { [WS + 'realistic.json']: fixture('realistic.json') });
					analyzeChecked(WS + 'realistic.json', fixture('realistic.json'), { [uri]: text });
				}
			}),
			{ seed: SEED + 1, numRuns: 250, ...LIMITS },
		);
	});

	it('truncation at every position of a realistic template (and of its parameter file)', () => {
		// Every position of a compact but realistic template (hub with a parameter default, DPS with a
		// connection string, comments); the large realistic template and its parameter file at a stride.
		const compact = fixture('compact.json');
		let findings = 0;
		for (let n = 0; n <= compact.length; n++) {
			findings += analyzeChecked(WS + 'compact.json', compact.slice(0, n), {}, {}, `compact.json cut at ${n}`).result.findings.length;
		}
		assert.ok(findings > 0, 'the truncated templates still produce findings (the fuzz reaches the rules)');
		const text = fixture('realistic.json');
		const params = fixture('realistic.parameters.json');
		for (let n = 0; n <= text.length; n += 23) {
			analyzeChecked(WS + 'realistic.json', text.slice(0, n), { [WS + 'realistic.parameters.json']: params }, {}, `realistic.json cut at ${n}`);
		}
		for (let n = 0; n <= params.length; n += 7) {
			analyzeChecked(WS + 'realistic.parameters.json', params.slice(0, n), { [WS + 'realistic.json']: text }, {}, `realistic.parameters.json cut at ${n}`);
			analyzeChecked(WS + 'realistic.json', text, { [WS + 'realistic.parameters.json']: params.slice(0, n) }, {}, `realistic.json with its parameter file cut at ${n}`);
		}
		// The whole template, for reference: findings, fixes, no problem.
		const whole = analyzeChecked(WS + 'realistic.json', text, { [WS + 'realistic.parameters.json']: params });
		assert.deepEqual(whole.result.problems, []);
		assert.ok(whole.result.findings.length >= 2);
	});

	it('hostile examples: recursion, huge counts, unbalanced brackets, odd Unicode', () => {
		const hub = (props: string, extra = '') =>
			`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",${extra}"resources":[{"type":"Microsoft.Devices/IotHubs","apiVersion":"2023-06-30","name":"hub","location":"westeurope","properties":${props}}]}`;
		const cases: Record<string, string> = {
			'mutually recursive variables': hub(`{"minTlsVersion":"[variables('a')]"}`, `"variables":{"a":"[variables('b')]","b":"[variables('a')]"},`),
			'self-recursive parameter default': hub(`{"minTlsVersion":"[parameters('p')]"}`, `"parameters":{"p":{"type":"string","defaultValue":"[parameters('p')]"}},`),
			'variable cycle through an object': hub(`"[variables('a').b]"`, `"variables":{"a":{"b":"[variables('a')]"}},`),
			'copy loop with a huge count': hub(`{"copy":[{"name":"x","count":100000000,"input":"[copyIndex('x')]"}],"minTlsVersion":"[string(copyIndex('x'))]"}`),
			'resource copy loop with a huge count': hub(`{"minTlsVersion":"[concat('1.', copyIndex())]"}`).replace('"name":"hub"', '"name":"[concat(\'hub\', copyIndex())]","copy":{"name":"hubs","count":100000000}'),
			'range(0, 100000000)': hub(`{"minTlsVersion":"[string(range(0, 100000000))]","publicNetworkAccess":"[first(range(0, 100000000))]"}`),
			'unbalanced brackets': hub(`{"minTlsVersion":"[concat('1.', '0'","publicNetworkAccess":"[[[[[[","disableLocalAuth":"[concat(]]]]"}`),
			'unknown functions': hub(`{"minTlsVersion":"[noSuchFunction('1.0')]","publicNetworkAccess":"[ns.fn()]","disableLocalAuth":"[__proto__()]"}`),
			'numbers where strings belong': hub(`{"minTlsVersion":1.0,"publicNetworkAccess":0}`).replace('"Microsoft.Devices/IotHubs"', '"Microsoft.Devices/IotHubs"').replace('"apiVersion":"2023-06-30"', '"apiVersion":20230630'),
			'odd Unicode': '\uFEFF' + hub(`{"minTlsVersion":"1\u00A0.0","publicNetworkAccess":"En\u200Babled","\uD800":"\uDFFF","e\u0301":"\u202E"}`),
			'CRLF and tabs': hub(`{\r\n\t"minTlsVersion":\t"1.0"\r\n}`).replace(/,/g, ',\r\n'),
		};
		for (const [name, text] of Object.entries(cases)) {
			const r = analyzeChecked(WS + 'main.json', text, {}, { reportUnknown: true }, name);
			assert.equal(r.result.kind, 'armTemplate', `${name}: still a template`);
			assert.ok(r.ms < 1000, `${name}: ${r.ms.toFixed(0)} ms`);
		}
	});
});

describe('fuzz: Bicep', () => {
	it('mutated Bicep files (fixture and corpus)', async (t) => {
		const why = await bicepUnavailable();
		if (why) {
			t.skip(why);
			return;
		}
		const list = bases(/\.bicep$/i);
		if (list.length === 1) t.diagnostic(corpusMissing);
		fc.assert(
			fc.property(fc.nat(list.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, ms) => {
				const base = list[i];
				analyzeChecked(base.uri, ms.reduce(mutate, base.text), base.docs, { reportUnknown: true });
			}),
			{ seed: SEED + 2, numRuns: 150, ...LIMITS },
		);
	});

	it('truncation of a realistic Bicep file (every third position) and its .bicepparam (every position)', async (t) => {
		const why = await bicepUnavailable();
		if (why) {
			t.skip(why);
			return;
		}
		// Every third position (every position of the compact ARM template is covered above; Bicep parses cost more).
		const text = fixture('realistic.bicep');
		for (let n = 0; n <= text.length; n += 3) analyzeChecked(WS + 'realistic.bicep', text.slice(0, n), {}, {}, `realistic.bicep cut at ${n}`);
		const param = fixture('realistic.bicepparam');
		for (let n = 0; n <= param.length; n++) {
			analyzeChecked(WS + 'realistic.bicepparam', param.slice(0, n), { [WS + 'realistic.bicep']: text }, {}, `realistic.bicepparam cut at ${n}`);
		}
	});
});
