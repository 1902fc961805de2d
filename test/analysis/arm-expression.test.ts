import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JsonOrigin } from '../../server/src/analysis/arm/json-path';
import {
	evaluateArmString,
	isArmExpression,
	normalizeResourceId,
	parseArmExpression,
	type ArmEvalContext,
} from '../../server/src/analysis/arm/expression';
import type { ObjectEntry, Origin, Value } from '../../server/src/analysis/types';

const URI = 'file:///t/azuredeploy.json';
const SITE = { span: { start: 10, end: 40 }, jsonPath: ['resources', 0, 'name'] };
const COMPUTED: Origin = { uri: URI, span: SITE.span, source: 'computed', format: 'json', replaceable: false, jsonPath: SITE.jsonPath };

/** Value → plain JS; unknowns become `{ unknown: reason }` so tests can assert on them exactly. */
function plain(v: Value): unknown {
	switch (v.kind) {
		case 'string':
		case 'number':
		case 'boolean':
			return v.value;
		case 'null':
			return null;
		case 'unknown':
			return { unknown: v.reason };
		case 'array':
			return v.items.map(plain);
		case 'object': {
			const out: Record<string, unknown> = {};
			for (const e of v.entries.values()) out[e.key] = plain(e.value);
			return out;
		}
	}
}

function origin(source: Origin['source'], name: string, start: number): Origin {
	return { uri: 'file:///t/azuredeploy.parameters.json', span: { start, end: start + 5 }, source, format: 'json', name, replaceable: true };
}

function str(value: string, o?: Origin): Value {
	return { kind: 'string', value, origin: o };
}

function num(value: number, o?: Origin): Value {
	return { kind: 'number', value, origin: o };
}

function bool(value: boolean, o?: Origin): Value {
	return { kind: 'boolean', value, origin: o };
}

function arr(items: Value[], o?: Origin): Value {
	return { kind: 'array', items, origin: o };
}

function obj(fields: Record<string, Value>, o?: Origin): Value {
	const entries = new Map<string, ObjectEntry>();
	for (const [key, value] of Object.entries(fields)) entries.set(key.toLowerCase(), { key, value });
	return { kind: 'object', entries, origin: o };
}

function member(v: Value | undefined, key: string): Value | undefined {
	return v?.kind === 'object' ? v.entries.get(key)?.value : undefined;
}

const unknownParam: Value = { kind: 'unknown', reason: "depends on parameter 'secret'" };

const PARAMS: Record<string, Value> = {
	hubName: str('myhub', origin('parameterDefault', 'hubName', 100)),
	sku: str('S1', origin('parameterFile', 'sku', 200)),
	count: num(3, origin('parameterDefault', 'count', 300)),
	enabled: bool(true, origin('parameterDefault', 'enabled', 400)),
	secret: unknownParam,
	settings: obj(
		{
			network: obj({ publicNetworkAccess: str('Disabled', origin('parameterDefault', 'settings', 510)) }, origin('parameterDefault', 'settings', 505)),
			tags: arr([str('a', origin('parameterDefault', 'settings', 520)), str('b', origin('parameterDefault', 'settings', 530))]),
		},
		origin('parameterDefault', 'settings', 500),
	),
	list: arr([num(1), num(2), num(3)]),
	nothing: { kind: 'null' },
};

const VARS: Record<string, Value> = {
	prefix: str('pre-', origin('variable', 'prefix', 600)),
	cfg: obj({ minTls: str('1.2', origin('variable', 'cfg', 610)) }, origin('variable', 'cfg', 605)),
};

function ctx(opts: { steps?: number; copyIndex?: ArmEvalContext['copyIndex']; params?: Record<string, Value> } = {}): ArmEvalContext {
	const params = opts.params ?? PARAMS;
	const find = (table: Record<string, Value>, name: string) => {
		const key = Object.keys(table).find((k) => k.toLowerCase() === name.toLowerCase());
		return key === undefined ? undefined : table[key];
	};
	return {
		uri: URI,
		parameter: (n) => find(params, n),
		variable: (n) => find(VARS, n),
		copyIndex: opts.copyIndex,
		budget: { steps: opts.steps ?? 100_000 },
	};
}

function ev(raw: string, c: ArmEvalContext = ctx()): Value {
	return withPlainOrigins(evaluateArmString(raw, { span: SITE.span, path: SITE.jsonPath }, c));
}

