// What the front ends tell cross-resource rules about resources they deploy indirectly: ARM copy loops with a
// count of 0 and nested deployments (loop, condition, computed parameters), Bicep loops over empty
// collections and modules whose template is not analysed (Template.externalDeployments).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadArmTemplate } from '../../server/src/analysis/arm/loader';
import { memoryHost } from '../../server/src/analysis/host';
import { toPlain } from '../../server/src/analysis/rule';
import type { Template } from '../../server/src/analysis/types';
import { ensureBicep } from '../support/bicep';

const ARM = 'file:///ws/main.json';
const BICEP = 'file:///ws/main.bicep';

function arm(resources: string, parameters = '{}'): Template {
	const text = `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "parameters": ${parameters}, "resources": ${resources} }`;
	const t = loadArmTemplate(ARM, text, memoryHost({}));
	assert.ok(t);
	return t;
}

async function bicep(text: string, files: Record<string, string> = {}): Promise<Template> {
	await ensureBicep();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { loadBicepTemplate } = require('../../server/src/analysis/bicep/adapter') as typeof import('../../server/src/analysis/bicep/adapter');
	const host = memoryHost(Object.fromEntries(Object.entries(files).map(([k, v]) => [`file:///ws/${k}`, v])));
	return loadBicepTemplate(BICEP, text, host);
}

const nested = (extra: string, params: string) =>
	`[ { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", ${extra} "properties": { "mode": "Incremental", "expressionEvaluationOptions": { "scope": "inner" }, "parameters": ${params}, "template": { "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "parameters": { "target": { "type": "string", "defaultValue": "fallback" } }, "resources": [ { "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-11-01", "name": "[parameters('target')]", "properties": {} } ] } } } ]`;

describe('ARM: resources deployed zero times, or through a nested deployment', () => {
	it('a copy loop with count 0 is not deployed', () => {
		const t = arm('[ { "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-11-01", "name": "[concat(\'pe\', copyIndex())]", "copy": { "name": "pes", "count": "[length(parameters(\'list\'))]" }, "properties": {} } ]', '{ "list": { "type": "array", "defaultValue": [] } }');
		assert.equal(toPlain(t.resources[0].condition!), false);
		assert.equal(t.resources[0].inLoop, true);
	});
	it('a copy loop with an unknown count keeps no condition', () => {
		const t = arm('[ { "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2023-11-01", "name": "[concat(\'pe\', copyIndex())]", "copy": { "name": "pes", "count": "[parameters(\'n\')]" }, "properties": {} } ]', '{ "n": { "type": "int" } }');
		assert.equal(t.resources[0].condition, undefined);
	});
	it('resources of a nested deployment in a copy loop are in the loop; its condition applies to them', () => {
		const t = arm(nested('"condition": false, "copy": { "name": "d", "count": 2 },', '{ "target": { "value": "hub-pe" } }'));
		const pe = t.resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints');
		assert.ok(pe);
		assert.equal(pe.inLoop, true);
		assert.equal(toPlain(pe.condition!), false);
	});
	it('a nested parameter whose whole entry is an expression: its value, or unknown (never the default)', () => {
		const computed = arm(nested('', `{ "target": "[if(true(), createObject('value', 'computed-pe'), createObject('value', 'other'))]" }`));
		assert.deepEqual(toPlain(computed.resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints')!.name), 'computed-pe');
		const runtime = arm(nested('', `{ "target": "[if(equals(utcNow(), ''), createObject('value', 'a'), createObject('value', 'b'))]" }`));
		assert.equal(runtime.resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints')!.name.kind, 'unknown');
	});
});

describe('Bicep: empty loops and modules that are not analysed', () => {
	before(ensureBicep);

	it('a resource loop over an empty collection is not deployed; over a known one it is', async () => {
		const t = await bicep("param none array = []\nparam some array = ['a']\nresource a 'Microsoft.Network/privateEndpoints@2023-11-01' = [for x in none: {\n  name: x\n}]\nresource b 'Microsoft.Network/privateEndpoints@2023-11-01' = [for x in some: {\n  name: x\n}]\n");
		assert.equal(toPlain(t.resources.find((r) => r.symbolicName === 'a')!.condition!), false);
		assert.equal(t.resources.find((r) => r.symbolicName === 'b')!.condition, undefined);
	});
	it('a registry module is recorded with its arguments, an empty module loop as not deployed', async () => {
		const t = await bicep(
			"param pes array = []\nmodule pe 'br/public:avm/res/network/private-endpoint:0.12.1' = {\n  name: 'pe'\n  params: {\n    target: 'contoso-hub'\n  }\n}\nmodule many 'br/public:avm/res/network/private-endpoint:0.12.1' = [for p in pes: {\n  name: p\n  params: {\n    target: p\n  }\n}]\n",
		);
		assert.deepEqual(t.resources, []);
		const ext = t.externalDeployments ?? [];
		assert.deepEqual(ext.map((e) => e.target), ['br/public:avm/res/network/private-endpoint:0.12.1', 'br/public:avm/res/network/private-endpoint:0.12.1']);
		assert.deepEqual(toPlain(ext[0].parameters), { target: 'contoso-hub' });
		assert.equal(ext[0].condition, undefined);
		assert.equal(ext[1].inLoop, true);
		assert.equal(toPlain(ext[1].condition!), false);
	});
	it('a module file that cannot be read is recorded; one inside a local module carries its via', async () => {
		const t = await bicep("module m './mid.bicep' = {\n  name: 'm'\n}\n", { 'mid.bicep': "module gone './missing.bicep' = {\n  name: 'g'\n  params: {\n    hub: 'contoso-hub'\n  }\n}\n" });
		const ext = t.externalDeployments ?? [];
		assert.equal(ext.length, 1);
		assert.equal(ext[0].target, './missing.bicep');
		assert.equal(ext[0].site.uri, 'file:///ws/mid.bicep');
		assert.equal(ext[0].via?.[0].uri, BICEP);
	});
});
