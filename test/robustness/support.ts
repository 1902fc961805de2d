// Shared helpers of the robustness suites (issue 8): where the repository, the corpus and the fixtures
// are, a checked call of the analysis core (no exception, bounded time, every span inside its document,
// at most one problem), and the helpers of the fix-safety suite (apply, compare, comments).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createScanner } from 'jsonc-parser';
import { analyzeDocument, type AnalysisResult, type AnalyzeOptions } from '../../server/src/analysis/analyze';
import type { Finding, Fix, TextEdit } from '../../server/src/analysis/findings';
import { applyEdits } from '../../server/src/analysis/fix/resolve';
import type { Host } from '../../server/src/analysis/host';
import type { Span } from '../../server/src/analysis/types';
import { allRules } from '../../rules/index';
import { ensureBicep } from '../support/bicep';

/** The repository root: the nearest folder above this file with the extension's package.json (works from test/ and out/test/). */
export const repoRoot: string = (() => {
	let dir = __dirname;
	for (;;) {
		const pkg = path.join(dir, 'package.json');
		if (existsSync(pkg) && /"iothub-security-baseline"/.test(readFileSync(pkg, 'utf8'))) return dir;
		const up = path.dirname(dir);
		if (up === dir) throw new Error(`no package.json above ${__dirname}`);
		dir = up;
	}
})();

export const corpusDir = path.resolve(repoRoot, '../shared/corpus');
export const fixturesDir = path.join(repoRoot, 'test/fixtures/robustness');

export const WS = 'file:///ws/';

/** uri → text of every document a host can read. */
export type Docs = Record<string, string>;

export function hostOf(docs: Docs, log?: string[]): Host {
	return {
		readText(uri) {
			log?.push(uri);
			return Object.prototype.hasOwnProperty.call(docs, uri) ? docs[uri] : undefined;
		},
	};
}

export function fixture(name: string): string {
	return readFileSync(path.join(fixturesDir, name), 'utf8');
}

export interface CorpusFile {
	/** Path relative to the corpus root. */
	rel: string;
	uri: string;
	text: string;
}

let corpusCache: CorpusFile[] | null | undefined;

/** Every ARM JSON / Bicep file of the shared corpus, or undefined when the corpus is not checked out. */
export function corpus(): CorpusFile[] | undefined {
	if (corpusCache !== undefined) return corpusCache ?? undefined;
	if (!existsSync(corpusDir)) {
		corpusCache = null;
		return undefined;
	}
	const out: CorpusFile[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir).sort()) {
			const p = path.join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (/\.(json|bicep|bicepparam)$/i.test(name) && name !== 'manifest.json') {
				const rel = path.relative(corpusDir, p).split(path.sep).join('/');
				out.push({ rel, uri: 'file:///corpus/' + rel.split('/').map(encodeURIComponent).join('/'), text: readFileSync(p, 'utf8') });
			}
		}
	};
	walk(corpusDir);
	corpusCache = out;
	return out;
}

/** All corpus documents as a host map (parameter files and modules resolve like on disk). */
export function corpusDocs(): Docs {
	const docs: Docs = {};
	for (const f of corpus() ?? []) docs[f.uri] = f.text;
	return docs;
}

export const corpusMissing = `shared corpus not found at ${corpusDir}: corpus cases skipped`;

// ---------------------------------------------------------------------------------------------------
// Bicep availability (the front end is written in parallel; suites include it when it loads)

let bicepState: Promise<string | undefined> | undefined;