/** Origins as plain objects (the evaluator's build their JSON path on demand), for deepEqual. */
function withPlainOrigins(v: Value): Value {
	const o = v.origin;
	const own = o instanceof JsonOrigin ? { origin: { uri: o.uri, span: o.span, source: o.source, format: o.format, replaceable: o.replaceable, jsonPath: o.jsonPath, ...(o.name !== undefined ? { name: o.name } : {}) } } : undefined;
	if (v.kind === 'array') {
		const items = v.items.map(withPlainOrigins);
		return own || items.some((x, i) => x !== v.items[i]) ? { ...v, items, ...own } : v;
	}
	if (v.kind === 'object') {
		const entries = new Map([...v.entries].map(([k, e]) => [k, { ...e, value: withPlainOrigins(e.value) }]));
		return own || [...entries].some(([k, e]) => e.value !== v.entries.get(k)?.value) ? { ...v, entries, ...own } : v;
	}
	return own ? { ...v, ...own } : v;
}

/** Evaluate `[expr]` and convert to plain JS. */
function run(expr: string, c?: ArmEvalContext): unknown {
	return plain(ev(`[${expr}]`, c));
}

function unknownOf(expr: string, c?: ArmEvalContext): string {
	const v = ev(`[${expr}]`, c);
	assert.equal(v.kind, 'unknown', `${expr} should be unknown, got ${JSON.stringify(plain(v))}`);
	return (v as Extract<Value, { kind: 'unknown' }>).reason;
}

describe('literals and detection', () => {
	it('detects expressions', () => {
		assert.equal(isArmExpression("[parameters('x')]"), true);
		assert.equal(isArmExpression('[[escaped]'), false);
		assert.equal(isArmExpression('plain'), false);
		assert.equal(isArmExpression('[no end'), false);
		assert.equal(isArmExpression('[x] y'), false);
		assert.equal(isArmExpression('['), false);
	});

	it('returns plain strings with a literal, replaceable origin', () => {
		const v = ev('Disabled');
		assert.deepEqual(v, {
			kind: 'string',
			value: 'Disabled',
			origin: { uri: URI, span: SITE.span, source: 'literal', format: 'json', replaceable: true, jsonPath: SITE.jsonPath },
		});
	});

	it('unescapes [[ only when the string would otherwise be an expression', () => {
		assert.deepEqual(plain(ev('[[variables(x)]')), '[variables(x)]');
		assert.equal(ev('[[x]').origin?.source, 'literal');
		assert.deepEqual(plain(ev('[[abc')), '[[abc');
	});

	it('evaluates literal expressions with computed origins', () => {
		const v = ev("['abc']");
		assert.deepEqual(v, { kind: 'string', value: 'abc', origin: COMPUTED });
		assert.deepEqual(run("'it''s'"), "it's");
		assert.deepEqual(run('-42'), -42);
		assert.deepEqual(run('true'), true);
		assert.deepEqual(run('FALSE'), false);
		assert.deepEqual(run('null'), null);
		assert.deepEqual(run('true()'), true);
		assert.deepEqual(run('false()'), false);
		assert.deepEqual(run('null()'), null);
	});
});

describe('parser', () => {
	it('parses nested calls, chains and whitespace', () => {
		const { ast, error } = parseArmExpression(" concat ( parameters('a').b[0] , 'x' ) ");
		assert.equal(error, undefined);
		assert.equal(ast?.type, 'call');
		if (ast?.type !== 'call') return;
		assert.equal(ast.name, 'concat');
		assert.equal(ast.args.length, 2);
		const first = ast.args[0];
		assert.equal(first.type, 'index');
		if (first.type !== 'index') return;
		assert.equal(first.target.type, 'property');
		assert.deepEqual(run("  toUpper(\n\t'a' )  "), 'A');
	});

	it('parses namespaced user functions as calls', () => {
		const { ast } = parseArmExpression("ns.fn('a')");
		assert.equal(ast?.type === 'call' && ast.name, 'ns.fn');
		assert.equal(unknownOf("ns.fn('a')"), "unsupported function 'ns.fn'");
	});

	it('reports parse errors as unknown values, never throwing', () => {
		for (const bad of ["concat('a'", "'unterminated", 'concat(,)', "a b", 'foo', "concat('a'))", '', '  ', "parameters('x').", "parameters('x')[0", '#', "concat('a',)"]) {
			const parsed = parseArmExpression(bad);
			assert.equal(parsed.ast, undefined, bad);
			assert.equal(typeof parsed.error, 'string', bad);
			const reason = unknownOf(bad);
			assert.match(reason, /^invalid expression: /, bad);
		}
		assert.deepEqual(plain(ev('[]')), { unknown: 'invalid expression: empty expression' });
	});

	it('caps nesting depth', () => {
		const deep = 'createArray('.repeat(250) + ')'.repeat(250);
		assert.match(unknownOf(deep), /^invalid expression: nested deeper than 200/);
		const longChain = "parameters('settings')" + '.a'.repeat(300);
		assert.match(unknownOf(longChain), /^invalid expression: nested deeper than 200/);
		const ok = 'createArray('.repeat(50) + ')'.repeat(50);
		assert.equal(ev(`[${ok}]`).kind, 'array');
	});

	it('survives random input', () => {
		const alphabet = "()[],.' abc01-";
		let seed = 7;
		const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
		for (let n = 0; n < 500; n++) {
			let s = '';
			const len = Math.floor(rand() * 20);
			for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
			const v = ev(`[${s}]`);
			assert.ok(v.kind, s);
		}
	});
});

