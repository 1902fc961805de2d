// Shared helpers for the benchmark: timing, statistics, loading the transpiled sources from out/.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'out');
export const DIST = path.join(ROOT, 'dist');
export const require = createRequire(path.join(ROOT, 'package.json'));

export const now = () => performance.now();

export function median(xs) {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(x, digits = 3) {
	if (x === undefined || x === null || !Number.isFinite(x)) return x;
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}

/** A module of the transpiled sources (`node scripts/build-tests.mjs`), or { error } explaining why not. */
export function loadOut(rel) {
	const file = path.join(OUT, rel);
	if (!existsSync(file)) return { error: `out/${rel} not found (run node scripts/build-tests.mjs; the component may not exist yet)` };
	try {
		return { mod: require(file) };
	} catch (e) {
		return { error: `out/${rel} failed to load: ${firstLine(e)}` };
	}
}

export function firstLine(e) {
	return String(e?.message ?? e).split('\n')[0];
}

/** Files from disk by file:// URI, cached (the benchmark measures CPU, not the disk). */
export function fsHost() {
	const cache = new Map();
	return {
		readText(uri) {
			if (cache.has(uri)) return cache.get(uri);
			let text;
			try {
				text = uri.startsWith('file:') ? readFileSync(fileURLToPath(uri), 'utf8') : undefined;
			} catch {
				text = undefined;
			}
			cache.set(uri, text);
			return text;
		},
	};
}

export const uriOf = (file) => pathToFileURL(file).toString();

export function gc() {
	if (typeof globalThis.gc === 'function') globalThis.gc();
}

/** Peak heap is sampled: heapUsed right after each timed run (before any explicit GC). */
export class MemorySampler {
	peakHeap = 0;
	sample() {
		// V8's own counters: process.memoryUsage() also reads the RSS from the kernel, and that system call
		// between two timed runs slowed the next run measurably (cold caches), more for the larger working set.
		const h = v8.getHeapStatistics().used_heap_size;
		if (h > this.peakHeap) this.peakHeap = h;
	}
	report() {
		return { peakHeapMB: round(this.peakHeap / 2 ** 20, 1), maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1) };
	}
}

/**
 * Where the benchmark types: a one-character edit in the middle of the file, inside a string value
 * (after `name: '` in Bicep, at the start of a plain `"name"` string in ARM JSON) so the text stays valid
 * and no expression turns into a literal.
 */
export function editPoint(text) {
	const mid = text.length >> 1;
	for (const marker of ["name: '", '"name": "SETTING_', '"name": "snet-', '"name": "']) {
		const k = text.indexOf(marker, mid);
		// Just after the value's opening quote.
		if (k >= 0) return k + (marker.startsWith('"') ? '"name": "'.length : "name: '".length);
	}
	return mid;
}
