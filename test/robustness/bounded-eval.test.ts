// Issue 8 - expression evaluation is bounded: recursion, repetition (range, copy, padLeft, concat doubling
// through variables, shared sub-values) and memory are capped, so each of these templates analyses in
// under a second and the values that hit a cap are unknown (never a crash, never a hang).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeChecked, bicepUnavailable, WS } from './support';

/** Per template (the issue's bound). */
const LIMIT_MS = 1000;
/** Heap growth allowed for one hostile template (the caps keep it far below). */
const HEAP_MB = 300;

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** A template whose hub takes `name` and `props` from the given expressions, with extra variables/parameters. */
function arm(opts: { variables?: string[]; parameters?: string[]; name?: string; props?: Record<string, string>; outputs?: string[]; copy?: string }): string {
	const props = Object.entries(opts.props ?? {}).map(([k, v]) => `"${k}": ${v}`);
	return [
		'{',
		`  "$schema": "${SCHEMA}",`,
		'  "contentVersion": "1.0.0.0",',
		`  "parameters": { ${(opts.parameters ?? []).join(', ')} },`,
		`  "variables": { ${(opts.variables ?? []).join(', ')} },`,
		'  "resources": [ {',
		'    "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "location": "westeurope",',
		opts.copy ? `    "copy": ${opts.copy},` : '',
		`    "name": ${opts.name ?? '"hub"'},`,
		`    "properties": { ${props.join(', ')} }`,
		'  } ],',
		`  "outputs": { ${(opts.outputs ?? []).join(', ')} }`,
		'}',
	].join('\n');
}

const chain = (n: number, first: string, next: (i: number) => string) => [first, ...Array.from({ length: n - 1 }, (_, k) => next(k + 1))];