describe('provenance', () => {
	it('parameters() and variables() pass the Value through unchanged', () => {
		assert.equal(ev("[parameters('hubName')]"), PARAMS.hubName);
		assert.equal(ev("[PARAMETERS('HUBNAME')]"), PARAMS.hubName);
		assert.equal(ev("[variables('prefix')]"), VARS.prefix);
		assert.equal(ev("[parameters('secret')]"), unknownParam);
	});

	it('member and index access return the inner Value with its own origin', () => {
		const v = ev("[parameters('settings').network.PublicNetworkAccess]");
		const network = member(PARAMS.settings, 'network');
		assert.equal(v, member(network, 'publicnetworkaccess'));
		assert.deepEqual(v.origin, origin('parameterDefault', 'settings', 510));
		const t = ev("[parameters('settings').tags[1]]");
		assert.deepEqual(t.origin, origin('parameterDefault', 'settings', 530));
		assert.deepEqual(plain(t), 'b');
		const viaIndex = ev("[parameters('settings')['network']['publicNetworkAccess']]");
		assert.deepEqual(viaIndex.origin, origin('parameterDefault', 'settings', 510));
		assert.deepEqual(plain(ev("[variables('cfg').minTls]")), '1.2');
		assert.deepEqual(ev("[variables('cfg').minTls]").origin, origin('variable', 'cfg', 610));
	});

	it('if() relabels its result as computed', () => {
		const v = ev("[if(parameters('enabled'), parameters('hubName'), 'other')]");
		assert.deepEqual(v, { kind: 'string', value: 'myhub', origin: COMPUTED });
		assert.equal(PARAMS.hubName.origin?.source, 'parameterDefault', 'the parameter value itself is not modified');
		const o = ev("[if(true, parameters('settings'), null())]");
		assert.equal(o.kind, 'object');
		assert.deepEqual(o.origin, COMPUTED);
		assert.deepEqual(plain(o), plain(PARAMS.settings));
	});

	it('coalesce() passes the chosen value through', () => {
		assert.equal(ev("[coalesce(parameters('nothing'), parameters('sku'), 'x')]"), PARAMS.sku);
	});

	it('computed results carry the computed origin', () => {
		assert.deepEqual(ev("[concat('a', 'b')]").origin, COMPUTED);
		assert.deepEqual(ev("[createObject('a', 1)]").origin, COMPUTED);
	});
});

