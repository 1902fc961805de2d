// Bicep expression evaluation: values, provenance (origin spans and sources) and the runtime/unknown
// boundary. Expressions are written as outputs or variables of small templates and read back through the
// model the adapter produces.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadBicepTemplate } from '../../server/src/analysis/bicep/adapter';
import { initBicep } from '../../server/src/analysis/bicep/parser';
import { memoryHost } from '../../server/src/analysis/host';
import { toPlain } from '../../server/src/analysis/rule';
import type { Template, Value } from '../../server/src/analysis/types';
import { at } from '../support/spans';

const URI = 'file:///ws/main.bicep';

function load(text: string, files: Record<string, string> = {}): Template {
	return loadBicepTemplate(URI, text, memoryHost(files));
}

/** The value of `output o` in `text`. */
function out(text: string, name = 'o'): Value {
	const t = load(text);
	const o = t.outputs.find((x) => x.name === name);
	assert.ok(o, `output ${name} not found`);
	return o.value;
}

/** Evaluate one expression (preceded by declarations) and return its value. */
function ev(expr: string, decls = ''): Value {
	return out(`${decls}\noutput o any = ${expr}\n`);
}

function plain(expr: string, decls = ''): unknown {
	return toPlain(ev(expr, decls));
}

function unknownReason(v: Value): string {
	assert.equal(v.kind, 'unknown', `expected unknown, got ${JSON.stringify(toPlain(v))}`);
	return (v as { reason: string }).reason;
}

before(() => initBicep());

describe('bicep evaluate: literals', () => {
	it('string literal: value and a replaceable origin covering the quotes', () => {
		const text = "output o string = 'Disabled'\n";
		const v = out(text);
		assert.deepEqual(v, {
			kind: 'string',
			value: 'Disabled',
			origin: { uri: URI, span: at(text, "'Disabled'"), source: 'literal', format: 'bicep', replaceable: true },
		});
	});

	it('escapes are decoded', () => {
		assert.equal(plain(String.raw`'a\'b\\c\${x}\n\t\u{1F680}'`), "a'b\\c${x}\n\t🚀");
	});

	it('multi-line strings are verbatim, without the first line break', () => {
		const v = ev("'''\nline1\n  it's ${raw}\n'''");
		assert.equal(toPlain(v), "line1\n  it's ${raw}\n");
		assert.equal(v.origin?.replaceable, true);
	});

	it('numbers, negative numbers, booleans and null are replaceable literals', () => {
		const text = 'output a int = 42\noutput b int = -1\noutput c bool = false\noutput d object? = null\n';
		const t = load(text);
		const [a, b, c, d] = t.outputs.map((o) => o.value);
		assert.deepEqual([toPlain(a), toPlain(b), toPlain(c), toPlain(d)], [42, -1, false, null]);
		assert.deepEqual(b.origin?.span, at(text, '-1'));
		assert.deepEqual(d.origin, { uri: URI, span: at(text, 'null'), source: 'literal', format: 'bicep', replaceable: true });
		assert.ok([a, b, c, d].every((v) => v.origin?.replaceable));
	});

	it('interpolation is computed: not replaceable, spanning the whole string', () => {
		const text = "var x = 'b'\noutput o string = 'a${x}c${1}${true}'\n";
		const v = out(text);
		assert.deepEqual(v, { kind: 'string', value: 'abc1True', origin: { uri: URI, span: at(text, "'a${x}c${1}${true}'"), source: 'computed', format: 'bicep', replaceable: false } });
	});

	it('an interpolation of a runtime value is unknown', () => {
		assert.match(unknownReason(ev("'${uniqueString(resourceGroup().id)}hub'")), /only known at deployment/);
	});

	it('objects: lower-cased keys, key spans without quotes, value sites, the object span', () => {
		const text = "var cfg = {\n  Name: 'x'\n  'quoted-key': 1\n  nested: {\n    a: true\n  }\n}\noutput o object = cfg\n";
		const v = out(text);
		assert.equal(v.kind, 'object');
		if (v.kind !== 'object') return;
		assert.deepEqual([...v.entries.keys()], ['name', 'quoted-key', 'nested']);
		assert.deepEqual(v.origin, { uri: URI, span: { start: text.indexOf('{'), end: text.indexOf('}\noutput') + 1 }, source: 'variable', format: 'bicep', name: 'cfg', replaceable: false });
		const name = v.entries.get('name')!;
		assert.equal(name.key, 'Name');
		assert.deepEqual(name.keySpan, at(text, 'Name'));
		assert.deepEqual(name.site, { uri: URI, span: at(text, "'x'") });
		assert.deepEqual(name.value.origin, { uri: URI, span: at(text, "'x'"), source: 'variable', format: 'bicep', name: 'cfg', replaceable: true });
		const quoted = v.entries.get('quoted-key')!;
		assert.equal(quoted.key, 'quoted-key');
		assert.deepEqual(quoted.keySpan, at(text, 'quoted-key'));
		assert.deepEqual(toPlain(v), { Name: 'x', 'quoted-key': 1, nested: { a: true } });
	});

	it('single-line objects and arrays with commas', () => {
		assert.deepEqual(plain("{ a: 1, b: [1, 'two'], c: {} }"), { a: 1, b: [1, 'two'], c: {} });
	});

	it('spread in objects and arrays', () => {
		const decls = "var base = { a: 1, b: 2 }\nvar more = [2, 3]";
		assert.deepEqual(plain('{\n  ...base\n  b: 3\n}', decls), { a: 1, b: 3 });
		assert.deepEqual(plain('[1, ...more, 4]', decls), [1, 2, 3, 4]);
	});

	it('interpolated object keys', () => {
		assert.deepEqual(plain("{ '${k}-x': 1 }", "var k = 'key'"), { 'key-x': 1 });
	});
});