/** undefined when the Bicep front end is installed, else why not. */
export function bicepUnavailable(): Promise<string | undefined> {
	bicepState ??= ensureBicep().then(
		() => undefined,
		(e: unknown) => `Bicep front end not available (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
	);
	return bicepState;
}

// ---------------------------------------------------------------------------------------------------
// The checked analysis call

/** Time bound for one analysis: a fixed allowance plus a per-size part (generous for slow CI; catches super-linear blow-ups). */
export const TIME_BASE_MS = 500;
export const TIME_PER_KB_MS = 2;

export function timeLimitMs(chars: number): number {
	return TIME_BASE_MS + (TIME_PER_KB_MS * chars) / 1024;
}

export interface Checked {
	result: AnalysisResult;
	ms: number;
}

/**
 * Analyse with every rule (`rethrow: true`, so a rule crash surfaces) and assert the core's invariants:
 * no exception, at most one problem, every span of every finding / problem / related location / fix edit
 * inside the document it names (a document of the host or the analysed one), non-overlapping edits per
 * document, and a time within `timeLimitMs` of the input size.
 */
export function analyzeChecked(uri: string, text: string, docs: Docs = {}, opts: AnalyzeOptions = {}, label = uri): Checked {
	const all: Docs = { ...docs, [uri]: text };
	const size = Object.values(all).reduce((n, t) => n + t.length, 0);
	const once = (): { result: AnalysisResult; ms: number } => {
		const start = process.hrtime.bigint();
		try {
			const result = analyzeDocument(uri, text, hostOf(all), allRules, { rethrow: true, ...opts });
			// Fixes may be resolved lazily: resolve them inside the timed call.
			for (const f of result.findings) void f.fixes.length;
			return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
		} catch (e) {
			assert.fail(`${label}: analysis threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
		}
	};
	const first = once();
	const result = first.result;
	let ms = first.ms;
	// A blow-up is deterministic, a GC pause or a busy CI core is not: over the bound, measure twice more, keep the best.
	for (let retry = 0; retry < 2 && ms > timeLimitMs(size); retry++) ms = Math.min(ms, once().ms);
	assert.ok(ms <= timeLimitMs(size), `${label}: analysis took ${ms.toFixed(0)} ms for ${size} characters (limit ${timeLimitMs(size).toFixed(0)} ms)`);
	assertInvariants(result, all, label);
	return { result, ms };
}

function assertSpan(docs: Docs, loc: { uri: string; span: Span }, what: string): void {
	const doc = docs[loc.uri];
	assert.ok(doc !== undefined, `${what}: refers to ${loc.uri}, a document the host never provided`);
	const { start, end } = loc.span;
	assert.ok(Number.isInteger(start) && Number.isInteger(end), `${what}: span ${start}..${end} is not integral`);
	assert.ok(0 <= start && start <= end && end <= doc.length, `${what}: span ${start}..${end} outside the document (length ${doc.length})`);
}

export function assertInvariants(result: AnalysisResult, docs: Docs, label: string): void {
	assert.ok(result.problems.length <= 1, `${label}: ${result.problems.length} problems (at most one): ${result.problems.map((p) => p.message).join(' | ')}`);
	for (const p of result.problems) {
		assert.ok(typeof p.message === 'string' && p.message.length > 0, `${label}: empty problem message`);
		assertSpan(docs, p.location, `${label}: problem "${p.message}"`);
	}
	result.findings.forEach((f, i) => {
		const what = `${label}: finding #${i} ${f.ruleId} "${f.message.slice(0, 120)}"`;
		assert.ok(typeof f.message === 'string' && f.message.length > 0, `${what}: empty message`);
		assertSpan(docs, f.location, what);
		f.related.forEach((r, j) => assertSpan(docs, r.location, `${what} related #${j}`));
		f.fixes.forEach((fix, j) => {
			for (const [uri, edits] of Object.entries(fix.edits)) {
				edits.forEach((e, k) => {
					assertSpan(docs, { uri, span: e.span }, `${what} fix #${j} "${fix.title}" edit #${k}`);
					assert.equal(typeof e.newText, 'string');
				});
				assert.ok(disjoint(edits), `${what} fix #${j}: overlapping edits in ${uri}`);
			}
		});
	});
}

/** True when no two edits overlap (insertions at one offset are fine: LSP applies them in array order). */
export function disjoint(edits: TextEdit[]): boolean {
	const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
	for (let i = 1; i < sorted.length; i++) {
		if (sorted[i].span.start < sorted[i - 1].span.end) return false;
	}
	return true;
}

// ---------------------------------------------------------------------------------------------------
// Fix helpers

/** Apply edits to one text and check that everything outside the edited spans is byte-for-byte unchanged. */
export function applyChecked(before: string, edits: TextEdit[], what: string): string {
	const after = applyEdits(before, edits);
	const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
	let pos = 0; // in `after`
	let prevEnd = 0; // in `before`
	for (const e of sorted) {
		const keep = before.slice(prevEnd, e.span.start);
		assert.equal(after.slice(pos, pos + keep.length), keep, `${what}: text before offset ${e.span.start} changed`);
		pos += keep.length;
		assert.equal(after.slice(pos, pos + e.newText.length), e.newText, `${what}: edit at ${e.span.start} not applied as given`);
		pos += e.newText.length;
		prevEnd = e.span.end;
	}
	assert.equal(after.slice(pos), before.slice(prevEnd), `${what}: text after offset ${prevEnd} changed`);
	return after;
}

