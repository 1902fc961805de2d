// The Bicep front end's model: resources (types, sites, conditions, loops, nesting), parameters, outputs,
// problems (one per broken file, none for valid Bicep the grammar lags behind), parameter files, local
// modules, and incremental parsing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadBicepTemplate } from '../../server/src/analysis/bicep/adapter';
import { BicepDocumentCache, firstSyntaxError, initBicep, isBicepReady, parseBicep } from '../../server/src/analysis/bicep/parser';
import { memoryHost } from '../../server/src/analysis/host';
import { lookup, toPlain } from '../../server/src/analysis/rule';
import type { Resource, Template } from '../../server/src/analysis/types';
import { at } from '../support/spans';

const WS = 'file:///ws/';
const URI = `${WS}main.bicep`;

function load(text: string, files: Record<string, string> = {}, opts: { parameterFileUri?: string } = {}): Template {
	const host: Record<string, string> = {};
	for (const [name, t] of Object.entries(files)) host[WS + name] = t;
	host[URI] = text;
	return loadBicepTemplate(URI, text, memoryHost(host), opts);
}

function res(t: Template, symbol: string): Resource {
	const r = t.resources.find((x) => x.symbolicName === symbol);
	assert.ok(r, `resource ${symbol} not found`);
	return r;
}

function prop(r: Resource, path: string): unknown {
	const p = lookup(r.body, path, r.site);
	return p?.known ? p.value : p ? `unknown: ${(p.raw as { reason?: string }).reason}` : undefined;
}

before(async () => {
	await initBicep();
	assert.equal(isBicepReady(), true);
});

const HUB = `@description('Hub name')
param hubName string = 'hub1'

@allowed([
  'Enabled'
  'Disabled'
])
param pna string = 'Enabled'

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: hubName
  location: 'westeurope'
  properties: {
    publicNetworkAccess: pna
    minTlsVersion: '1.2'
  }
  resource cg 'eventHubEndpoints/ConsumerGroups' = {
    name: 'events/cg'
  }
}

resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag'
  scope: hub
}
`;

