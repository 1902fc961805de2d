// Spans in test texts, found by the text they cover.
import assert from 'node:assert/strict';

/** Span of the `n`-th occurrence (0-based) of `needle` in `text`; fails the test when there is none. */
export function at(text: string, needle: string, n = 0): { start: number; end: number } {
	let i = -1;
	for (let k = 0; k <= n; k++) {
		i = text.indexOf(needle, i + 1);
		assert.ok(i >= 0, `'${needle}' #${n} not in text`);
	}
	return { start: i, end: i + needle.length };
}