describe('unknowns', () => {
	it('names missing parameters and variables', () => {
		assert.equal(unknownOf("parameters('nope')"), "unknown parameter 'nope'");
		assert.equal(unknownOf("variables('nope')"), "unknown variable 'nope'");
	});

	it('propagates the reason through functions', () => {
		assert.equal(unknownOf("concat('a', parameters('secret'))"), "depends on parameter 'secret'");
		assert.equal(unknownOf("toLower(parameters('secret'))"), "depends on parameter 'secret'");
		assert.equal(unknownOf("equals(parameters('secret'), 'x')"), "depends on parameter 'secret'");
		assert.equal(unknownOf("parameters('secret').a.b"), "depends on parameter 'secret'");
		assert.equal(unknownOf("length(string(createObject('a', parameters('secret'))))"), "depends on parameter 'secret'");
		const v = ev("[not(parameters('secret'))]");
		assert.deepEqual(v, { kind: 'unknown', reason: "depends on parameter 'secret'", origin: COMPUTED });
	});

	it('short-circuits where the result is decided', () => {
		assert.deepEqual(run("if(true, 'a', parameters('secret'))"), 'a');
		assert.deepEqual(run("if(false, parameters('secret'), 'b')"), 'b');
		assert.deepEqual(run("if(false, div(1, 0), 'b')"), 'b');
		assert.deepEqual(run("and(false, parameters('secret'))"), false);
		assert.deepEqual(run("and(parameters('secret'), false)"), false);
		assert.equal(unknownOf("and(true, parameters('secret'))"), "depends on parameter 'secret'");
		assert.deepEqual(run("or(true, parameters('secret'))"), true);
		assert.deepEqual(run("or(parameters('secret'), true)"), true);
		assert.equal(unknownOf("or(false, parameters('secret'))"), "depends on parameter 'secret'");
		assert.deepEqual(run("coalesce('x', parameters('secret'))"), 'x');
		assert.equal(unknownOf("coalesce(parameters('secret'), 'x')"), "depends on parameter 'secret'");
		// Unknown condition, both branches equal.
		assert.deepEqual(run("if(parameters('secret'), 'same', 'same')"), 'same');
		assert.equal(unknownOf("if(parameters('secret'), 'a', 'b')"), "depends on parameter 'secret'");
		// format() only needs the arguments it prints.
		assert.deepEqual(run("format('{0}', 'a', parameters('secret'))"), 'a');
	});

	it('decides equality when a known part differs', () => {
		assert.deepEqual(run("equals(createArray(1, parameters('secret')), createArray(2, 3))"), false);
		assert.equal(unknownOf("equals(createArray(1, parameters('secret')), createArray(1, 3))"), "depends on parameter 'secret'");
		assert.deepEqual(run("contains(createArray('a', parameters('secret')), 'a')"), true);
		assert.equal(unknownOf("contains(createArray('a', parameters('secret')), 'b')"), "depends on parameter 'secret'");
	});

	it('marks runtime and unsupported functions', () => {
		assert.equal(unknownOf("listKeys(resourceId('Microsoft.Devices/IotHubs', 'h'), '2023-06-30')"), 'runtime value: listKeys()');
		assert.equal(unknownOf('resourceGroup().location'), 'runtime value: resourceGroup()');
		assert.equal(unknownOf("reference('x').properties"), 'runtime value: reference()');
		for (const f of ['subscription', 'tenant', 'deployment', 'environment', 'managementGroup', 'utcNow', 'newGuid']) {
			assert.equal(unknownOf(`${f}()`), `runtime value: ${f}()`);
		}
		assert.equal(unknownOf("guid('a')"), 'runtime value: guid()');
		assert.equal(unknownOf("uniqueString('a')"), 'runtime value: uniqueString()');
		assert.equal(unknownOf("pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')"), 'runtime value: pickZones()');
		assert.equal(unknownOf("providers('Microsoft.Devices')"), 'runtime value: providers()');
		assert.equal(unknownOf("listConnectionStrings('x', '1')"), 'runtime value: listConnectionStrings()');
		assert.equal(unknownOf("frobnicate('x')"), "unsupported function 'frobnicate'");
		assert.deepEqual(run("concat('https://', parameters('hubName'), '.', toLower('X'))"), 'https://myhub.x');
	});

	it('never throws when the context does', () => {
		const c = ctx();
		c.parameter = () => {
			throw new Error('boom');
		};
		assert.deepEqual(plain(ev("[parameters('a')]", c)), { unknown: 'evaluation failed: boom' });
	});
});