describe('bicep adapter: resources', () => {
	it('type, apiVersion, sites, names and body', () => {
		const t = load(HUB);
		assert.equal(t.kind, 'bicep');
		assert.equal(t.format, 'bicep');
		assert.deepEqual(t.problems, []);
		const hub = res(t, 'hub');
		assert.equal(hub.type, 'Microsoft.Devices/IotHubs');
		assert.equal(hub.apiVersion, '2023-06-30');
		assert.deepEqual(hub.typeSite, { uri: URI, span: at(HUB, "'Microsoft.Devices/IotHubs@2023-06-30'") });
		assert.deepEqual(hub.apiVersionSite, { uri: URI, span: at(HUB, '2023-06-30') });
		assert.deepEqual(hub.site, { uri: URI, span: { start: HUB.indexOf('resource hub'), end: HUB.indexOf('\n}\n') + 2 } });
		assert.equal(hub.displayName, 'hub1');
		assert.deepEqual(toPlain(hub.name), 'hub1');
		assert.equal(hub.format, 'bicep');
		assert.equal(hub.condition, undefined);
		assert.equal(hub.inLoop, undefined);
		assert.deepEqual(toPlain(hub.body), {
			name: 'hub1',
			location: 'westeurope',
			properties: { publicNetworkAccess: 'Enabled', minTlsVersion: '1.2' },
			type: 'Microsoft.Devices/IotHubs',
			apiVersion: '2023-06-30',
		});
		// The body is the `{...}` of the declaration, written in the resource itself.
		assert.equal(hub.body.origin?.source, 'literal');
		assert.deepEqual(hub.body.origin?.span, { start: HUB.indexOf('= {\n  name: hubName') + 2, end: HUB.indexOf('\n}\n') + 2 });
	});

	it('property lookups point into the resource and keep the value provenance', () => {
		const hub = res(load(HUB), 'hub');
		const p = lookup(hub.body, 'properties.publicNetworkAccess', hub.site)!;
		assert.equal(p.value, 'Enabled');
		assert.deepEqual(p.site, { uri: URI, span: at(HUB, 'pna', 1) });
		assert.deepEqual(p.keySite, { uri: URI, span: at(HUB, 'publicNetworkAccess') });
		assert.deepEqual(p.origin, { uri: URI, span: at(HUB, "'Enabled'", 1), source: 'parameterDefault', format: 'bicep', name: 'pna', replaceable: true });
		const tls = lookup(hub.body, 'properties.minTlsVersion', hub.site)!;
		assert.deepEqual(tls.origin, { uri: URI, span: at(HUB, "'1.2'"), source: 'literal', format: 'bicep', replaceable: true });
	});

	it('nested resources get composed types and names; scope is evaluated', () => {
		const t = load(HUB);
		assert.deepEqual(
			t.resources.map((r) => [r.symbolicName, r.type, r.apiVersion, r.displayName, r.parentSymbol]),
			[
				['hub', 'Microsoft.Devices/IotHubs', '2023-06-30', 'hub1', undefined],
				['cg', 'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups', '2023-06-30', 'hub1/events/cg', 'hub'],
				['diag', 'Microsoft.Insights/diagnosticSettings', '2021-05-01-preview', 'diag', undefined],
			],
		);
		const cg = res(t, 'cg');
		// A relative type without a version inherits the parent's; it has no version text of its own.
		assert.equal(cg.apiVersionSite, undefined);
		assert.deepEqual(cg.typeSite.span, at(HUB, "'eventHubEndpoints/ConsumerGroups'"));
		assert.equal(toPlain(res(t, 'diag').scope!), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/hub1');
	});

	it('conditions, loops, existing and parent:', () => {
		const text = `param deployHub bool = false
param names array = ['a', 'b']
resource hub 'Microsoft.Devices/IotHubs@2021-07-02' = if (deployHub) {
  name: 'h'
  resource cert 'certificates' = {
    name: 'c'
  }
}
resource hubs 'Microsoft.Devices/IotHubs@2021-07-02' = [for n in names: {
  name: n
  properties: {
    minTlsVersion: '1.2'
  }
}]
resource filtered 'Microsoft.Devices/IotHubs@2021-07-02' = [for (n, i) in names: if (i > 0) {
  name: n
}]
resource old 'Microsoft.Devices/IotHubs@2021-07-02' existing = {
  name: 'legacy'
}
resource cg 'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups@2021-07-02' = {
  parent: hub
  name: 'events/x'
}
`;
		const t = load(text);
		assert.deepEqual(t.problems, []);
		const hub = res(t, 'hub');
		assert.equal(toPlain(hub.condition!), false);
		// The condition passes the parameter's value through (a fix would edit the default).
		assert.deepEqual(hub.condition?.origin?.span, at(text, 'false'));
		const hubs = res(t, 'hubs');
		assert.equal(hubs.inLoop, true);
		assert.equal(hubs.displayName, 'hubs');
		assert.equal(hubs.name.kind, 'unknown');
		assert.equal(prop(hubs, 'properties.minTlsVersion'), '1.2');
		const filtered = res(t, 'filtered');
		assert.equal(filtered.inLoop, true);
		assert.equal(filtered.condition?.kind, 'unknown');
		assert.equal(res(t, 'old').existing, true);
		const cg = res(t, 'cg');
		assert.equal(cg.parentSymbol, 'hub');
		assert.equal(cg.displayName, 'h/events/x');
		// A resource nested in a conditional parent is conditional too; `parent:` alone does not make it so.
		assert.equal(cg.condition, undefined);
		const cert = res(t, 'cert');
		assert.equal(cert.type, 'Microsoft.Devices/IotHubs/certificates');
		assert.equal(toPlain(cert.condition!), false);
	});

	it('runtime-valued names fall back to the symbolic name', () => {
		const t = load("resource hub 'Microsoft.Devices/IotHubs@2021-07-02' = {\n  name: 'hub-${uniqueString(resourceGroup().id)}'\n}\n");
		assert.equal(res(t, 'hub').displayName, 'hub');
		assert.equal(res(t, 'hub').name.kind, 'unknown');
	});
});

describe('bicep adapter: parameters and outputs', () => {
	const text = `@secure()
param key string = 'abc'
@sys.description('nullable')
param rules object?
param count int
@allowed(['a', 'b'])
param pick string = 'a'
output conn string = 'HostName=\${hub.name};SharedAccessKey=\${hub.listKeys().value[0].primaryKey}'
@secure()
output k string = key
resource hub 'Microsoft.Devices/IotHubs@2021-07-02' = {
  name: 'h'
}
`;

	it('parameters: type, secure, default, allowed values, nullable, spans', () => {
		const t = load(text);
		assert.deepEqual([...t.parameters.keys()], ['key', 'rules', 'count', 'pick']);
		const key = t.parameters.get('key')!;
		assert.equal(key.name, 'key');
		assert.equal(key.type, 'string');
		assert.equal(key.secure, true);
		assert.deepEqual(key.nameSpan, at(text, 'key'));
		assert.deepEqual(key.span, { start: text.indexOf('param key'), end: text.indexOf("'abc'") + 5 });
		assert.deepEqual(key.defaultValue, { kind: 'string', value: 'abc', origin: { uri: URI, span: at(text, "'abc'"), source: 'parameterDefault', format: 'bicep', name: 'key', replaceable: true } });
		assert.equal(key.value, key.defaultValue);
		const rules = t.parameters.get('rules')!;
		assert.equal(rules.type, 'object?');
		assert.equal(rules.nullable, true);
		assert.equal(rules.secure, false);
		assert.equal(rules.value, undefined);
		const count = t.parameters.get('count')!;
		assert.equal(count.value, undefined);
		assert.equal(count.defaultValue, undefined);
		assert.deepEqual(t.parameters.get('pick')!.allowedValues?.map(toPlain), ['a', 'b']);
	});

	it('outputs: secure, expression text, value', () => {
		const t = load(text);
		assert.deepEqual(
			t.outputs.map((o) => [o.name, o.type, o.secure, o.expressionText, o.value.kind]),
			[
				['conn', 'string', false, "'HostName=${hub.name};SharedAccessKey=${hub.listKeys().value[0].primaryKey}'", 'unknown'],
				['k', 'string', true, 'key', 'string'],
			],
		);
		assert.deepEqual(t.outputs[0].nameSpan, at(text, 'conn'));
		assert.deepEqual(t.outputs[1].span, { start: text.indexOf('output k'), end: text.indexOf('output k') + 'output k string = key'.length });
	});
});

describe('bicep adapter: problems', () => {
	it('valid Bicep the grammar lags behind parses with no problem', () => {
		const text = `extension microsoftGraphV1
extension kubernetes with {
  namespace: 'default'
} as k8s
import { lockType } from 'br/public:avm/utl/types/avm-common-types:0.7.0'
param skuName resourceInput<'Microsoft.Devices/IotHubs@2023-06-30'>.sku.name = 'S1'
param tags resourceInput<'Microsoft.Devices/IotHubs@2023-06-30'>.tags?
param lock lockType?

import { roleAssignmentType } from 'br/public:avm/utl/types/avm-common-types:0.7.0'
param storage resource 'Microsoft.Storage/storageAccounts@2023-01-01'
var base = { a: 1 }
var count int = 3
var merged object = {
  ...base
  b: [...[1, 2], 3]
}
var maybe = (base.?a!)
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'h'
  sku: {
    name: skuName
  }
  properties: {
    ...merged
    minTlsVersion: '1.2'
  }
}
output sa resource 'Microsoft.Storage/storageAccounts@2023-01-01' = storage
output o resourceOutput<'Microsoft.Devices/IotHubs@2023-06-30'>.properties = hub.properties
`;
		const t = load(text);
		assert.deepEqual(t.problems, []);
		const hub = res(t, 'hub');
		assert.deepEqual(toPlain(hub.body), {
			name: 'h',
			sku: { name: 'S1' },
			properties: { a: 1, b: [1, 2, 3], minTlsVersion: '1.2' },
			type: 'Microsoft.Devices/IotHubs',
			apiVersion: '2023-06-30',
		});
		assert.equal(t.parameters.get('skuname')!.type, "resourceInput<'Microsoft.Devices/IotHubs@2023-06-30'>.sku.name");
		assert.equal(t.parameters.get('tags')!.nullable, true);
		assert.equal(t.parameters.get('lock')!.type, 'lockType?');
		assert.equal(t.parameters.get('lock')!.nullable, true);
		assert.equal(t.parameters.get('storage')!.type, "resource 'Microsoft.Storage/storageAccounts@2023-01-01'");
		assert.equal(t.outputs[0].type, "resource 'Microsoft.Storage/storageAccounts@2023-01-01'");
	});

	it('broken text gives exactly one problem, and hubs elsewhere are still found', () => {
		const text = `resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'h'
  properties: {
    publicNetworkAccess: 'Enabled'
  }
}
var x = %%% ###
var y = (
resource hub2 'Microsoft.Devices/IotHubs@2021-07-02' = {
  name: 'h2'
  properties: {
    minTlsVersion: '1.0'
  }
}
`;
		const t = load(text);
		assert.equal(t.problems.length, 1);
		assert.equal(t.problems[0].severity, 'error');
		assert.match(t.problems[0].message, /^Syntax error/);
		assert.equal(t.problems[0].location.uri, URI);
		assert.ok(t.problems[0].location.span.start >= text.indexOf('var x'));
		assert.equal(prop(res(t, 'hub'), 'properties.publicNetworkAccess'), 'Enabled');
		assert.equal(prop(res(t, 'hub2'), 'properties.minTlsVersion'), '1.0');
	});

	it('text that sends error recovery into a spin is cut off with one problem', () => {
		const text = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000) + "\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n}\n";
		const t0 = Date.now();
		const t = load(text);
		assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
		assert.equal(t.problems.length, 1);
		// The statements after the hostile one are still read.
		assert.equal(res(t, 'hub').displayName, 'h');
	});

	it('large texts are read statement by statement, to the same model', () => {
		const parts = ["param prefix string = 'p'", "var tls = '1.2'"];
		for (let i = 0; i < 700; i++) {
			parts.push(`@description('hub ${i}')\nresource hub${i} 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: '\${prefix}-${i}'\n  properties: {\n    minTlsVersion: tls\n    publicNetworkAccess: ${i % 2 === 0 ? "'Enabled'" : "'Disabled'"}\n    dependsOn: [\n      hub${Math.max(0, i - 1)}\n    ]\n  }\n}`);
		}
		const text = parts.join('\n') + '\n';
		assert.ok(text.length > 100_000);
		const pieces = load(text);
		assert.deepEqual(pieces.problems, []);
		const tree = parseBicep(text)!;
		const whole = loadBicepTemplate(URI, text, memoryHost({}), { tree });
		tree.delete();
		const summary = (t: Template) => t.resources.map((r) => [r.symbolicName, r.displayName, r.site.span.start, prop(r, 'properties.minTlsVersion'), prop(r, 'properties.publicNetworkAccess')]);
		assert.equal(pieces.resources.length, 700);
		assert.deepEqual(summary(pieces), summary(whole));
	});

	it('a half-typed property keeps the rest of the body', () => {
		const text = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: {\n    minTlsVersion:\n    disableLocalAuth: false\n  }\n}\n";
		const t = load(text);
		assert.equal(t.problems.length, 1);
		assert.equal(prop(res(t, 'hub'), 'properties.disableLocalAuth'), false);
	});
});

