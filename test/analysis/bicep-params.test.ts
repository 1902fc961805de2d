// Parameter files for Bicep templates: the .bicepparam reader (using, param assignments, variables,
// runtime values) and ARM JSON parameter files.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadBicepParams, loadJsonParams, readUsingTarget } from '../../server/src/analysis/bicep/params';
import { initBicep } from '../../server/src/analysis/bicep/parser';
import { memoryHost } from '../../server/src/analysis/host';
import { toPlain } from '../../server/src/analysis/rule';
import { at } from '../support/spans';

const WS = 'file:///ws/';
const URI = `${WS}env/dev.bicepparam`;

before(() => initBicep());

describe('bicep params: .bicepparam', () => {
	it('using target and literal values with parameter-file origins', () => {
		const text = "using '../main.bicep'\n\nparam pna = 'Disabled'\nparam units = 2\nparam local = false\nparam none = null\n";
		const p = loadBicepParams(URI, text, memoryHost({}));
		assert.equal(p.using, `${WS}main.bicep`);
		assert.deepEqual(p.problems, []);
		assert.deepEqual([...p.values.keys()], ['pna', 'units', 'local', 'none']);
		assert.deepEqual(p.values.get('pna'), {
			kind: 'string',
			value: 'Disabled',
			origin: { uri: URI, span: at(text, "'Disabled'"), source: 'parameterFile', format: 'bicep', name: 'pna', replaceable: true },
		});
		assert.equal(toPlain(p.values.get('units')!), 2);
		assert.equal(toPlain(p.values.get('local')!), false);
		assert.equal(p.values.get('none')!.kind, 'null');
	});

	it('objects, arrays, variables and interpolation', () => {
		const text = [
			"using './main.bicep'",
			"var prefix = 'contoso'",
			'param rules = {',
			"  defaultAction: 'Deny'",
			'  ipRules: [',
			"    { action: 'Allow', filterName: 'office' }",
			'  ]',
			'}',
			"param name = '${prefix}-hub'",
			'param fromVar = prefix',
		].join('\n');
		const p = loadBicepParams(`${WS}main.bicepparam`, text, memoryHost({}));
		assert.deepEqual(p.problems, []);
		assert.deepEqual(toPlain(p.values.get('rules')!), { defaultAction: 'Deny', ipRules: [{ action: 'Allow', filterName: 'office' }] });
		const rules = p.values.get('rules')!;
		assert.equal(rules.kind, 'object');
		if (rules.kind === 'object') {
			const da = rules.entries.get('defaultaction')!;
			assert.deepEqual(da.keySpan, at(text, 'defaultAction'));
			assert.deepEqual(da.value.origin, { uri: `${WS}main.bicepparam`, span: at(text, "'Deny'"), source: 'parameterFile', format: 'bicep', name: 'rules', replaceable: true });
		}
		assert.equal(toPlain(p.values.get('name')!), 'contoso-hub');
		assert.equal(p.values.get('name')!.origin?.replaceable, false);
		// A variable's literal stays the variable's.
		assert.equal(p.values.get('fromvar')!.origin?.source, 'variable');
	});

	it('runtime values are unknown', () => {
		const text = "using './main.bicep'\nparam secret = az.getSecret('sub', 'rg', 'kv', 'name')\nparam env = readEnvironmentVariable('X', 'd')\n";
		const p = loadBicepParams(`${WS}main.bicepparam`, text, memoryHost({}));
		assert.deepEqual(p.problems, []);
		assert.equal(p.values.get('secret')!.kind, 'unknown');
		assert.equal(p.values.get('env')!.kind, 'unknown');
	});

	it('using none, registry targets and extends', () => {
		assert.equal(loadBicepParams(URI, "using none\nparam a = 1\n", memoryHost({})).using, undefined);
		assert.deepEqual(loadBicepParams(URI, "using none\nparam a = 1\n", memoryHost({})).problems, []);
		assert.equal(loadBicepParams(URI, "using 'br/public:avm/res/x:1.0.0'\n", memoryHost({})).using, undefined);
		const base = "using none\nparam a = 'base'\nparam b = 'base'\n";
		const text = "using '../main.bicep'\nextends './base.bicepparam'\nparam b = 'mine'\n";
		const p = loadBicepParams(URI, text, memoryHost({ [`${WS}env/base.bicepparam`]: base }));
		assert.deepEqual(p.problems, []);
		assert.equal(toPlain(p.values.get('a')!), 'base');
		assert.equal(toPlain(p.values.get('b')!), 'mine');
	});

	it('a broken file gives one problem and keeps the readable values', () => {
		const text = "using './main.bicep'\nparam a = 'ok'\nparam b = (\nparam c = true\n";
		const p = loadBicepParams(`${WS}main.bicepparam`, text, memoryHost({}));
		assert.equal(p.problems.length, 1);
		assert.equal(toPlain(p.values.get('a')!), 'ok');
	});

	it('readUsingTarget skips comments', () => {
		assert.equal(readUsingTarget(URI, "// using './wrong.bicep'\n/* using './wrong2.bicep'\n*/\nusing '../main.bicep'\n"), `${WS}main.bicep`);
		assert.equal(readUsingTarget(URI, "param a = 1\n"), undefined);
	});
});

describe('bicep params: JSON parameter files', () => {
	it('values with JSON paths and key spans; Key Vault references are unknown', () => {
		const uri = `${WS}main.parameters.json`;
		const text = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "pna": { "value": "Disabled" },
    "Rules": { "value": { "defaultAction": "Deny" } },
    "secret": { "reference": { "keyVault": { "id": "x" }, "secretName": "s" } }
  }
}
`;
		const p = loadJsonParams(uri, text)!;
		assert.deepEqual(p.problems, []);
		assert.deepEqual(p.values.get('pna'), {
			kind: 'string',
			value: 'Disabled',
			origin: { uri, span: at(text, '"Disabled"'), source: 'parameterFile', format: 'json', name: 'pna', replaceable: true, jsonPath: ['parameters', 'pna', 'value'] },
		});
		const rules = p.values.get('rules')!;
		assert.equal(rules.kind, 'object');
		if (rules.kind === 'object') {
			const da = rules.entries.get('defaultaction')!;
			assert.deepEqual(da.keySpan, at(text, 'defaultAction'));
			assert.deepEqual(da.value.origin?.jsonPath, ['parameters', 'Rules', 'value', 'defaultAction']);
		}
		assert.equal(p.values.get('secret')!.kind, 'unknown');
	});

	it('not a parameter file: undefined', () => {
		assert.equal(loadJsonParams(`${WS}x.json`, '{ "resources": [] }'), undefined);
		assert.equal(loadJsonParams(`${WS}x.json`, '[1]'), undefined);
	});
});
