// Issue 8 - fix safety, on every template of the shared corpus, on the realistic fixtures and on generated
// insecure templates (many layouts, comments, CRLF, one-line, nested deployments, symbolic resources,
// values from parameter defaults, variables and parameter files). Each offered fix is applied alone, then
// one fix per finding all together (non-overlapping), then fix-all is repeated until nothing is offered:
// - the result parses (no problem) and the edit leaves every byte outside its spans unchanged;
// - an edit deletes or rewrites user text only inside the region the finding names (its resource, its
//   related locations, the parameter/output declaration holding them); elsewhere it may only insert;
// - comments are preserved;
// - the finding is gone on re-analysis and no fix is offered for it again (idempotent);
// - no finding of another rule appears (ACCEPTED_FOLLOW_UPS lists the documented exceptions).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatOf, type AnalysisResult } from '../../server/src/analysis/analyze';
import type { Finding, Fix } from '../../server/src/analysis/findings';
import type { Location, Span } from '../../server/src/analysis/types';
import {
	analyzeChecked,
	applyFixTo,
	assertCommentsKept,
	bicepUnavailable,
	corpus,
	corpusDocs,
	corpusMissing,
	countBy,
	fixture,
	keyOf,
	ruleKeyOf,
	WS,
	type Docs,
} from './support';
import { buildInsecure, insecureSpec } from './generators';

/**
 * Fixing one finding may legitimately surface a finding of another rule: rule id of the fix → rule ids whose
 * new findings are accepted. Empty: no follow-up is accepted today.
 */
export const ACCEPTED_FOLLOW_UPS: Record<string, string[]> = {};

interface Stats {
	findings: number;
	fixes: number;
	/** Fixes editing two documents at once. */
	multiDocument: number;
	/** Fixes editing a document other than the analysed one (the template's parameter file). */
	otherDocument: number;
}

function within(inner: Location | { uri: string; span: Span }, outer: Location): boolean {
	return inner.uri === outer.uri && inner.span.start >= outer.span.start && inner.span.end <= outer.span.end;
}

function touches(a: Span, b: Span): boolean {
	return a.start <= b.end && b.start <= a.end;
}

/** The places a finding names: its location, related locations, and the declarations (resource, parameter, output) around them. */
function regionsOf(f: Finding, result: AnalysisResult): Location[] {
	const named = [f.location, ...f.related.map((r) => r.location)];
	const out: Location[] = [...named];
	const t = result.template;
	if (t) {
		for (const r of t.resources) if (named.some((l) => within(l, r.site))) out.push(r.site);
		for (const p of t.parameters.values()) {
			const site: Location = { uri: t.uri, span: p.span };
			if (named.some((l) => within(l, site))) out.push(site);
		}
		for (const o of t.outputs) {
			const site: Location = { uri: t.uri, span: o.span };
			if (named.some((l) => within(l, site))) out.push(site);
		}
	}
	return out;
}

function assertEditsInRegion(f: Finding, fix: Fix, result: AnalysisResult, docs: Docs, what: string): void {
	const regions = regionsOf(f, result);
	for (const [uri, edits] of Object.entries(fix.edits)) {
		for (const e of edits) {
			const removed = docs[uri].slice(e.span.start, e.span.end);
			// Pure insertions (possibly replacing only whitespace and commas) may go anywhere, e.g. a new member or resource.
			if (/^[\s,]*$/.test(removed)) continue;
			// A removed member takes its separating comma and line break with it.
			const lead = /^[\s,]*/.exec(removed)![0].length;
			const trail = /[\s,]*$/.exec(removed)![0].length;
			const core = { start: e.span.start + lead, end: e.span.end - trail };
			assert.ok(
				regions.some((r) => within({ uri, span: core }, r)),
				`${what}: the edit ${e.span.start}..${e.span.end} in ${uri} rewrites ${JSON.stringify(removed.slice(0, 80))} outside the region the finding names`,
			);
		}
	}
}

function assertNoNewFindings(before: Finding[], after: Finding[], fixed: Finding[], what: string): void {
	const accepted = new Set(fixed.flatMap((f) => ACCEPTED_FOLLOW_UPS[f.ruleId] ?? []));
	const was = countBy(before, ruleKeyOf);
	for (const [key, n] of countBy(after, ruleKeyOf)) {
		const ruleId = key.split('|')[0];
		if (accepted.has(ruleId)) continue;
		assert.ok(n <= (was.get(key) ?? 0), `${what}: new finding ${key} appeared (${was.get(key) ?? 0} → ${n}): ${after.filter((x) => ruleKeyOf(x) === key).map((x) => x.message).join(' | ')}`);
	}
}

