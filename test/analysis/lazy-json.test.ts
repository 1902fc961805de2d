// The lazily read tree for strict JSON (server/src/analysis/arm/lazy-json.ts) must be, once fully read, the
// tree jsonc-parser's parseTree gives (without parent links): node for node, on hand-picked edge cases, on
// generated JSON (fast-check) and on every JSON file of the shared corpus. Text that is not strict JSON is
// left to parseTree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { parseStrictJson, strictJsonStats } from '../../server/src/analysis/arm/lazy-json';
import { parseJson } from '../../server/src/analysis/arm/loader';
import { corpus, corpusMissing } from '../robustness/support';

interface Plain {
	type: string;
	offset: number;
	length: number;
	value?: unknown;
	colonOffset?: number;
	children?: Plain[];
}

/** A node and everything under it as plain data (reads every lazy level). */
function plain(n: JsonNode): Plain {
	const out: Plain = { type: n.type, offset: n.offset, length: n.length };
	if (n.type !== 'object' && n.type !== 'array' && n.type !== 'property') out.value = n.value;
	if (n.colonOffset !== undefined) out.colonOffset = n.colonOffset;
	if (n.children) out.children = n.children.map(plain);
	return out;
}

const options = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };

function assertSameTree(text: string, label = JSON.stringify(text.slice(0, 60))): void {
	const lazy = parseStrictJson(text);
	assert.ok(lazy, `${label}: strict JSON not read lazily`);
	const errors: unknown[] = [];
	const eager = parseTree(text, errors as never, options);
	assert.deepEqual(errors, [], `${label}: parseTree reported errors`);
	assert.ok(eager);
	assert.deepEqual(plain(lazy), plain(eager), label);
}

