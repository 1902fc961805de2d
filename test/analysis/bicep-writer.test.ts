// The Bicep fix writer: literals, object inserts/removals in the file's own style, apiVersion, secure
// parameters and outputs. Every edit is checked as the whole resulting text, which must still parse.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadBicepTemplate } from '../../server/src/analysis/bicep/adapter';
import { firstSyntaxError, initBicep, parseBicep } from '../../server/src/analysis/bicep/parser';
import { bicepWriter, detectStyle } from '../../server/src/analysis/bicep/writer';
import type { TextEdit } from '../../server/src/analysis/findings';
import { memoryHost } from '../../server/src/analysis/host';
import type { Origin, Template, Value } from '../../server/src/analysis/types';

const URI = 'file:///ws/main.bicep';

function load(text: string): Template {
	return loadBicepTemplate(URI, text, memoryHost({}));
}

function apply(text: string, edits: TextEdit[] | undefined): string {
	assert.ok(edits, 'no edit');
	const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
	let out = text;
	for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
	return out;
}

/** The result must parse as cleanly as the input did. */
function assertParses(text: string): void {
	const tree = parseBicep(text)!;
	const err = firstSyntaxError(tree);
	tree.delete();
	assert.equal(err ? `${err.type} at ${err.startIndex}: ${text.slice(err.startIndex, err.endIndex + 20)}` : undefined, undefined);
}

/** The origin of the object at `path` in the first resource's body. */
function objectOrigin(t: Template, path: string[]): Origin {
	let v: Value = t.resources[0].body;
	for (const k of path) {
		assert.equal(v.kind, 'object');
		v = (v as Extract<Value, { kind: 'object' }>).entries.get(k.toLowerCase())!.value;
	}
	assert.equal(v.kind, 'object');
	return v.origin!;
}

function insert(text: string, path: string[], keys: string[], value: Parameters<typeof bicepWriter.literal>[0]): string {
	const t = load(text);
	const out = apply(text, bicepWriter.insertIntoObject(text, objectOrigin(t, path), keys, value));
	assertParses(out);
	return out;
}

function remove(text: string, path: string[], key: string): string {
	const t = load(text);
	const out = apply(text, bicepWriter.removeFromObject(text, objectOrigin(t, path), key));
	assertParses(out);
	return out;
}

before(() => initBicep());

describe('bicep writer: literals and style', () => {
	it('strings use single quotes and Bicep escapes', () => {
		assert.equal(bicepWriter.literal('Disabled', ''), "'Disabled'");
		assert.equal(bicepWriter.literal("it's a \\ ${x} $y\n", ''), String.raw`'it\'s a \\ \${x} $y\n'`);
	});

	it('scalars are bare', () => {
		assert.equal(bicepWriter.literal(true, ''), 'true');
		assert.equal(bicepWriter.literal(12, ''), '12');
		assert.equal(bicepWriter.literal(-3, ''), '-3');
		assert.equal(bicepWriter.literal(null, ''), 'null');
	});

	it('objects and arrays are multi-line in the file indentation', () => {
		const value = { defaultAction: 'Deny', 'odd-key': [1, { a: true }], empty: {}, none: [] };
		assert.equal(bicepWriter.literal(value, 'x = {\n  a: 1\n}\n'), "{\n  defaultAction: 'Deny'\n  'odd-key': [\n    1\n    {\n      a: true\n    }\n  ]\n  empty: {}\n  none: []\n}");
		assert.equal(bicepWriter.literal({ a: 1 }, 'x = {\n\ta: 1\n}\n'), '{\n\ta: 1\n}');
		assert.equal(bicepWriter.literal({ a: 1 }, 'x = {\n    a: {\n        b: 1\n    }\n}\n'), '{\n    a: 1\n}');
		assert.equal(bicepWriter.literal({ a: 1 }, 'x = {\r\n  a: 1\r\n}\r\n'), '{\r\n  a: 1\r\n}');
	});

	it('style detection', () => {
		assert.deepEqual(detectStyle(''), { unit: '  ', eol: '\n' });
		assert.deepEqual(detectStyle('a\n\tb\n\t\tc\n'), { unit: '\t', eol: '\n' });
		assert.deepEqual(detectStyle('a\r\n    b\r\n'), { unit: '    ', eol: '\r\n' });
	});
});