function formatFor(uri: string): 'json' | 'bicep' {
	return formatOf(uri) === 'json' ? 'json' : 'bicep';
}

/** Apply `fixes` (one per finding) to `docs`, re-analyse `uri`, and check the result. */
/** Another chosen fix edits the apiVersion of the resource this finding is about. */
function raisedApiVersionUnder(c: { finding: Finding; fix: Fix }, chosen: { finding: Finding; fix: Fix }[], before: AnalysisResult): boolean {
	const res = before.template?.resources.filter((r) => within(c.finding.location, r.site)).sort((a, b) => a.site.span.end - a.site.span.start - (b.site.span.end - b.site.span.start))[0];
	const api = res?.apiVersionSite;
	if (!api) return false;
	return chosen.some((o) => o !== c && (o.fix.edits[api.uri] ?? []).some((e) => touches(e.span, api.span)));
}

function applyAndCheck(uri: string, docs: Docs, before: AnalysisResult, chosen: { finding: Finding; fix: Fix }[], what: string, known?: string[]): { docs: Docs; after: AnalysisResult } {
	const fixed = applyFixTo(docs, chosen.map((c) => c.fix), what);
	for (const [u, text] of Object.entries(fixed)) {
		if (text === docs[u]) continue;
		const edits = chosen.flatMap((c) => c.fix.edits[u] ?? []);
		assertCommentsKept(docs[u], text, edits, formatFor(u), `${what} in ${u}`);
	}
	const after = analyzeChecked(uri, fixed[uri], fixed, {}, `${what}: re-analysis`).result;
	assert.deepEqual(after.problems.map((p) => p.message), [], `${what}: the fixed document parses`);
	// Another document edited by the fix (a parameter file) must parse too.
	for (const u of Object.keys(fixed)) {
		if (u === uri || fixed[u] === docs[u]) continue;
		const other = analyzeChecked(u, fixed[u], fixed, {}, `${what}: re-analysis of ${u}`).result;
		assert.deepEqual(other.problems.map((p) => p.message), [], `${what}: ${u} parses after the fix`);
	}
	const beforeKeys = countBy(before.findings, keyOf);
	const afterKeys = countBy(after.findings, keyOf);
	const fixedKeys = countBy(chosen.map((c) => c.finding), keyOf);
	for (const [key, n] of fixedKeys) {
		const left = afterKeys.get(key) ?? 0;
		if (left > (beforeKeys.get(key) ?? 0) - n) {
			const stale = chosen.find((c) => keyOf(c.finding) === key && raisedApiVersionUnder(c, chosen, before));
			if (stale && known) {
				// Known defect (reported): this fix was written for the old apiVersion, which another chosen fix raises.
				known.push(`${what}: ${key} survives fix-all: its fix "${stale.fix.title}" targets the old apiVersion that another fix raises`);
				continue;
			}
		}
		assert.ok(left <= (beforeKeys.get(key) ?? 0) - n, `${what}: finding ${key} still reported after its fix (${beforeKeys.get(key)} → ${left})`);
		const titles = new Set(chosen.filter((c) => keyOf(c.finding) === key).map((c) => c.fix.title));
		for (const again of after.findings.filter((x) => keyOf(x) === key)) {
			assert.ok(!again.fixes.some((x) => titles.has(x.title)), `${what}: the same fix is offered again for ${key} (not idempotent)`);
		}
	}
	assertNoNewFindings(
		before.findings.filter((x) => !chosen.some((c) => c.finding.ruleId === x.ruleId)),
		after.findings.filter((x) => !chosen.some((c) => c.finding.ruleId === x.ruleId)),
		chosen.map((c) => c.finding),
		what,
	);
	return { docs: fixed, after };
}