describe('bicep adapter: parameter files', () => {
	const template = "param pna string = 'Enabled'\nparam tls string\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: {\n    publicNetworkAccess: pna\n    minTlsVersion: tls\n  }\n}\n";

	it('a sibling .bicepparam that uses the template supplies values', () => {
		const params = "using './main.bicep'\n\nparam pna = 'Disabled'\nparam tls = '1.2'\n";
		const t = load(template, { 'main.bicepparam': params });
		assert.deepEqual(t.parameterFiles, [`${WS}main.bicepparam`]);
		assert.equal(t.texts.get(`${WS}main.bicepparam`), params);
		const p = lookup(res(t, 'hub').body, 'properties.publicNetworkAccess', res(t, 'hub').site)!;
		assert.equal(p.value, 'Disabled');
		assert.deepEqual(p.origin, { uri: `${WS}main.bicepparam`, span: at(params, "'Disabled'"), source: 'parameterFile', format: 'bicep', name: 'pna', replaceable: true });
		assert.equal(t.parameters.get('pna')!.value, p.raw);
		assert.equal(toPlain(t.parameters.get('pna')!.defaultValue!), 'Enabled');
	});

	it('a .bicepparam for another template is ignored; an explicit one is used', () => {
		const params = "using './other.bicep'\nparam pna = 'Disabled'\n";
		assert.deepEqual(load(template, { 'main.bicepparam': params }).parameterFiles, []);
		const t = load(template, { 'dev.bicepparam': params }, { parameterFileUri: `${WS}dev.bicepparam` });
		assert.deepEqual(t.parameterFiles, [`${WS}dev.bicepparam`]);
		assert.equal(prop(res(t, 'hub'), 'properties.publicNetworkAccess'), 'Disabled');
	});

	it('a sibling <name>.parameters.json supplies values with JSON origins', () => {
		const json = '{\n  "parameters": {\n    "tls": { "value": "1.0" }\n  }\n}\n';
		const t = load(template, { 'main.parameters.json': json });
		assert.deepEqual(t.parameterFiles, [`${WS}main.parameters.json`]);
		const p = lookup(res(t, 'hub').body, 'properties.minTlsVersion', res(t, 'hub').site)!;
		assert.equal(p.value, '1.0');
		assert.deepEqual(p.origin, {
			uri: `${WS}main.parameters.json`,
			span: at(json, '"1.0"'),
			source: 'parameterFile',
			format: 'json',
			name: 'tls',
			replaceable: true,
			jsonPath: ['parameters', 'tls', 'value'],
		});
	});
});