describe('bicep evaluate: symbols and provenance', () => {
	it('a parameter reference passes the default value through unchanged', () => {
		const text = "param pna string = 'Enabled'\noutput o string = pna\n";
		assert.deepEqual(out(text), {
			kind: 'string',
			value: 'Enabled',
			origin: { uri: URI, span: at(text, "'Enabled'"), source: 'parameterDefault', format: 'bicep', name: 'pna', replaceable: true },
		});
	});

	it('a parameter without a value is unknown; an omitted nullable parameter is null', () => {
		const text = 'param required string\nparam optional object?\noutput a string = required\noutput b object? = optional\n';
		const [a, b] = load(text).outputs.map((o) => o.value);
		assert.equal(unknownReason(a), "parameter 'required' has no value");
		assert.equal(a.origin?.name, 'required');
		assert.deepEqual(b, { kind: 'null', origin: { uri: URI, span: at(text, 'optional'), source: 'parameterDefault', format: 'bicep', name: 'optional', replaceable: false } });
	});

	it('parameter defaults may use other parameters and variables', () => {
		assert.equal(plain('b', "param a string = 'x'\nparam b string = '${a}-${v}'\nvar v = 'y'"), 'x-y');
	});

	it('variables are lazy and memoised; a cycle is unknown, not a crash', () => {
		assert.equal(plain('a', "var a = b\nvar b = toUpper(c)\nvar c = 'x'"), 'X');
		assert.match(unknownReason(ev('a', 'var a = b\nvar b = a')), /refers to itself/);
	});

	it('a variable holding a literal keeps the variable as source', () => {
		const text = "var tls = '1.2'\noutput o string = tls\n";
		assert.deepEqual(out(text).origin, { uri: URI, span: at(text, "'1.2'"), source: 'variable', format: 'bicep', name: 'tls', replaceable: true });
	});

	it('unknown symbols are unknown', () => {
		assert.equal(unknownReason(ev('nope')), "unknown symbol 'nope'");
	});
});