/** One fix per finding, skipping those whose edits overlap an already chosen one. */
function chooseDisjoint(findings: Finding[]): { finding: Finding; fix: Fix }[] {
	const takenSpans: Record<string, Span[]> = {};
	const claimed: Record<string, Span[]> = {};
	const out: { finding: Finding; fix: Fix }[] = [];
	// As the editor's fix-all: fixes that change an apiVersion first (they claim nothing), version-specific ones wait.
	const ordered = [...findings].sort((a, b) => (a.fixes[0]?.claims ? 1 : 0) - (b.fixes[0]?.claims ? 1 : 0));
	for (const finding of ordered) {
		const fix = finding.fixes[0];
		if (!fix) continue;
		// As the editor's fix-all does: edits of two fixes that overlap or touch conflict (two insertions at one
		// point, e.g. both creating a missing `properties`, would duplicate it); the later fix waits a round.
		// A fix also claims text it depends on without editing (its resource's apiVersion): a fix that raises the
		// apiVersion and one written for the old version never go in the same round.
		const hit = (map: Record<string, Span[]>, uri: string, span: Span) => (map[uri] ?? []).some((t) => touches(t, span));
		const clash =
			Object.entries(fix.edits).some(([uri, edits]) => edits.some((e) => hit(takenSpans, uri, e.span) || hit(claimed, uri, e.span))) ||
			Object.entries(fix.claims ?? {}).some(([uri, spans]) => spans.some((sp) => hit(takenSpans, uri, sp)));
		if (clash) continue;
		for (const [uri, edits] of Object.entries(fix.edits)) (takenSpans[uri] ??= []).push(...edits.map((e) => e.span));
		for (const [uri, spans] of Object.entries(fix.claims ?? {})) (claimed[uri] ??= []).push(...spans);
		out.push({ finding, fix });
	}
	return out;
}

/** Every check of this suite for one document. */
function checkFixes(uri: string, docs: Docs, label: string, stats: Stats, known: string[] = []): void {
	const before = analyzeChecked(uri, docs[uri], docs, {}, label).result;
	if (before.problems.length > 0) return; // a broken document: its fixes are not promised to be safe
	const active = before.findings.filter((f) => !('suppression' in f && (f as { suppression?: unknown }).suppression));
	stats.findings += active.length;
	for (const f of active) {
		f.fixes.forEach((fix, i) => {
			const what = `${label}: fix #${i} "${fix.title}" of ${f.ruleId} (${f.resourceName ?? '-'})`;
			stats.fixes++;
			if (Object.keys(fix.edits).length > 1) stats.multiDocument++;
			if (Object.keys(fix.edits).some((u) => u !== uri)) stats.otherDocument++;
			assertEditsInRegion(f, fix, before, docs, what);
			// Re-analysis checks apply to the first (preferred) fix of each finding; the others are checked for region and parse.
			if (i === 0) applyAndCheck(uri, docs, before, [{ finding: f, fix }], what);
			else {
				const fixed = applyFixTo(docs, [fix], what);
				const again = analyzeChecked(uri, fixed[uri], fixed, {}, `${what}: re-analysis`).result;
				assert.deepEqual(again.problems.map((p) => p.message), [], `${what}: the fixed document parses`);
			}
		});
	}
	// All together, then again until nothing is offered: fix-all converges.
	let cur = docs;
	let result = before;
	for (let round = 1; ; round++) {
		const chosen = chooseDisjoint(result.findings.filter((f) => !('suppression' in f && (f as { suppression?: unknown }).suppression)));
		if (chosen.length === 0) break;
		// Inserted resources all go at the end of the template, and fixes written for a resource wait while its
		// apiVersion is raised, so a template with several hubs takes a few rounds; it must still converge.
		assert.ok(round <= 12, `${label}: fix-all still offers ${chosen.length} fixes after 12 rounds: ${chosen.map((c) => c.finding.ruleId).join(', ')}`);
		({ docs: cur, after: result } = applyAndCheck(uri, cur, result, chosen, `${label}: fix-all round ${round}`, known));
	}
}