describe('bicep adapter: modules', () => {
	const hubModule = `param name string
param pna string = 'Enabled'
param tls string = '1.0'
resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  properties: {
    publicNetworkAccess: pna
    minTlsVersion: tls
  }
}
`;

	it('local module resources are added with the module path as via, arguments substituted', () => {
		const text = `param tlsVersion string = '1.2'
module m './modules/hub.bicep' = {
  name: 'hubDeploy'
  params: {
    name: 'modhub'
    tls: tlsVersion
  }
}
`;
		const t = load(text, { 'modules/hub.bicep': hubModule });
		assert.deepEqual(t.problems, []);
		assert.equal(t.resources.length, 1);
		const hub = t.resources[0];
		const calleeUri = `${WS}modules/hub.bicep`;
		assert.equal(hub.displayName, 'modhub');
		assert.deepEqual(hub.via, [{ uri: URI, span: at(text, "'./modules/hub.bicep'") }]);
		assert.equal(hub.site.uri, calleeUri);
		assert.equal(t.texts.get(calleeUri), hubModule);
		// A literal argument: origin 'moduleArgument' at the caller's literal.
		assert.deepEqual(hub.name.origin, { uri: URI, span: at(text, "'modhub'"), source: 'moduleArgument', format: 'bicep', name: 'name', replaceable: true });
		// The caller's own parameter passes through with its provenance.
		const tls = lookup(hub.body, 'properties.minTlsVersion', hub.site)!;
		assert.equal(tls.value, '1.2');
		assert.deepEqual(tls.origin, { uri: URI, span: at(text, "'1.2'"), source: 'parameterDefault', format: 'bicep', name: 'tlsVersion', replaceable: true });
		// Not passed: the callee default applies.
		const pna = lookup(hub.body, 'properties.publicNetworkAccess', hub.site)!;
		assert.equal(pna.origin?.uri, calleeUri);
		assert.equal(pna.origin?.source, 'parameterDefault');
	});

	it('nested modules append one via per level; conditions and loops carry over', () => {
		const middle = "param on bool\nmodule inner './hub.bicep' = if (on) {\n  name: 'inner'\n  params: {\n    name: 'deep'\n  }\n}\n";
		const text = "module outer './mods/middle.bicep' = [for i in range(0, 2): {\n  name: 'outer${i}'\n  params: {\n    on: true\n  }\n}]\n";
		const t = load(text, { 'mods/middle.bicep': middle, 'mods/hub.bicep': hubModule });
		assert.equal(t.resources.length, 1);
		const hub = t.resources[0];
		assert.deepEqual(hub.via, [
			{ uri: `${WS}mods/middle.bicep`, span: at(middle, "'./hub.bicep'") },
			{ uri: URI, span: at(text, "'./mods/middle.bicep'") },
		]);
		assert.equal(hub.inLoop, true);
		assert.equal(toPlain(hub.condition!), true);
		assert.equal(hub.displayName, 'deep');
	});

	it('registry modules, missing files and cycles add nothing and do not fail', () => {
		const self = "module again './main.bicep' = {\n  name: 'again'\n}\nmodule reg 'br/public:avm/res/devices/iot-hub:0.1.0' = {\n  name: 'r'\n}\nmodule gone './missing.bicep' = {\n  name: 'g'\n}\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n}\n";
		const t = load(self);
		assert.deepEqual(t.problems, []);
		assert.deepEqual(t.resources.map((r) => r.symbolicName), ['hub']);
	});

	it('mutually recursive modules stop at the cycle', () => {
		const a = "module b './b.bicep' = {\n  name: 'b'\n}\nresource ra 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'a'\n}\n";
		const b = "module a './main.bicep' = {\n  name: 'a'\n}\nresource rb 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'b'\n}\n";
		const t = load(a, { 'b.bicep': b });
		assert.deepEqual(t.resources.map((r) => r.displayName), ['a', 'b']);
	});
});