describe('bicep evaluate: operators', () => {
	it('ternary: the chosen branch, copied with a computed origin over the whole ternary', () => {
		const text = "param prod bool = true\noutput o string = prod ? 'Disabled' : 'Enabled'\n";
		assert.deepEqual(out(text), {
			kind: 'string',
			value: 'Disabled',
			origin: { uri: URI, span: at(text, "prod ? 'Disabled' : 'Enabled'"), source: 'computed', format: 'bicep', replaceable: false },
		});
	});

	it('ternary with an unknown condition: unknown, unless both branches agree', () => {
		assert.match(unknownReason(ev("p ? 'a' : 'b'", 'param p bool')), /parameter 'p' has no value/);
		assert.equal(plain("p ? 'a' : 'a'", 'param p bool'), 'a');
	});

	it('?? picks the right side for null and passes values through', () => {
		const text = "param n object?\nparam s string = 'x'\noutput a string = n ?? 'fallback'\noutput b string = s ?? 'y'\n";
		const [a, b] = load(text).outputs.map((o) => o.value);
		assert.equal(toPlain(a), 'fallback');
		assert.deepEqual(a.origin?.span, at(text, "'fallback'"));
		assert.equal(a.origin?.replaceable, true);
		assert.equal(b.origin?.source, 'parameterDefault');
	});

	it('logical, equality and comparison operators', () => {
		const cases: [string, unknown][] = [
			['!true', false],
			['true && false', false],
			['false || true', true],
			["'a' == 'a'", true],
			["'a' != 'A'", true],
			["'a' =~ 'A'", true],
			["'a' !~ 'A'", false],
			['{ a: [1] } == { A: [1] }', true],
			['1 < 2', true],
			['2 <= 1', false],
			["'b' > 'a'", true],
			['3 >= 3', true],
		];
		for (const [expr, expected] of cases) assert.equal(plain(expr), expected, expr);
	});

	it('short-circuits decide without the unknown side', () => {
		assert.equal(plain('false && p', 'param p bool'), false);
		assert.equal(plain('p || true', 'param p bool'), true);
		assert.equal(ev('p && true', 'param p bool').kind, 'unknown');
	});

	it('arithmetic and unary minus (integer division)', () => {
		assert.equal(plain('1 + 2 * 3 - 4'), 3);
		assert.equal(plain('7 / 2'), 3);
		assert.equal(plain('7 % 4'), 3);
		assert.equal(plain('-(2 + 3)'), -5);
		assert.match(unknownReason(ev('1 / 0')), /division by zero/);
	});
});

describe('bicep evaluate: access', () => {
	const decls = "var o = { a: { b: 'x' }, arr: [10, 20], n: null }";

	it('member access passes the member value through', () => {
		const text = `${decls}\noutput v string = o.a.b\n`;
		const v = out(text, 'v');
		assert.equal(toPlain(v), 'x');
		assert.deepEqual(v.origin?.span, at(text, "'x'"));
		assert.equal(v.origin?.source, 'variable');
	});

	it('.? and [?] give null for missing members and null objects', () => {
		assert.equal(plain('o.?missing', decls), null);
		assert.equal(plain('o.n.?x', decls), null);
		assert.equal(plain('o.?n.x', decls), null);
		assert.equal(plain('o.arr[?5]', decls), null);
		assert.match(unknownReason(ev('o.missing', decls)), /does not exist/);
	});

	it('index access on arrays and objects', () => {
		assert.equal(plain('o.arr[1]', decls), 20);
		assert.equal(plain("o['a'].b", decls), 'x');
	});

	it('the non-null assertion ! is transparent', () => {
		assert.equal(plain('(o.?a!.b)', decls), 'x');
		assert.equal(plain('o.a!.b', decls), 'x');
	});
});