const armCases: Record<string, string> = {
	'mutually recursive variables': arm({ variables: [`"a": "[variables('b')]"`, `"b": "[variables('a')]"`], props: { minTlsVersion: `"[variables('a')]"` } }),
	'self-referencing parameter default': arm({ parameters: [`"p": { "type": "string", "defaultValue": "[parameters('p')]" }`], props: { minTlsVersion: `"[parameters('p')]"` } }),
	'variable chain of 5,000 links': arm({ variables: chain(5000, `"v0": "1.0"`, (i) => `"v${i}": "[variables('v${i - 1}')]"`), props: { minTlsVersion: `"[variables('v4999')]"` } }),
	'parameter default chain of 2,000 links': arm({ parameters: chain(2000, `"p0": { "type": "string", "defaultValue": "1.0" }`, (i) => `"p${i}": { "type": "string", "defaultValue": "[parameters('p${i - 1}')]" }`), props: { minTlsVersion: `"[parameters('p1999')]"` } }),
	'range(0, 100000000)': arm({ name: `"[string(range(0, 100000000))]"`, props: { minTlsVersion: `"[string(length(range(0, 100000000)))]"` } }),
	'range at the cap, used 100 times': arm({ variables: [`"r": "[range(0, 10000)]"`], props: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x${i}`, `"[string(union(variables('r'), variables('r')))]"`])) }),
	'resource copy count 100,000,000': arm({ copy: `{ "name": "hubs", "count": 100000000 }`, name: `"[concat('hub', copyIndex())]"` }),
	'property copy count 100,000,000': arm({ props: { copy: `[ { "name": "rules", "count": 100000000, "input": { "filterName": "[concat('r', copyIndex('rules'))]", "action": "Accept", "ipMask": "0.0.0.0/0" } } ]` } }),
	'variable copy count 100,000,000': arm({ variables: [`"copy": [ { "name": "many", "count": 100000000, "input": "[copyIndex('many')]" } ]`], props: { minTlsVersion: `"[string(length(variables('many')))]"` } }),
	"padLeft('x', 100000000)": arm({ name: `"[padLeft('x', 100000000)]"`, props: { minTlsVersion: `"[padLeft('1.0', 2147483647, '0')]"` } }),
	'format alignment 100,000,000': arm({ name: `"[format('{0,100000000}', 'x')]"` }),
	'concat doubling through 60 variables': arm({ variables: chain(60, `"v0": "0123456789"`, (i) => `"v${i}": "[concat(variables('v${i - 1}'), variables('v${i - 1}'))]"`), name: `"[variables('v59')]"`, props: { minTlsVersion: `"[string(length(variables('v59')))]"` } }),
	'replace doubling through 60 variables': arm({ variables: chain(60, `"v0": "ab"`, (i) => `"v${i}": "[replace(variables('v${i - 1}'), 'a', 'aa')]"`), name: `"[variables('v59')]"` }),
	'array doubling (createArray of itself, shared values)': arm({
		variables: chain(60, `"v0": "[range(0, 10000)]"`, (i) => `"v${i}": "[createArray(variables('v${i - 1}'), variables('v${i - 1}'))]"`),
		name: `"[string(variables('v59'))]"`,
		props: { minTlsVersion: `"[variables('v59')]"`, ipFilterRules: `"[variables('v59')]"`, networkRuleSets: `{ "ipRules": "[variables('v59')]" }`, x: `"[equals(variables('v59'), variables('v58'))]"`, y: `"[contains(variables('v40'), variables('v41'))]"` },
		outputs: [`"o": { "type": "array", "value": "[variables('v59')]" }`, `"s": { "type": "string", "value": "[string(variables('v30'))]" }`],
	}),
	'object doubling through literal objects (shared values)': arm({
		variables: chain(60, `"v0": { "minTlsVersion": "1.0" }`, (i) => `"v${i}": { "a": "[variables('v${i - 1}')]", "b": "[variables('v${i - 1}')]" }`),
		props: { minTlsVersion: `"[string(variables('v59'))]"`, routing: `"[variables('v59')]"` },
		outputs: [`"o": { "type": "object", "value": "[variables('v59')]" }`],
	}),
	// Resource bodies are converted lazily, so their size is checked where a whole value is walked (toPlain, the
	// scan of a linked deployment's parameters for the hub): 300 uses of a 640,000-item value must stay unknown.
	'300 uses of a large variable in the hub body and in a linked deployment': (() => {
		const big = chain(7, `"v0": "[range(0, 10000)]"`, (i) => `"v${i}": "[concat(variables('v${i - 1}'), variables('v${i - 1}'))]"`);
		const uses = Array.from({ length: 300 }, (_, i) => `"x${i}": "[variables('v6')]"`).join(', ');
		return arm({ variables: big, props: { routing: `{ "endpoints": { ${uses} } }`, networkRuleSets: `{ ${uses} }`, x: `{ "y": { ${uses} } }` } }).replace(
			'  } ],',
			`  }, { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked", "properties": { "mode": "Incremental", "templateLink": { "uri": "https://example.com/t.json" }, "parameters": { ${uses} } } } ],`,
		);
	})(),
	'union/intersection of 10,000-item arrays': arm({ variables: [`"a": "[range(0, 10000)]"`, `"b": "[range(5000, 10000)]"`], props: { x: `"[length(union(variables('a'), variables('b')))]"`, y: `"[length(intersection(variables('a'), variables('b')))]"` } }),
	'split of a 1,000,000-character string': arm({ variables: [`"s": "[padLeft('', 999999, ',')]"`], props: { x: `"[length(split(variables('s'), ','))]"` } }),
	'json() of 100,000-deep nesting': arm({ props: { x: `"[json('${'['.repeat(100000)}${']'.repeat(100000)}')]"` } }),
	'expression nested 10,000 deep': arm({ name: `"[${'concat('.repeat(10000)}'x'${')'.repeat(10000)}]"` }),
	'property chain of 10,000 accesses': arm({ name: `"[createObject('a', 1)${'.a'.repeat(10000)}]"` }),
	'nested deployments 50 deep': (() => {
		let inner = `{ "$schema": "${SCHEMA}", "contentVersion": "1.0.0.0", "resources": [ { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "deep", "properties": {} } ] }`;
		for (let i = 0; i < 50; i++) inner = `{ "$schema": "${SCHEMA}", "contentVersion": "1.0.0.0", "resources": [ { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d${i}", "properties": { "mode": "Incremental", "template": ${inner} } } ] }`;
		return inner;
	})(),
};