describe('bicep writer: insertIntoObject', () => {
	const hub = `resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'h'
  properties: {
    // keep this comment
    minTlsVersion: '1.2'
  }
}
`;

	it('adds a line before the closing brace, in the entries indentation', () => {
		assert.equal(
			insert(hub, ['properties'], ['publicNetworkAccess'], 'Disabled'),
			hub.replace("    minTlsVersion: '1.2'\n", "    minTlsVersion: '1.2'\n    publicNetworkAccess: 'Disabled'\n"),
		);
	});

	it('creates nested objects for a multi-key path', () => {
		assert.equal(
			insert(hub, ['properties'], ['networkRuleSets', 'defaultAction'], 'Deny'),
			hub.replace("    minTlsVersion: '1.2'\n", "    minTlsVersion: '1.2'\n    networkRuleSets: {\n      defaultAction: 'Deny'\n    }\n"),
		);
	});

	it('inserts into the resource body itself', () => {
		assert.equal(insert(hub, [], ['identity'], { type: 'SystemAssigned' }), hub.replace('  }\n}\n', "  }\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n"));
	});

	it('tabs and four spaces', () => {
		const tabs = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n\tname: 'h'\n\tproperties: {\n\t\tminTlsVersion: '1.2'\n\t}\n}\n";
		assert.equal(insert(tabs, ['properties'], ['a', 'b'], 1), tabs.replace("\t\tminTlsVersion: '1.2'\n", "\t\tminTlsVersion: '1.2'\n\t\ta: {\n\t\t\tb: 1\n\t\t}\n"));
		const four = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n    name: 'h'\n    properties: {\n        minTlsVersion: '1.2'\n    }\n}\n";
		assert.equal(insert(four, ['properties'], ['x'], true), four.replace("        minTlsVersion: '1.2'\n", "        minTlsVersion: '1.2'\n        x: true\n"));
	});

	it('CRLF files get CRLF lines', () => {
		const crlf = hub.replace(/\n/g, '\r\n');
		assert.equal(insert(crlf, ['properties'], ['x'], 'y'), crlf.replace("    minTlsVersion: '1.2'\r\n", "    minTlsVersion: '1.2'\r\n    x: 'y'\r\n"));
	});

	it('expands {} and single-line objects', () => {
		const empty = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: {}\n}\n";
		assert.equal(insert(empty, ['properties'], ['disableLocalAuth'], true), empty.replace('properties: {}', 'properties: {\n    disableLocalAuth: true\n  }'));
		const single = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: { minTlsVersion: '1.2', features: 'None' }\n}\n";
		assert.equal(
			insert(single, ['properties'], ['disableLocalAuth'], true),
			single.replace("properties: { minTlsVersion: '1.2', features: 'None' }", "properties: {\n    minTlsVersion: '1.2'\n    features: 'None'\n    disableLocalAuth: true\n  }"),
		);
	});

	it('quotes keys that are not identifiers', () => {
		assert.equal(insert(hub, ['properties'], ['odd-key'], 'v'), hub.replace("    minTlsVersion: '1.2'\n", "    minTlsVersion: '1.2'\n    'odd-key': 'v'\n"));
	});

	it('inserts into an object written in a variable', () => {
		const text = "var props = {\n  minTlsVersion: '1.2'\n}\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: props\n}\n";
		assert.equal(insert(text, ['properties'], ['disableLocalAuth'], true), text.replace("  minTlsVersion: '1.2'\n", "  minTlsVersion: '1.2'\n  disableLocalAuth: true\n"));
	});

	it('refuses what is not an object literal', () => {
		const text = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n}\n";
		assert.equal(bicepWriter.insertIntoObject(text, { uri: URI, span: { start: 0, end: 8 }, source: 'literal', format: 'bicep', replaceable: false }, ['a'], 1), undefined);
	});
});