describe('functions', () => {
	it('concat', () => {
		assert.deepEqual(run("concat('a', 1, true, 'b', null())"), 'a1trueb');
		assert.deepEqual(run("concat(createArray(1, 2), createArray('x'), parameters('list'))"), [1, 2, 'x', 1, 2, 3]);
		assert.match(unknownOf("concat(createArray(1), 'x')"), /^invalid arguments to concat\(\)/);
		assert.match(unknownOf("concat(createObject('a', 1), 'x')"), /^invalid arguments to concat\(\)/);
		assert.match(unknownOf('concat()'), /^invalid arguments/);
		const items = ev("[concat(parameters('settings').tags, createArray('c'))]");
		assert.equal(items.kind, 'array');
		if (items.kind === 'array') assert.deepEqual(items.items[0].origin, origin('parameterDefault', 'settings', 520));
	});

	it('format', () => {
		assert.deepEqual(run("format('{0}-{1}-{0}', 'a', 2)"), 'a-2-a');
		assert.deepEqual(run("format('{{literal}} {0}', 'x')"), '{literal} x');
		assert.deepEqual(run("format('{0:N2} and {1:D3}', 5, 7)"), '5 and 7');
		assert.deepEqual(run("format('[{0,5}][{0,-5}]', 'ab')"), '[   ab][ab   ]');
		assert.deepEqual(run("format('{0}', createArray(1, 'a'))"), '[1,"a"]');
		assert.deepEqual(run("format('{0}', true)"), 'true');
		assert.match(unknownOf("format('{1}', 'a')"), /^invalid arguments to format\(\): no argument for \{1\}/);
		assert.match(unknownOf("format('{x}', 'a')"), /bad placeholder/);
		assert.match(unknownOf("format('a}b')"), /unmatched/);
		assert.equal(unknownOf("format('{1}', 'a', parameters('secret'))"), "depends on parameter 'secret'");
		assert.equal(unknownOf("format(parameters('secret'), 'a')"), "depends on parameter 'secret'");
	});

	it('if, not, equals', () => {
		assert.deepEqual(run("if(equals(parameters('sku'), 'S1'), 'paid', 'free')"), 'paid');
		assert.deepEqual(run("equals('abc', 'ABC')"), false);
		assert.deepEqual(run("equals('abc', 'abc')"), true);
		assert.deepEqual(run("equals(1, '1')"), false);
		assert.deepEqual(run("equals(createObject('A', createArray(1)), createObject('a', createArray(1)))"), true);
		assert.deepEqual(run("equals(createObject('a', 1), createObject('a', 1, 'b', 2))"), false);
		assert.deepEqual(run('equals(null(), null)'), true);
		assert.deepEqual(run('not(false)'), true);
		assert.match(unknownOf("not('x')"), /^invalid arguments to not\(\)/);
		assert.match(unknownOf("if('x', 1, 2)"), /^invalid arguments to if\(\)/);
		assert.match(unknownOf('if(true, 1)'), /^invalid arguments to if\(\)/);
		assert.deepEqual(run('and(true, true, true)'), true);
		assert.deepEqual(run('or(false, false)'), false);
	});

	it('bool, int, string', () => {
		assert.deepEqual(run("bool('TRUE')"), true);
		assert.deepEqual(run("bool('false')"), false);
		assert.deepEqual(run('bool(1)'), true);
		assert.deepEqual(run('bool(0)'), false);
		assert.deepEqual(run('bool(true)'), true);
		assert.match(unknownOf("bool('yes')"), /^invalid arguments to bool\(\)/);
		assert.deepEqual(run("int('42')"), 42);
		assert.deepEqual(run("int('-7')"), -7);
		assert.deepEqual(run('int(5)'), 5);
		assert.match(unknownOf("int('4.5')"), /^invalid arguments to int\(\)/);
		assert.deepEqual(run('string(5)'), '5');
		assert.deepEqual(run("string('x')"), 'x');
		assert.deepEqual(run('string(true)'), 'true');
		assert.deepEqual(run("string(createObject('a', createArray(1, 'b'), 'C', null()))"), '{"a":[1,"b"],"C":null}');
	});

	it('toLower, toUpper, trim', () => {
		assert.deepEqual(run("toLower('AbC')"), 'abc');
		assert.deepEqual(run("toUpper('AbC')"), 'ABC');
		assert.deepEqual(run("trim('  a b  ')"), 'a b');
		assert.match(unknownOf('toLower(1)'), /^invalid arguments/);
	});

	it('coalesce', () => {
		assert.deepEqual(run("coalesce(null(), null(), 'c')"), 'c');
		assert.deepEqual(run('coalesce(null(), null())'), null);
		assert.deepEqual(run("coalesce(parameters('nothing'), 5)"), 5);
	});

	it('union merges objects deeply and de-duplicates arrays', () => {
		const v = run(`union(
			createObject('one', 'a', 'property', createObject('one', 'a', 'two', 'b', 'three', 'c1'), 'nestedArray', createArray(1, 2)),
			createObject('property', createObject('three', 'c2', 'four', 'd'), 'nestedArray', createArray(3, 4), 'two', 'b'))`);
		assert.deepEqual(v, { one: 'a', property: { one: 'a', two: 'b', three: 'c2', four: 'd' }, nestedArray: [3, 4], two: 'b' });
		assert.deepEqual(run("union(createObject('a', 1), createObject('A', 2))"), { A: 2 });
		assert.deepEqual(run("union(createArray('one', 'two'), createArray('two', 'three'), createArray(createArray(1), createArray(1)))"), ['one', 'two', 'three', [1]]);
		assert.equal(unknownOf("union(createObject('a', 1), parameters('secret'))"), "depends on parameter 'secret'");
		assert.deepEqual(
			run("union(createObject('a', parameters('secret')), createObject('a', createObject('b', 1)))"),
			{ a: { unknown: "depends on parameter 'secret'" } },
		);
		assert.deepEqual(run("union(createObject('a', parameters('secret')), createObject('a', 'x'))"), { a: 'x' });
		assert.match(unknownOf("union(createObject('a', 1), createArray(1))"), /^invalid arguments to union\(\)/);
		// Entries of evaluator-made objects carry no site.
		const u = ev("[union(parameters('settings'), createObject('x', 1))]");
		assert.equal(u.kind, 'object');
		if (u.kind === 'object') {
			for (const e of u.entries.values()) {
				assert.equal(e.site, undefined);
				assert.equal(e.keySpan, undefined);
			}
			assert.deepEqual(u.entries.get('network')?.value.origin, origin('parameterDefault', 'settings', 505));
		}
	});

	it('intersection', () => {
		assert.deepEqual(run("intersection(createObject('a', 1, 'b', 2, 'c', 3), createObject('a', 1, 'b', 5, 'c', 3))"), { a: 1, c: 3 });
		assert.deepEqual(run("intersection(createArray('one', 'two', 'three', 'two'), createArray('two', 'three', 'four'))"), ['two', 'three']);
	});

	it('createObject, createArray, json', () => {
		const o = ev("[createObject('Key', 'v', 'n', 1)]");
		assert.equal(o.kind, 'object');
		if (o.kind === 'object') {
			assert.deepEqual([...o.entries.keys()], ['key', 'n']);
			assert.deepEqual(o.entries.get('key'), { key: 'Key', value: { kind: 'string', value: 'v', origin: COMPUTED } });
		}
		assert.match(unknownOf("createObject('a')"), /^invalid arguments to createObject\(\)/);
		assert.deepEqual(run('createArray()'), []);
		assert.deepEqual(run("createArray(1, 'a', createArray(true))"), [1, 'a', [true]]);
		assert.deepEqual(run(`json('{"A":[1,2.5,null,true],"b":{"c":"d"}}')`), { A: [1, 2.5, null, true], b: { c: 'd' } });
		assert.deepEqual(run("json('null')"), null);
		assert.deepEqual(run(`json('"s"')`), 's');
		const j = ev(`[json('{"Min":1}')]`);
		assert.equal(j.kind === 'object' && j.entries.get('min')?.key, 'Min');
		assert.deepEqual(j.kind === 'object' && j.entries.get('min')?.value.origin, COMPUTED);
		assert.match(unknownOf("json('{bad')"), /^invalid arguments to json\(\): not valid JSON/);
		assert.match(unknownOf(`json('${'['.repeat(500)}${']'.repeat(500)}')`), /nested too deeply/);
	});

	it('length, empty, contains', () => {
		assert.deepEqual(run("length('abc')"), 3);
		assert.deepEqual(run("length(parameters('list'))"), 3);
		assert.deepEqual(run("length(parameters('settings'))"), 2);
		assert.deepEqual(run("length(createArray(parameters('secret')))"), 1);
		assert.deepEqual(run("empty('')"), true);
		assert.deepEqual(run('empty(createArray())'), true);
		assert.deepEqual(run("empty(json('{}'))"), true);
		assert.deepEqual(run('empty(null())'), true);
		assert.deepEqual(run("empty('a')"), false);
		assert.deepEqual(run("contains('OneTwo', 'Two')"), true);
		assert.deepEqual(run("contains('OneTwo', 'two')"), false);
		assert.deepEqual(run("contains(createArray(1, 'a'), 'a')"), true);
		assert.deepEqual(run("contains(createArray(1, 'a'), 2)"), false);
		assert.deepEqual(run("contains(parameters('settings'), 'NETWORK')"), true);
		assert.deepEqual(run("contains(parameters('settings'), 'other')"), false);
	});

	it('first, last, skip, take', () => {
		assert.deepEqual(run("first('abc')"), 'a');
		assert.deepEqual(run("last('abc')"), 'c');
		assert.deepEqual(run("first('')"), '');
		assert.deepEqual(ev("[first(parameters('settings').tags)]").origin, origin('parameterDefault', 'settings', 520));
		assert.deepEqual(run("last(parameters('list'))"), 3);
		assert.deepEqual(run('first(createArray())'), null);
		assert.deepEqual(run("skip('abcdef', 2)"), 'cdef');
		assert.deepEqual(run("take('abcdef', 2)"), 'ab');
		assert.deepEqual(run("skip(parameters('list'), 1)"), [2, 3]);
		assert.deepEqual(run("take(parameters('list'), 10)"), [1, 2, 3]);
		assert.deepEqual(run("skip(parameters('list'), -1)"), [1, 2, 3]);
		assert.deepEqual(run("take('abc', -1)"), '');
	});

	it('split, replace, startsWith, endsWith, substring, indexOf', () => {
		assert.deepEqual(run("split('a,b;c', ',')"), ['a', 'b;c']);
		assert.deepEqual(run("split('a,b;c', createArray(',', ';'))"), ['a', 'b', 'c']);
		assert.deepEqual(run("split('abc', '')"), ['abc']);
		assert.deepEqual(run("replace('a-b-c', '-', '+')"), 'a+b+c');
		assert.deepEqual(run("replace('aAa', 'a', 'x')"), 'xAx');
		assert.deepEqual(run("startsWith('Microsoft.Devices', 'microsoft.')"), true);
		assert.deepEqual(run("endsWith('abcDEF', 'def')"), true);
		assert.deepEqual(run("endsWith('abc', 'x')"), false);
		assert.deepEqual(run("substring('hello', 1, 3)"), 'ell');
		assert.deepEqual(run("substring('hello', 2)"), 'llo');
		assert.match(unknownOf("substring('hello', 3, 5)"), /out of range/);
		assert.deepEqual(run("indexOf('abcABC', 'B')"), 1);
		assert.deepEqual(run("lastIndexOf('abcABC', 'b')"), 4);
		assert.deepEqual(run("indexOf('abc', 'z')"), -1);
		assert.deepEqual(run("indexOf(createArray('a', 'b'), 'b')"), 1);
		assert.deepEqual(run("padLeft('7', 3, '0')"), '007');
	});

	it('comparisons and arithmetic', () => {
		assert.deepEqual(run('greater(2, 1)'), true);
		assert.deepEqual(run('greater(1, 1)'), false);
		assert.deepEqual(run('greaterOrEquals(1, 1)'), true);
		assert.deepEqual(run('less(1, 2)'), true);
		assert.deepEqual(run('lessOrEquals(3, 2)'), false);
		assert.deepEqual(run("less('a', 'b')"), true);
		assert.match(unknownOf("less(1, 'b')"), /^invalid arguments to less\(\)/);
		assert.deepEqual(run('add(2, -3)'), -1);
		assert.deepEqual(run('sub(2, 3)'), -1);
		assert.deepEqual(run('mul(4, 3)'), 12);
		assert.deepEqual(run('div(7, 2)'), 3);
		assert.deepEqual(run('div(-7, 2)'), -3);
		assert.deepEqual(run('mod(-7, 2)'), -1);
		assert.match(unknownOf('div(1, 0)'), /division by zero/);
		assert.match(unknownOf('mod(1, 0)'), /division by zero/);
		assert.deepEqual(run("add(parameters('count'), 1)"), 4);
		assert.deepEqual(run('min(3, 1, 2)'), 1);
		assert.deepEqual(run('max(createArray(3, 9, 2))'), 9);
		assert.equal(unknownOf("max(1, parameters('secret'))"), "depends on parameter 'secret'");
	});

	it('range, array, items', () => {
		assert.deepEqual(run('range(5, 3)'), [5, 6, 7]);
		assert.deepEqual(run('range(0, 0)'), []);
		assert.equal(ev('[range(0, 10000)]').kind, 'array');
		assert.match(unknownOf('range(0, 10001)'), /range\(\) of more than 10000/);
		assert.match(unknownOf('range(0, -1)'), /^invalid arguments/);
		assert.deepEqual(run("array('a')"), ['a']);
		assert.deepEqual(run("array(parameters('list'))"), [1, 2, 3]);
		assert.deepEqual(ev("[array(parameters('list'))]").origin, COMPUTED);
		assert.deepEqual(run("items(createObject('b', 2, 'A', createArray(1)))"), [
			{ key: 'A', value: [1] },
			{ key: 'b', value: 2 },
		]);
	});

	it('tryGet', () => {
		assert.deepEqual(run("tryGet(parameters('settings'), 'network', 'publicNetworkAccess')"), 'Disabled');
		assert.deepEqual(run("tryGet(parameters('settings'), 'missing', 'x')"), null);
		assert.deepEqual(run("tryGet(parameters('list'), 5)"), null);
	});

	it('copyIndex', () => {
		assert.match(unknownOf('copyIndex()'), /outside a copy loop/);
		const c = () => ctx({ copyIndex: (loop) => (loop === undefined ? 2 : loop === 'disks' ? 5 : undefined) });
		assert.deepEqual(run('copyIndex()', c()), 2);
		assert.deepEqual(run('copyIndex(1)', c()), 3);
		assert.deepEqual(run("copyIndex('disks')", c()), 5);
		assert.deepEqual(run("copyIndex('disks', 10)", c()), 15);
		assert.match(unknownOf("copyIndex('other')", c()), /outside that copy loop/);
		assert.deepEqual(run("concat('hub-', copyIndex())", c()), 'hub-2');
	});
});