describe('bounded evaluation: ARM JSON', () => {
	for (const [name, text] of Object.entries(armCases)) {
		it(`${name}: < ${LIMIT_MS} ms, bounded memory`, () => {
			const heap = process.memoryUsage().heapUsed;
			const { result, ms } = analyzeChecked(WS + 'bounded.json', text, {}, { reportUnknown: true }, name);
			const grown = (process.memoryUsage().heapUsed - heap) / (1024 * 1024);
			assert.equal(result.kind, 'armTemplate');
			assert.ok(ms < LIMIT_MS, `${ms.toFixed(0)} ms`);
			assert.ok(grown < HEAP_MB, `heap grew by ${grown.toFixed(0)} MB`);
			assert.ok((result.template?.resources.length ?? 0) >= 1, 'the hub is still there');
		});
	}

	it('values that hit a cap are unknown, not truncated', () => {
		const { result } = analyzeChecked(WS + 'bounded.json', armCases["padLeft('x', 100000000)"], {}, { reportUnknown: true });
		const hub = result.template?.resources.find((r) => r.type === 'Microsoft.Devices/IotHubs');
		assert.equal(hub?.name.kind, 'unknown');
		const doubling = analyzeChecked(WS + 'bounded.json', armCases['concat doubling through 60 variables']).result;
		const h2 = doubling.template?.resources[0];
		assert.equal(h2?.name.kind, 'unknown', 'a string over the cap is unknown');
	});
});

describe('bounded evaluation: Bicep', () => {
	const lines = (n: number, first: string, next: (i: number) => string) => chain(n, first, next).join('\n');
	const hub = (props: string, name = "'hub'") => `resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: ${name}\n  location: 'westeurope'\n  sku: {\n    name: 'S1'\n    capacity: 1\n  }\n  properties: {\n${props}\n  }\n}\n`;
	const bicepCases: Record<string, string> = {
		'mutually recursive variables': `var a = b\nvar b = a\n${hub('    minTlsVersion: a')}`,
		'variable chain of 2,000 links': `${lines(2000, "var v0 = '1.0'", (i) => `var v${i} = v${i - 1}`)}\n${hub('    minTlsVersion: v1999')}`,
		'range(0, 100000000)': `var r = range(0, 100000000)\n${hub("    minTlsVersion: string(length(r))", 'string(r)')}`,
		'for loop over 100,000,000 items': `var rules = [for i in range(0, 100000000): { filterName: 'r\${i}', action: 'Accept', ipMask: '0.0.0.0/0' }]\n${hub('    ipFilterRules: rules')}`,
		'resource loop over 100,000,000 items': `resource hubs 'Microsoft.Devices/IotHubs@2023-06-30' = [for i in range(0, 100000000): {\n  name: 'hub\${i}'\n  location: 'westeurope'\n  properties: {}\n}]\n`,
		"padLeft('x', 100000000)": hub("    minTlsVersion: padLeft('1.0', 100000000, '0')"),
		'string doubling through 60 variables': `${lines(60, "var v0 = '0123456789'", (i) => `var v${i} = '\${v${i - 1}}\${v${i - 1}}'`)}\n${hub('    minTlsVersion: v59')}`,
		'array doubling (shared values)': `${lines(60, 'var v0 = range(0, 1000)', (i) => `var v${i} = [\n  v${i - 1}\n  v${i - 1}\n]`)}\n${hub('    minTlsVersion: v59\n    ipFilterRules: v59', 'string(v59)')}\noutput o array = v59\n`,
		'object doubling (shared values)': `${lines(60, "var o0 = { minTlsVersion: '1.0' }", (i) => `var o${i} = {\n  a: o${i - 1}\n  b: o${i - 1}\n}`)}\n${hub('    routing: o59\n    minTlsVersion: string(o59)')}\noutput o object = o59\n`,
		'expression nested 10,000 deep': `var x = ${'('.repeat(10000)}'x'${')'.repeat(10000)}\n${hub('    minTlsVersion: x')}`,
	};
	for (const [name, text] of Object.entries(bicepCases)) {
		it(`${name}: < ${LIMIT_MS} ms, bounded memory`, async (t) => {
			const why = await bicepUnavailable();
			if (why) {
				t.skip(why);
				return;
			}
			const heap = process.memoryUsage().heapUsed;
			const { ms } = analyzeChecked(WS + 'bounded.bicep', text, {}, { reportUnknown: true }, name);
			const grown = (process.memoryUsage().heapUsed - heap) / (1024 * 1024);
			assert.ok(ms < LIMIT_MS, `${ms.toFixed(0)} ms`);
			assert.ok(grown < HEAP_MB, `heap grew by ${grown.toFixed(0)} MB`);
		});
	}
});