describe('bicep writer: removeFromObject', () => {
	const hub = `resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'h'
  properties: {
    minTlsVersion: '1.2' // trailing
    ipFilterRules: [
      {
        action: 'Accept'
      }
    ]
    'quoted': true
  }
}
`;

	it('removes whole lines of an entry (multi-line values included)', () => {
		assert.equal(remove(hub, ['properties'], 'ipFilterRules'), hub.replace("    ipFilterRules: [\n      {\n        action: 'Accept'\n      }\n    ]\n", ''));
		assert.equal(remove(hub, ['properties'], 'MINTLSVERSION'), hub.replace("    minTlsVersion: '1.2' // trailing\n", ''));
		assert.equal(remove(hub, ['properties'], 'quoted'), hub.replace("    'quoted': true\n", ''));
	});

	it('single-line objects lose the entry and one comma', () => {
		const single = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: { a: 1, b: 2, c: 3 }\n}\n";
		assert.equal(remove(single, ['properties'], 'a'), single.replace('{ a: 1, b: 2, c: 3 }', '{ b: 2, c: 3 }'));
		assert.equal(remove(single, ['properties'], 'b'), single.replace('{ a: 1, b: 2, c: 3 }', '{ a: 1, c: 3 }'));
		assert.equal(remove(single, ['properties'], 'c'), single.replace('{ a: 1, b: 2, c: 3 }', '{ a: 1, b: 2 }'));
		const one = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'h'\n  properties: { a: 1 }\n}\n";
		assert.equal(remove(one, ['properties'], 'a'), one.replace('{ a: 1 }', '{}'));
	});

	it('a missing key needs no edit', () => {
		const t = load(hub);
		assert.deepEqual(bicepWriter.removeFromObject(hub, objectOrigin(t, ['properties']), 'nope'), []);
	});
});

describe('bicep writer: declarations', () => {
	it('setApiVersion rewrites the version inside the type string', () => {
		const text = "resource hub 'Microsoft.Devices/IotHubs@2020-03-01' = {\n  name: 'h'\n  resource cg 'eventHubEndpoints/ConsumerGroups' = {\n    name: 'events/x'\n  }\n}\n";
		const t = load(text);
		const out = apply(text, bicepWriter.setApiVersion(t, t.resources[0], '2023-06-30'));
		assert.equal(out, text.replace('@2020-03-01', '@2023-06-30'));
		assertParses(out);
		// A relative child type without a version gets one.
		const child = apply(text, bicepWriter.setApiVersion(t, t.resources[1], '2023-06-30'));
		assert.equal(child, text.replace("'eventHubEndpoints/ConsumerGroups'", "'eventHubEndpoints/ConsumerGroups@2023-06-30'"));
		assertParses(child);
	});

	it('markParameterSecure adds @secure() above the param and drops the default', () => {
		const text = "@description('The key')\nparam key string = 'abc'\nparam other string = 'x'\n";
		const t = load(text);
		const key = t.parameters.get('key')!;
		const dropped = apply(text, bicepWriter.markParameterSecure(t, key, true));
		assert.equal(dropped, "@description('The key')\n@secure()\nparam key string\nparam other string = 'x'\n");
		assertParses(dropped);
		const kept = apply(text, bicepWriter.markParameterSecure(t, key, false));
		assert.equal(kept, "@description('The key')\n@secure()\nparam key string = 'abc'\nparam other string = 'x'\n");
		// Already secure: only the default goes; nothing to do without one.
		const secure = "@secure()\nparam key string = 'abc'\n";
		const ts = load(secure);
		assert.equal(apply(secure, bicepWriter.markParameterSecure(ts, ts.parameters.get('key')!, true)), '@secure()\nparam key string\n');
		assert.equal(bicepWriter.markParameterSecure(ts, ts.parameters.get('key')!, false), undefined);
	});

	it('markParameterSecure on a masked type keeps the type', () => {
		const text = "param key resourceInput<'Microsoft.Devices/IotHubs@2023-06-30'>.properties.comments = 'abc'\n";
		const t = load(text);
		const out = apply(text, bicepWriter.markParameterSecure(t, t.parameters.get('key')!, true));
		assert.equal(out, "@secure()\nparam key resourceInput<'Microsoft.Devices/IotHubs@2023-06-30'>.properties.comments\n");
		assertParses(out);
	});

	it('markOutputSecure and removeOutput (with its decorators)', () => {
		const text = "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: 'h'\n}\n\n@description('conn')\n@minLength(1)\noutput conn string = hub.listKeys().value[0].primaryKey // secret\noutput name string = hub.name\n";
		const t = load(text);
		const conn = t.outputs[0];
		const secured = apply(text, bicepWriter.markOutputSecure(t, conn));
		assert.equal(secured, text.replace('@minLength(1)\n', '@minLength(1)\n@secure()\n'));
		assertParses(secured);
		const removed = apply(text, bicepWriter.removeOutput(t, conn));
		assert.equal(removed, "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: 'h'\n}\n\noutput name string = hub.name\n");
		assertParses(removed);
		const last = apply(text, bicepWriter.removeOutput(t, t.outputs[1]));
		assert.equal(last, text.replace('output name string = hub.name\n', ''));
	});
});