export function applyFixTo(docs: Docs, fixes: Fix[], what: string): Docs {
	const merged: Record<string, TextEdit[]> = {};
	for (const fix of fixes) for (const [uri, edits] of Object.entries(fix.edits)) (merged[uri] ??= []).push(...edits);
	const out: Docs = { ...docs };
	for (const [uri, edits] of Object.entries(merged)) {
		assert.ok(out[uri] !== undefined, `${what}: edits ${uri}, which is not a known document`);
		out[uri] = applyChecked(out[uri], edits, `${what} in ${uri}`);
	}
	return out;
}

/** Comments of a JSON(C) or Bicep text, in order (strings are skipped, so `//` inside a URL is not a comment). */
export function commentsOf(text: string, format: 'json' | 'bicep'): { text: string; span: Span }[] {
	const out: { text: string; span: Span }[] = [];
	if (format === 'json') {
		const scanner = createScanner(text, false);
		// SyntaxKind is a const enum (not usable with isolatedModules): 12 line comment, 13 block comment, 17 EOF.
		for (let t: number = scanner.scan(); t !== 17; t = scanner.scan()) {
			if (t === 12 || t === 13) {
				const start = scanner.getTokenOffset();
				out.push({ text: text.slice(start, start + scanner.getTokenLength()), span: { start, end: start + scanner.getTokenLength() } });
			}
		}
		return out;
	}
	// Bicep: skip '...' and '''...''' strings (escapes with backslash), collect // and /* */.
	let i = 0;
	while (i < text.length) {
		if (text.startsWith("'''", i)) {
			const end = text.indexOf("'''", i + 3);
			i = end < 0 ? text.length : end + 3;
		} else if (text[i] === "'") {
			i++;
			while (i < text.length && text[i] !== "'" && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
			i++;
		} else if (text.startsWith('//', i)) {
			const end = text.indexOf('\n', i);
			const stop = end < 0 ? text.length : end;
			out.push({ text: text.slice(i, stop).replace(/\r$/, ''), span: { start: i, end: stop } });
			i = stop;
		} else if (text.startsWith('/*', i)) {
			const end = text.indexOf('*/', i + 2);
			const stop = end < 0 ? text.length : end + 2;
			out.push({ text: text.slice(i, stop), span: { start: i, end: stop } });
			i = stop;
		} else {
			i++;
		}
	}
	return out;
}

/** Every comment not inside an edited span is still there (as a multiset of comment texts). */
export function assertCommentsKept(before: string, after: string, edits: TextEdit[], format: 'json' | 'bicep', what: string): void {
	const inside = (s: Span) => edits.some((e) => s.start < e.span.end && s.end > e.span.start);
	const count = (list: { text: string }[]) => {
		const m = new Map<string, number>();
		for (const c of list) m.set(c.text, (m.get(c.text) ?? 0) + 1);
		return m;
	};
	const was = count(commentsOf(before, format).filter((c) => !inside(c.span)));
	const now = count(commentsOf(after, format));
	for (const [c, n] of was) assert.ok((now.get(c) ?? 0) >= n, `${what}: comment ${JSON.stringify(c)} lost by the fix`);
	// Comments inside an edited span must survive too, unless the fix removes what they describe.
	const touched = commentsOf(before, format).filter((c) => inside(c.span));
	for (const c of touched) {
		const edit = edits.find((e) => c.span.start < e.span.end && c.span.end > e.span.start);
		if (edit && edit.newText !== '') assert.ok(after.includes(c.text), `${what}: comment ${JSON.stringify(c.text)} inside the edited span was dropped`);
	}
}

/** A finding's identity across re-analysis (offsets move when a fix is applied). */
export function keyOf(f: Finding): string {
	return `${f.ruleId}|${f.messageId ?? ''}|${f.resourceType ?? ''}|${f.resourceName ?? ''}|${f.unknown ? 'unknown' : ''}`;
}

export function ruleKeyOf(f: Finding): string {
	return `${f.ruleId}|${f.resourceType ?? ''}|${f.resourceName ?? ''}`;
}

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
	const m = new Map<string, number>();
	for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
	return m;
}

/** Deterministic pseudo-random numbers for inputs built outside fast-check (fixed seed, reproducible). */
export function prng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s >>>= 0;
		s ^= s >>> 17;
		s ^= s << 5;
		s >>>= 0;
		return s / 0x100000000;
	};
}

/** Run `fn` and return its wall time in ms. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
	const start = process.hrtime.bigint();
	const value = fn();
	return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}