describe('lazy JSON tree', () => {
	it('equals parseTree on edge cases', () => {
		for (const text of [
			'{}',
			'[]',
			' \t\r\n{ } ',
			'0',
			'-1.5e+10',
			'"x"',
			'true',
			'null',
			'{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
			'{\n  "a" : [ 1 , 2 , [ ] , { } ] ,\n  "b" : { "c" : [ { "d" : [ ] } ] }\n}',
			'{"esc\\"aped":"a\\\\","q":"\\"","u":"\\u00e9\\n","slash":"a\\/b","bs":"\\\\\\""}',
			'{"brackets in strings":"{[}]","more":"]]]}}}","k{":"v["}',
			'{"dup":1,"DUP":2,"dup":3}',
			'{"1":"a","0":"b","x":[0,-0,1e400,0.5,123456789012345678901234567890]}',
			'["a" , "b"  ,"c"]',
			'{"unicode":"\u2028\u2029 é 日本 🚀","\ud83d\ude80":1}',
		]) {
			assertSameTree(text);
		}
	});

	it('leaves JSON with comments, trailing commas, a BOM or errors to parseTree', () => {
		for (const text of ['{"a":1,}', '{"a":1 // c\n}', '/* c */ {}', '\ufeff{}', '{"a":', '', '   ', '{"a" 1}', '[1,,2]']) {
			assert.equal(parseStrictJson(text), undefined, JSON.stringify(text));
		}
		const parsed = parseJson('file:///x.json', '{"a":1 // c\n}');
		assert.equal(parsed.root?.children?.[0]?.children?.[1]?.value, 1);
		assert.deepEqual(parseJson('file:///x.json', '{"a":').problems.map((p) => p.location.span), [{ start: 5, end: 5 }]);
	});

	it('leaves nesting deeper than 256 levels to parseTree', () => {
		assert.ok(parseStrictJson(`${'['.repeat(256)}${']'.repeat(256)}`));
		assert.equal(parseStrictJson(`${'['.repeat(257)}${']'.repeat(257)}`), undefined);
		assertSameTree(`${'{"a":['.repeat(120)}1${']}'.repeat(120)}`);
	});

	it('reads children only when asked, and each level once', () => {
		const root = parseStrictJson('{"a":{"b":[1,2]},"c":3}')!;
		const a = root.children![0].children![1];
		assert.equal(a.type, 'object');
		assert.equal(root.children, root.children);
		assert.equal(a.children![0].children![1].children!.length, 2);
	});

	it('equals parseTree on generated JSON, pretty-printed or not', () => {
		fc.assert(
			fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 3 }), (value, indent) => {
				const text = JSON.stringify(value, null, indent === 3 ? '\t' : indent);
				if (text === undefined) return;
				assertSameTree(text);
			}),
			{ numRuns: 400, seed: 0x1a2b },
		);
	});

	it('accepts exactly what JSON.parse accepts (mutated and generated text)', () => {
		const parses = (text: string) => {
			try {
				JSON.parse(text);
				return true;
			} catch {
				return false;
			}
		};
		const check = (text: string) => assert.equal(parseStrictJson(text) !== undefined, parses(text), JSON.stringify(text));
		for (const text of [
			'"\\u00zz"', '"\\x"', '"a\u0001b"', '"\t"', '01', '-', '-0', '1.', '.5', '1e', '1e+', '+1', '1.5E-3', 'tru', 'nul', 'falsey',
			'{"a":1}}', '[1]]', '{"a" : 1 , }', '{,}', '[,]', '{"a"}', '{"a":}', '{1:2}', '["a":1]', '{"a":1 "b":2}', '[1 2]', '"\u2028"', '"\\/"',
			'{"a":[}', '[{]}', '  ', '\u00a0{}', '{}\u00a0', '{} x', '"unterminated', '"\\"', '"\\\\"', 'NaN', 'Infinity', '-Infinity', '[1e999]',
		]) {
			check(text);
		}
		const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '0', '-', '.', 'e', 'E', '+', ' ', '\n', 't', 'r', 'u', 'n', 'l', 'f', 's', '\u0000', '\u001f', 'é'];
		fc.assert(
			fc.property(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...alphabet), fc.boolean()), { maxLength: 3 }), (value, edits) => {
				let text = JSON.stringify(value) ?? 'null';
				for (const [at, ch, insert] of edits) {
					const i = text.length === 0 ? 0 : at % (text.length + 1);
					text = insert ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
				}
				check(text);
			}),
			{ numRuns: 3000, seed: 0x5eed },
		);
		fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 12 }), check), { numRuns: 3000, seed: 0xbeef });
	});

	describe('after an edit (the previous version handed over)', () => {
		/** Parse `after` with `before`'s root handed over; it must be what a fresh parse gives. Returns how it went. */
		const edited = (before: string, after: string): 'shifted' | 'validated' => {
			const previous = parseStrictJson(before);
			const s0 = { ...strictJsonStats };
			const again = parseStrictJson(after, previous);
			const how = strictJsonStats.shifted > s0.shifted ? 'shifted' : 'validated';
			const fresh = parseStrictJson(after);
			assert.equal(again === undefined, fresh === undefined, JSON.stringify(after));
			if (again && fresh) assert.deepEqual(plain(again), plain(fresh), JSON.stringify(after));
			return how;
		};
		const doc = '{"a": "value", "b": [1, {"c": "x{y"}, "deep"], "e\\\\u": "\\u00e9 z", "f": {"g": "h"}, "z": "last"}';
		const at = (needle: string, offset = 0) => doc.indexOf(needle) + offset;
		const insert = (i: number, t: string) => doc.slice(0, i) + t + doc.slice(i);
		const remove = (i: number, n: number) => doc.slice(0, i) + doc.slice(i + n);

		it('shifts the brackets for typing, deleting and pasting inside a string', () => {
			assert.equal(edited(doc, insert(at('value', 2), 'x')), 'shifted');
			assert.equal(edited(doc, remove(at('value', 1), 3)), 'shifted');
			assert.equal(edited(doc, insert(at('x{y', 1), '[[{ }')), 'shifted');
			assert.equal(edited(doc, insert(at('deep', 4), 'er')), 'shifted', 'at the closing quote');
			assert.equal(edited(doc, insert(at('"last"', 1), 'é')), 'shifted', 'after the opening quote');
			assert.equal(edited(doc, remove(at('value'), 5)), 'shifted', 'the whole content');
			assert.equal(edited(doc, insert(at('"a"', 1), 'k')), 'shifted', 'a key');
			assert.equal(edited(doc, doc.replace('value', 'VALUE')), 'shifted', 'same length');
			assert.equal(edited(doc, doc), 'shifted', 'the same text');
		});

		it('validates again for anything else', () => {
			assert.equal(edited(doc, insert(at('value'), '"')), 'validated', 'a quote');
			assert.equal(edited(doc, insert(at('value'), '\\n')), 'validated', 'a backslash');
			assert.equal(edited(doc, insert(at('value'), '\n')), 'validated', 'a control character');
			assert.equal(edited(doc, insert(at('\\u00e9', 3), '0')), 'validated', 'inside an escape');
			assert.equal(edited(doc, insert(at('e\\\\u', 3), 'q')), 'validated', 'right after an escape');
			assert.equal(edited(doc, insert(at('00e9 z', 5), 'q')), 'shifted', 'past the escape');
			assert.equal(edited(doc, insert(at('1,'), '2')), 'validated', 'a number');
			assert.equal(edited(doc, insert(at('"a"'), ' ')), 'validated', 'before the opening quote');
			assert.equal(edited(doc, insert(at('"last"', 6), 'x')), 'validated', 'after the closing quote');
			assert.equal(edited(doc, remove(at('"deep"', -2), 4)), 'validated', 'across a string boundary');
			assert.equal(edited(doc, doc.replace('value', 'v'.repeat(300))), 'validated', 'a long paste');
			assert.equal(edited('"top"', '"tops"'), 'validated', 'a top-level string');
		});

		it('gives what a fresh parse gives for random edits anywhere (and shifts for those inside strings)', () => {
			const alphabet = ['a', 'é', ' ', '{', '}', '[', ']', ',', ':', '"', '\\', '\n', '1', 'e', '-', 'u', '0'];
			let shifted = 0;
			fc.assert(
				fc.property(
					fc.jsonValue({ maxDepth: 5 }),
					fc.integer({ min: 0, max: 2 }),
					fc.nat(),
					fc.nat({ max: 3 }),
					fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 4 }),
					(value, indent, at, removed, inserted) => {
						const before = JSON.stringify(value, null, indent);
						if (before === undefined) return;
						const i = at % (before.length + 1);
						const after = before.slice(0, i) + inserted + before.slice(i + removed);
						if (edited(before, after) === 'shifted') shifted++;
					},
				),
				{ numRuns: 4000, seed: 0x7e57 },
			);
			assert.ok(shifted > 200, `${shifted} edits shifted`);
		});
	});

	it('equals parseTree on every strict-JSON file of the corpus', (t) => {
		const files = corpus();
		if (!files) return t.skip(corpusMissing);
		let strict = 0;
		for (const f of files.filter((x) => x.rel.endsWith('.json'))) {
			if (!parseStrictJson(f.text)) continue;
			strict++;
			assertSameTree(f.text, f.rel);
		}
		assert.ok(strict > 10, `only ${strict} strict JSON files in the corpus`);
	});
});