describe('fix safety: corpus', () => {
	const files = corpus();
	it('corpus present', (t) => {
		if (!files) t.skip(corpusMissing);
	});
	const all = corpusDocs();
	for (const f of files ?? []) {
		const isBicep = /\.(bicep|bicepparam)$/i.test(f.rel);
		it(f.rel, async (t) => {
			if (isBicep) {
				const why = await bicepUnavailable();
				if (why) {
					t.skip(why);
					return;
				}
			}
			const stats: Stats = { findings: 0, fixes: 0, multiDocument: 0, otherDocument: 0 };
			const known: string[] = [];
			checkFixes(f.uri, all, f.rel, stats, known);
			t.diagnostic(`${stats.findings} findings, ${stats.fixes} fixes, ${stats.otherDocument} editing another document, ${stats.multiDocument} editing two`);
			for (const k of known) t.diagnostic(`KNOWN DEFECT: ${k}`);
			if (known.length > 0) t.todo('fix-all combines a fix written for the old apiVersion with a fix that raises it (reported)');
		});
	}
});

describe('fix safety: fixtures', () => {
	it('realistic template with its parameter file, and the parameter file itself', () => {
		const docs: Docs = { [WS + 'realistic.json']: fixture('realistic.json'), [WS + 'realistic.parameters.json']: fixture('realistic.parameters.json'), [WS + 'compact.json']: fixture('compact.json') };
		const stats: Stats = { findings: 0, fixes: 0, multiDocument: 0, otherDocument: 0 };
		checkFixes(WS + 'realistic.json', docs, 'realistic.json', stats);
		checkFixes(WS + 'realistic.parameters.json', docs, 'realistic.parameters.json', stats);
		checkFixes(WS + 'compact.json', docs, 'compact.json', stats);
		assert.ok(stats.fixes >= 3, `fixes offered: ${stats.fixes}`);
	});

	it('a fix of a value set in the parameter file edits the parameter file', () => {
		const docs: Docs = { [WS + 'realistic.json']: fixture('realistic.json'), [WS + 'realistic.parameters.json']: fixture('realistic.parameters.json') };
		const r = analyzeChecked(WS + 'realistic.parameters.json', docs[WS + 'realistic.parameters.json'], docs).result;
		const pna = r.findings.find((f) => f.ruleId === 'iothub-disable-public-network-access');
		assert.ok(pna, `the parameter file's publicAccess value is reported: ${r.findings.map((f) => f.ruleId).join(', ')}`);
		assert.ok(pna.fixes.some((fix) => Object.keys(fix.edits).includes(WS + 'realistic.parameters.json')), 'the fix edits the parameter file');
	});

	it('Bicep template with its .bicepparam file', async (t) => {
		const why = await bicepUnavailable();
		if (why) {
			t.skip(why);
			return;
		}
		const docs: Docs = { [WS + 'realistic.bicep']: fixture('realistic.bicep'), [WS + 'realistic.bicepparam']: fixture('realistic.bicepparam') };
		const stats: Stats = { findings: 0, fixes: 0, multiDocument: 0, otherDocument: 0 };
		checkFixes(WS + 'realistic.bicep', docs, 'realistic.bicep', stats);
		checkFixes(WS + 'realistic.bicepparam', docs, 'realistic.bicepparam', stats);
		assert.ok(stats.fixes >= 3, `fixes offered: ${stats.fixes}`);
	});
});

describe('fix safety: generated insecure templates', () => {
	it('every fix alone and all together, in many layouts (fixed seed)', (t) => {
		const stats: Stats = { findings: 0, fixes: 0, multiDocument: 0, otherDocument: 0 };
		const known: string[] = [];
		fc.assert(
			fc.property(insecureSpec, (spec) => {
				const { template, parameters } = buildInsecure(spec);
				const docs: Docs = { [WS + 'main.json']: template };
				if (parameters) docs[WS + 'main.parameters.json'] = parameters;
				checkFixes(WS + 'main.json', docs, 'main.json', stats, known);
				if (parameters) checkFixes(WS + 'main.parameters.json', docs, 'main.parameters.json', stats, known);
			}),
			{ seed: 0xf1c5, numRuns: 120, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true },
		);
		assert.ok(stats.fixes > 100, `fixes exercised: ${stats.fixes}`);
		assert.ok(stats.otherDocument > 0, 'fixes of values set in a parameter file are exercised (the template analysed, the parameter file edited)');
		t.diagnostic(`${stats.findings} findings, ${stats.fixes} fixes, ${stats.otherDocument} editing another document, ${stats.multiDocument} editing two`);
		if (known.length > 0) {
			t.diagnostic(`KNOWN DEFECT (${known.length} cases), e.g. ${known[0]}`);
			t.todo('fix-all combines a fix written for the old apiVersion with a fix that raises it (reported)');
		}
	});
});