describe('member access', () => {
	it('chains property and index access on results', () => {
		assert.deepEqual(run("createObject('a', createArray(createObject('b', 'x')))[ 'a' ][0].B"), 'x');
		assert.deepEqual(run("json('[[1,2],[3]]')[0][1]"), 2);
		assert.deepEqual(run("split('a/b/c', '/')[add(1, 1)]"), 'c');
		assert.deepEqual(run("parameters('list')[sub(length(parameters('list')), 1)]"), 3);
	});

	it('reports bad access as unknown', () => {
		assert.match(unknownOf("parameters('settings').missing"), /property 'missing' does not exist/);
		assert.match(unknownOf("parameters('list')[3]"), /out of range/);
		assert.match(unknownOf("parameters('hubName').x"), /cannot read property 'x'/);
		assert.match(unknownOf("parameters('list')['a']"), /array index/);
		assert.equal(unknownOf("parameters('list')[parameters('secret')]"), "depends on parameter 'secret'");
	});
});

describe('resourceId', () => {
	const hub = 'Microsoft.Devices/IotHubs';
	it('fills unknown scope with placeholders', () => {
		assert.deepEqual(run(`resourceId('${hub}', 'h1')`), '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/h1');
		assert.deepEqual(run(`resourceId('rg1', '${hub}', 'h1')`), '/subscriptions/{subscriptionId}/resourceGroups/rg1/providers/Microsoft.Devices/IotHubs/h1');
		assert.deepEqual(run(`resourceId('sub1', 'rg1', '${hub}', 'h1')`), '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Devices/IotHubs/h1');
		assert.deepEqual(
			run(`resourceId(subscription().subscriptionId, resourceGroup().name, '${hub}', parameters('hubName'))`),
			'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/myhub',
		);
	});

	it('interleaves child types and names', () => {
		assert.deepEqual(
			run("resourceId('Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups', 'a', 'b', 'c')"),
			'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/a/eventHubEndpoints/b/ConsumerGroups/c',
		);
		assert.deepEqual(
			run("resourceId('s', 'g', 'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups', 'a', 'b', 'c')"),
			'/subscriptions/s/resourceGroups/g/providers/Microsoft.Devices/IotHubs/a/eventHubEndpoints/b/ConsumerGroups/c',
		);
		assert.deepEqual(
			run("resourceId('Microsoft.Network/privateEndpoints/privateDnsZoneGroups', 'pe/default')"),
			'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/privateEndpoints/pe/privateDnsZoneGroups/default',
		);
	});

	it('is unknown when the type or a name is unknown', () => {
		assert.equal(unknownOf(`resourceId('${hub}', parameters('secret'))`), "depends on parameter 'secret'");
		assert.equal(unknownOf(`resourceId('rg', '${hub}', parameters('secret'))`), "depends on parameter 'secret'");
		assert.equal(unknownOf("resourceId(parameters('secret'), 'h1')"), "depends on parameter 'secret'");
		assert.match(unknownOf(`resourceId('${hub}', 'a', 'b')`), /^invalid arguments to resourceId\(\)/);
		assert.match(unknownOf(`resourceId('${hub}')`), /^invalid arguments to resourceId\(\)/);
	});

	it('other scopes', () => {
		assert.deepEqual(run(`subscriptionResourceId('${hub}', 'h')`), '/subscriptions/{subscriptionId}/providers/Microsoft.Devices/IotHubs/h');
		assert.deepEqual(run(`subscriptionResourceId('s1', '${hub}', 'h')`), '/subscriptions/s1/providers/Microsoft.Devices/IotHubs/h');
		assert.deepEqual(run("tenantResourceId('Microsoft.Management/managementGroups', 'mg')"), '/providers/Microsoft.Management/managementGroups/mg');
		assert.deepEqual(
			run(`extensionResourceId(resourceId('${hub}', 'h'), 'Microsoft.Authorization/locks', 'lock')`),
			'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Devices/IotHubs/h/providers/Microsoft.Authorization/locks/lock',
		);
		assert.equal(unknownOf("extensionResourceId(parameters('secret'), 'Microsoft.Authorization/locks', 'lock')"), "depends on parameter 'secret'");
	});

	it('normalizes ids for comparison', () => {
		const a = plain(ev(`[resourceId('${hub}', 'MyHub')]`)) as string;
		const b = plain(ev("[resourceId('microsoft.devices/iothubs', 'myhub')]")) as string;
		assert.notEqual(a, b);
		assert.equal(normalizeResourceId(a), normalizeResourceId(b));
		assert.equal(normalizeResourceId(a), '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroup}/providers/microsoft.devices/iothubs/myhub');
		assert.equal(normalizeResourceId('/Subscriptions/ABC/'), '/subscriptions/abc');
	});
});