describe('bicep parser: incremental parsing', () => {
	const text = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: {\n    minTlsVersion: '1.2'\n  }\n}\n";

	function check(cache: BicepDocumentCache, uri: string, newText: string, changes: { span: { start: number; end: number }; newText: string }[]): void {
		const tree = cache.update(uri, newText, changes)!;
		const fresh = parseBicep(newText)!;
		assert.equal(tree.rootNode.toString(), fresh.rootNode.toString());
		assert.equal(tree.rootNode.endIndex, newText.length);
		fresh.delete();
	}

	it('edits reparse to the same tree as a full parse', () => {
		const cache = new BicepDocumentCache();
		const uri = `${WS}a.bicep`;
		const first = cache.update(uri, text)!;
		assert.equal(firstSyntaxError(first), undefined);
		assert.equal(cache.update(uri, text), first);
		const pos = text.indexOf("'1.2'");
		const t2 = text.slice(0, pos) + "'1.0'" + text.slice(pos + 5);
		check(cache, uri, t2, [{ span: { start: pos, end: pos + 5 }, newText: "'1.0'" }]);
		// Two changes in one update, each against the text left by the previous one.
		const t3 = 'var x = 1\n' + t2.replace("name: 'h'", "name: 'hub'");
		const namePos = t2.indexOf("'h'");
		check(cache, uri, t3, [
			{ span: { start: namePos, end: namePos + 3 }, newText: "'hub'" },
			{ span: { start: 0, end: 0 }, newText: 'var x = 1\n' },
		]);
		// A change that creates a masked construct (a typed variable) elsewhere on the line.
		const t4 = t3.replace('var x = 1', 'var x int = 1');
		check(cache, uri, t4, [{ span: { start: 5, end: 5 }, newText: ' int' }]);
		const err = firstSyntaxError(cache.get(uri)!);
		assert.equal(err, undefined);
		// Without changes, the cache diffs the texts itself.
		const t5 = t4.replace('minTlsVersion', 'minTls');
		check(cache, uri, t5, undefined as never);
		cache.delete(uri);
		assert.equal(cache.get(uri), undefined);
	});

	it('a tree from the cache can be given to the adapter', () => {
		const cache = new BicepDocumentCache();
		const tree = cache.update(URI, text)!;
		const t = loadBicepTemplate(URI, text, memoryHost({}), { tree });
		// The model is evaluated lazily and owns a copy of the tree: it still reads after the cache moved on.
		const edited = text.replace("'1.2'", "'1.0'");
		cache.update(URI, edited, [{ span: { start: text.indexOf("'1.2'"), end: text.indexOf("'1.2'") + 5 }, newText: "'1.0'" }]);
		assert.equal(prop(res(t, 'hub'), 'properties.minTlsVersion'), '1.2');
		const t2 = loadBicepTemplate(URI, edited, memoryHost({}), { tree: cache.get(URI) });
		assert.equal(prop(res(t2, 'hub'), 'properties.minTlsVersion'), '1.0');
		cache.clear();
		assert.equal(prop(res(t2, 'hub'), 'properties.disableLocalAuth'), undefined);
	});
});