describe('bicep evaluate: functions', () => {
	const cases: [string, unknown][] = [
		["concat('a', 'b', 1)", 'ab1'],
		['concat([1], [2, 3])', [1, 2, 3]],
		["toLower('AbC')", 'abc'],
		["toUpper('AbC')", 'ABC'],
		["empty('')", true],
		['empty({})', true],
		['empty([1])', false],
		['empty(null)', true],
		["contains('abc', 'b')", true],
		["contains({ Key: 1 }, 'key')", true],
		['contains([1, 2], 3)', false],
		["length('abcd')", 4],
		['length([1, 2])', 2],
		['first([1, 2])', 1],
		['last([1, 2])', 2],
		['first([])', null],
		["coalesce(null, 'b', 'c')", 'b'],
		["bool('True')", true],
		['string(true)', 'True'],
		['string({ a: 1 })', '{"a":1}'],
		["int('42')", 42],
		["format('{0}-{1}', 'a', 2)", 'a-2'],
		["format('{{{0}}}', 'x')", '{x}'],
		["replace('a.b.c', '.', '-')", 'a-b-c'],
		["split('a/b/c', '/')", ['a', 'b', 'c']],
		["startsWith('Microsoft.Devices', 'microsoft')", true],
		["endsWith('hub.azure-devices.net', '.NET')", true],
		["trim('  x  ')", 'x'],
		['union({ a: { x: 1, y: 2 } }, { a: { y: 3 }, b: 4 })', { a: { x: 1, y: 3 }, b: 4 }],
		['union([1, 2], [2, 3])', [1, 2, 3]],
		["items({ a: 1 })", [{ key: 'a', value: 1 }]],
		['range(2, 3)', [2, 3, 4]],
		["json('{\"a\": [1, null]}')", { a: [1, null] }],
		["sys.concat('a', 'b')", 'ab'],
		['any(5)', 5],
		["join(['a', 'b'], ',')", 'a,b'],
		["substring('abcdef', 1, 3)", 'bcd'],
		['map([1, 2], x => x * 2)', [2, 4]],
		['filter([1, 2, 3], x => x > 1)', [2, 3]],
		['reduce([1, 2, 3], 0, (acc, x) => acc + x)', 6],
		["toObject(['a', 'b'], x => x, x => length(x))", { a: 1, b: 1 }],
		['[for i in range(0, 3): i * 10]', [0, 10, 20]],
		['[for (x, i) in [5, 6]: if (i > 0) { v: x }]', [{ v: 6 }]],
		["nameof(o)", 'o'],
	];
	for (const [expr, expected] of cases) {
		it(expr, () => assert.deepEqual(plain(expr, 'var o = 1'), expected));
	}

	it('function results are computed, except pass-through coalesce() and any()', () => {
		const text = "param p string = 'x'\noutput a string = toLower(p)\noutput b string = coalesce(null, p)\noutput c string = any(p)\n";
		const [a, b, c] = load(text).outputs.map((o) => o.value);
		assert.deepEqual(a.origin, { uri: URI, span: at(text, 'toLower(p)'), source: 'computed', format: 'bicep', replaceable: false });
		assert.equal(b.origin?.source, 'parameterDefault');
		assert.equal(c.origin?.source, 'parameterDefault');
	});

	it('resourceId() builds the same id form as the ARM evaluator', () => {
		assert.equal(plain("resourceId('Microsoft.Devices/IotHubs', 'hub')"), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/hub');
		assert.equal(
			plain("resourceId('Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups', 'hub', 'events', 'cg')"),
			'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/hub/eventHubEndpoints/events/ConsumerGroups/cg',
		);
		assert.equal(plain("resourceId('rg1', 'Microsoft.Devices/IotHubs', 'hub')"), '/subscriptions/{subscriptionId}/resourceGroups/rg1/providers/Microsoft.Devices/IotHubs/hub');
		assert.equal(plain("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')"), '/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/abc');
	});

	it('user-defined functions', () => {
		assert.equal(plain('f(2)', 'func f(x int) int => x + 1'), 3);
	});

	it('runtime functions are unknown with a reason', () => {
		for (const expr of [
			'resourceGroup().location',
			'subscription().subscriptionId',
			"uniqueString('a')",
			"guid('a')",
			'deployment().name',
			'environment().name',
			"reference('x').y",
			"listKeys('x', '2020-01-01').primaryKey",
			'az.resourceGroup().id',
		]) {
			assert.match(unknownReason(ev(expr)), /only known at deployment/, expr);
		}
		assert.match(unknownReason(out("param t string = utcNow()\noutput o string = t\n")), /utcNow\(\) is only known at deployment/);
		assert.match(unknownReason(out("param g string = newGuid()\noutput o string = g\n")), /newGuid\(\) is only known at deployment/);
	});
});

describe('bicep evaluate: resource and module symbols', () => {
	const decls = [
		"param hubName string = 'myhub'",
		"resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {",
		'  name: hubName',
		"  location: 'westeurope'",
		"  resource cg 'eventHubEndpoints/ConsumerGroups' = {",
		"    name: 'events/cg1'",
		'  }',
		'}',
		"resource route 'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups@2023-06-30' = {",
		'  parent: hub',
		"  name: 'events/cg2'",
		'}',
		"resource unnamed 'Microsoft.Devices/IotHubs@2023-06-30' = {",
		'  name: uniqueString(resourceGroup().id)',
		'}',
		"resource many 'Microsoft.Storage/storageAccounts@2023-01-01' = [for i in range(0, 2): {",
		"  name: 'sa${i}'",
		'}]',
		"module m './m.bicep' = {",
		"  name: 'm'",
		'}',
	].join('\n');

	it('id, name, type and apiVersion of a resource are known', () => {
		assert.equal(plain('hub.id', decls), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/myhub');
		assert.equal(plain('hub.type', decls), 'Microsoft.Devices/IotHubs');
		assert.equal(plain('hub.apiVersion', decls), '2023-06-30');
		const text = `${decls}\noutput o string = hub.name\n`;
		const name = out(text);
		assert.equal(toPlain(name), 'myhub');
		assert.equal(name.origin?.source, 'parameterDefault');
	});

	it('a bare resource reference is its id', () => {
		assert.equal(plain('hub', decls), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/myhub');
	});

	it('child ids interleave type and name segments (nested, parent:, ::)', () => {
		const id = (cg: string) => `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/myhub/eventHubEndpoints/events/ConsumerGroups/${cg}`;
		assert.equal(plain('hub::cg.id', decls), id('cg1'));
		assert.equal(plain('route.id', decls), id('cg2'));
		assert.equal(plain('route.name', decls), 'myhub/events/cg2');
	});

	it('runtime properties, unknown names, collections and module outputs are unknown', () => {
		assert.match(unknownReason(ev('hub.properties.hostName', decls)), /'hub.properties' is only known at deployment/);
		assert.match(unknownReason(ev('hub.listKeys().value', decls)), /only known at deployment/);
		assert.match(unknownReason(ev('unnamed.id', decls)), /only known at deployment/);
		assert.match(unknownReason(ev('many[0].id', decls)), /only known at deployment/);
		assert.match(unknownReason(ev('many.id', decls)), /resource collection/);
		assert.match(unknownReason(ev('m.outputs.x', decls)), /module outputs are only known at deployment/);
	});
});

describe('bicep evaluate: limits', () => {
	it('exponential string growth is cut off, not evaluated', () => {
		const lines = ["var s0 = 'abcdefghij'"];
		for (let i = 1; i <= 40; i++) lines.push(`var s${i} = '\${s${i - 1}}\${s${i - 1}}'`);
		const t0 = Date.now();
		const v = ev('s40', lines.join('\n'));
		assert.equal(v.kind, 'unknown');
		assert.ok(Date.now() - t0 < 2000);
	});

	it('nested loops exhaust the step budget', () => {
		const t0 = Date.now();
		const v = ev('[for i in range(0, 10000): [for j in range(0, 10000): j]]');
		assert.equal(unknownReason(v), 'evaluation budget exceeded');
		assert.ok(Date.now() - t0 < 3000);
	});

	it('deep nesting hits the depth cap', () => {
		const v = ev('('.repeat(400) + '1' + ')'.repeat(400));
		assert.equal(unknownReason(v), 'expression nesting too deep');
	});

	it('hostile nesting in arrays, objects and interpolations is bounded, not a stack overflow', () => {
		for (const expr of ['['.repeat(3000) + '1' + ']'.repeat(3000), '{ a: '.repeat(2000) + '1' + ' }'.repeat(2000), "'${".repeat(500) + "'x'" + "}'".repeat(500)]) {
			const t = load(`output o any = ${expr}\n`);
			assert.equal(t.outputs[0].value.kind, 'unknown');
		}
	});

	it('a long chain of variables stays bounded', () => {
		const lines = ['var v0 = 1'];
		for (let i = 1; i <= 500; i++) lines.push(`var v${i} = v${i - 1} + 1`);
		const v = ev('v500', lines.join('\n'));
		// Either evaluated or cut off by the depth cap: never a stack overflow.
		assert.ok(v.kind === 'number' || v.kind === 'unknown');
	});
});