describe('limits', () => {
	it('gives up when the step budget runs out', () => {
		const big = `concat(${Array.from({ length: 50 }, (_, i) => `'s${i}'`).join(', ')})`;
		const c = ctx({ steps: 5 });
		assert.deepEqual(plain(ev(`[${big}]`, c)), { unknown: 'evaluation budget exceeded' });
		assert.ok(c.budget.steps <= 0);
		// An exhausted budget stays exhausted for later expressions sharing it.
		assert.deepEqual(plain(ev("['a']", c)), { unknown: 'evaluation budget exceeded' });
		// Plain literals cost nothing.
		assert.deepEqual(plain(ev('plain', c)), 'plain');
	});

	it('decrements the shared budget', () => {
		const c = ctx({ steps: 1000 });
		ev("[concat('a', 'b')]", c);
		assert.ok(c.budget.steps < 1000 && c.budget.steps > 990);
	});

	it('charges for large results', () => {
		const c = ctx({ steps: 5000 });
		assert.deepEqual(plain(ev('[range(0, 10000)]', c)), { unknown: 'evaluation budget exceeded' });
	});

	it('rejects huge strings', () => {
		const big = str('x'.repeat(600_000));
		const c = ctx({ params: { big } });
		assert.match(unknownOf("concat(parameters('big'), parameters('big'))", c), /longer than 1000000/);
		assert.match(unknownOf("format('{0}{0}', parameters('big'))", c), /longer than 1000000/);
		assert.match(unknownOf("replace(parameters('big'), 'x', 'yy')", c), /longer than 1000000/);
		assert.match(unknownOf("padLeft('a', 2000000)", c), /longer than 1000000/);
		assert.equal(ev("[concat(parameters('big'), 'y')]", c).kind, 'string');
	});
});
