// One measurement in a fresh process (so peak heap/RSS and JIT state belong to one workload):
//   node --expose-gc bench/worker.mjs '<task json>'
// Prints `RESULT <json>` as its last line. Tasks: arm | bicep | corpus (see run.mjs).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemorySampler, editPoint, firstLine, fsHost, gc, loadOut, median, now, require, round, uriOf } from './lib.mjs';

const task = JSON.parse(process.argv[2]);

function emit(result) {
	process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

function core() {
	const analyze = loadOut('server/src/analysis/analyze.js');
	if (analyze.error) return { error: analyze.error };
	const rules = loadOut('rules/index.js');
	if (rules.error) return { error: rules.error };
	const loader = loadOut('server/src/analysis/arm/loader.js');
	const engine = loadOut('server/src/analysis/engine.js');
	return { analyze: analyze.mod, rules: rules.mod.allRules, loader: loader.mod, engine: engine.mod };
}

/**
 * Time `fns` (name → function) interleaved, one round = each function once. Warm-up: at least `warmup`
 * rounds and `warmupMs`, then until steady (see warmUp); then at least `reps` timed rounds, more while under
 * `minMs`, at most `maxReps`; stop early past `budgetMs`. Medians in ms. No GC is forced between runs (steady
 * state, as in the server and the CLI) unless `forceGc`.
 */
function measure(fns, { warmup, reps, warmupMs = 1000, minMs = 1000, maxReps = 1000, budgetMs = Infinity, mem, forceGc = task.forceGc ?? false }) {
	const names = Object.keys(fns);
	const times = Object.fromEntries(names.map((n) => [n, []]));
	warmUp(fns, names, warmup, warmupMs);
	const start = now();
	for (let i = 0; i < reps || (now() - start < minMs && i < maxReps); i++) {
		for (const n of names) {
			if (forceGc) gc();
			const t = now();
			const r = fns[n]();
			times[n].push(now() - t);
			mem?.sample();
			void r;
		}
		if (i >= 2 && now() - start > budgetMs) break;
	}
	const stat = (f) => Object.fromEntries(names.map((n) => [n, round(f(times[n]))]));
	// The mean includes the occasional major GC that a median of small inputs hides.
	return { median: stat(median), mean: stat((xs) => xs.reduce((a, x) => a + x, 0) / xs.length), min: stat((xs) => Math.min(...xs)), runs: times[names[0]].length };
}

/**
 * Run rounds until V8 has finished optimising: at least `warmup` rounds and `warmupMs`, then batches until the
 * slowest function's batch median stays within 2 % twice in a row (the analysis of a 10 KB template needs some 2,500
 * calls: a fixed 1,000 left its timed runs 15-25 % slower than steady state). At most 20 s.
 */
function warmUp(fns, names, warmup, warmupMs) {
	const w0 = now();
	let rounds = 0;
	const round1 = () => {
		let slowest = 0;
		for (const n of names) {
			const t = now();
			fns[n]();
			slowest = Math.max(slowest, now() - t);
		}
		rounds++;
		return slowest;
	};
	while (rounds < warmup || now() - w0 < warmupMs) round1();
	// Batches of about 100 ms (at least 3 rounds).
	let previous;
	let steady = 0;
	while (now() - w0 < 20_000) {
		const b0 = now();
		const batch = [];
		while (batch.length < 3 || now() - b0 < 100) batch.push(round1());
		const m = median(batch);
		steady = previous !== undefined && Math.abs(m - previous) <= 0.02 * previous ? steady + 1 : 0;
		if (steady >= 2) return;
		previous = m;
	}
}

// ---------------------------------------------------------------------------------------------- ARM

function armTask() {
	const c = core();
	if (c.error) return { skipped: c.error };
	const { parseTree } = require('jsonc-parser');
	const text = readFileSync(task.file, 'utf8');
	const uri = uriOf(task.file);
	const host = fsHost();
	const mem = new MemorySampler();
	const opts = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };
	const check = c.analyze.analyzeDocument(uri, text, host, c.rules, {});
	const m = measure(
		{
			parse: () => parseTree(text, [], opts),
			full: () => c.analyze.analyzeDocument(uri, text, host, c.rules, {}),
		},
		{ warmup: task.warmup, reps: task.reps, mem },
	);
	// Stage breakdown (separate runs on one parse tree): the model alone, the model and every rule, the
	// model with every resource body evaluated (what a rule reading every resource would pay).
	let stages;
	if (c.loader && c.engine && task.stages !== false) {
		const parsed = c.loader.parseJson(uri, text);
		const s = measure(
			{
				model: () => c.loader.loadArmTemplate(uri, text, host, { parsed }),
				modelRules: () => c.engine.runRules(c.loader.loadArmTemplate(uri, text, host, { parsed }), c.rules, {}),
				modelRulesNoFixes: () => c.engine.runRules(c.loader.loadArmTemplate(uri, text, host, { parsed }), withoutFixes(c.rules), {}),
				bodies: () => {
					for (const r of c.loader.loadArmTemplate(uri, text, host, { parsed }).resources) void r.body;
				},
			},
			// The main loop above warmed these paths: big inputs get fewer stage runs.
			{ warmup: task.warmup > 1 ? 2 : 0, reps: Math.max(1, Math.ceil(task.reps / 3)), warmupMs: 300, minMs: 500 },
		);
		stages = {
			model: s.median.model,
			// Differences of medians: clamped at 0 (noise can make a tiny stage come out negative).
			rules: round(Math.max(0, s.median.modelRulesNoFixes - s.median.model)),
			fixes: round(Math.max(0, s.median.modelRules - s.median.modelRulesNoFixes)),
			allBodies: round(Math.max(0, s.median.bodies - s.median.model)),
		};
	}
	return {
		bytes: Buffer.byteLength(text),
		kind: check.kind,
		resources: check.template?.resources.length,
		findings: check.findings.length,
		problems: check.problems.map((p) => p.message),
		runs: m.runs,
		parseMs: m.median.parse,
		fullMs: m.median.full,
		ratio: round(m.median.full / m.median.parse, 2),
		meanMs: m.mean,
		meanRatio: round(m.mean.full / m.mean.parse, 2),
		stagesMs: stages,
		...mem.report(),
	};
}

/** The rules with their quick-fix suggestions dropped, to tell the cost of resolving fixes (text edits). */
function withoutFixes(rules) {
	const strip = (ctx) => ({ ...ctx, report: (d) => ctx.report({ ...d, suggest: undefined }) });
	return rules.map((r) => ({
		...r,
		check: r.check && ((ctx) => r.check(strip(ctx))),
		checkTemplate: r.checkTemplate && ((ctx) => r.checkTemplate(strip(ctx))),
	}));
}

// -------------------------------------------------------------------------------------------- Bicep

async function bicepParser() {
	const p = loadOut('server/src/analysis/bicep/parser.js');
	if (p.error) return { error: p.error };
	try {
		await p.mod.initBicep();
	} catch (e) {
		return { error: `initBicep failed: ${firstLine(e)}` };
	}
	return { parser: p.mod };
}

async function bicepFrontEnd() {
	const i = loadOut('server/src/analysis/bicep/install.js');
	if (i.error) return { error: i.error };
	try {
		await i.mod.installBicep();
		return {};
	} catch (e) {
		return { error: `installBicep failed: ${firstLine(e)}` };
	}
}

async function bicepTask() {
	const c = core();
	const bp = await bicepParser();
	if (bp.error) return { skipped: bp.error };
	const { parseBicep, BicepDocumentCache } = bp.parser;
	const mask = loadOut('server/src/analysis/bicep/mask.js').mod;
	const text = readFileSync(task.file, 'utf8');
	const uri = uriOf(task.file);
	const host = fsHost();
	const mem = new MemorySampler();
	const result = { bytes: Buffer.byteLength(text), lines: text.split('\n').length - 1 };

	const first = parseBicep(text);
	result.syntaxErrors = first?.rootNode.hasError ?? null;
	first?.delete();

	const fe = c.error ? { error: c.error } : await bicepFrontEnd();
	const analyze = () => c.analyze.analyzeDocument(uri, text, host, c.rules, {});
	if (!fe.error) {
		const r = analyze();
		result.kind = r.kind;
		result.resources = r.template?.resources.length;
		result.findings = r.findings.length;
		result.problems = r.problems.map((p) => p.message);
	} else {
		result.analysisSkipped = fe.error;
	}

	const fns = {
		parse: () => parseBicep(text)?.delete(),
		...(fe.error ? {} : { full: analyze }),
	};
	const m = measure(fns, { warmup: task.warmup, reps: task.reps, mem, budgetMs: task.budgetMs });
	result.runs = m.runs;
	result.parseMs = m.median.parse;
	result.fullMs = m.median.full;
	result.ratio = m.median.full !== undefined ? round(m.median.full / m.median.parse, 2) : undefined;
	result.meanMs = m.mean;
	if (mask?.maskBicep) result.maskMs = measure({ mask: () => mask.maskBicep(text, {}) }, { warmup: 2, reps: 5, warmupMs: 200, minMs: 200 }).median.mask;

	// Incremental: a one-character insert and its deletion, alternately, through BicepDocumentCache.
	if (BicepDocumentCache) {
		const at = editPoint(text);
		const withChar = text.slice(0, at) + 'x' + text.slice(at);
		const cache = new BicepDocumentCache();
		cache.update(uri, text);
		let inserted = false;
		const step = () => {
			const change = inserted ? { span: { start: at, end: at + 1 }, newText: '' } : { span: { start: at, end: at }, newText: 'x' };
			inserted = !inserted;
			const t = inserted ? withChar : text;
			return { tree: cache.update(uri, t, [change]), text: t };
		};
		const incFns = { incParse: () => step() };
		if (!fe.error) {
			// What the analysis can do with the reparsed tree depends on the front end: it is handed the
			// cache's tree when the adapter accepts one (`tree` option), else it parses again itself.
			const adapter = loadOut('server/src/analysis/bicep/adapter.js').mod;
			incFns.incFull = () => {
				const { tree, text: t } = step();
				if (adapter?.loadBicepTemplate && c.engine && treeAware(adapter)) {
					const template = adapter.loadBicepTemplate(uri, t, host, { tree });
					return c.engine.runRules(template, c.rules, {});
				}
				return c.analyze.analyzeDocument(uri, t, host, c.rules, {});
			};
			result.incFullVia = adapter?.loadBicepTemplate && treeAware(adapter) ? 'loadBicepTemplate({ tree }) + runRules' : 'analyzeDocument (full reparse inside)';
		}
		const inc = measure(incFns, { warmup: 2, reps: task.incReps, budgetMs: task.budgetMs });
		result.incParseMs = inc.median.incParse;
		result.incFullMs = inc.median.incFull;
		result.incRatio = inc.median.incFull !== undefined ? round(inc.median.incFull / inc.median.incParse, 2) : undefined;
		cache.clear();
	}
	Object.assign(result, mem.report());
	return result;
}

/** Whether the adapter's loadBicepTemplate takes an already parsed tree (checked in its source text). */
function treeAware(adapter) {
	return /\btree\b/.test(String(adapter.loadBicepTemplate));
}

// ------------------------------------------------------------------------------------------- Corpus

async function corpusTask() {
	const c = core();
	if (c.error) return { skipped: c.error };
	const { parseTree } = require('jsonc-parser');
	const bp = await bicepParser();
	const fe = bp.error ? bp : await bicepFrontEnd();
	const host = fsHost();
	const mem = new MemorySampler();
	const files = [];
	for (const file of task.files) {
		const text = readFileSync(file, 'utf8');
		const uri = uriOf(file);
		const isBicep = /\.bicep(param)?$/i.test(file);
		const row = { file: path.relative(task.root, file), bytes: Buffer.byteLength(text) };
		if (isBicep && bp.error) {
			row.skipped = bp.error;
			files.push(row);
			continue;
		}
		const fns = isBicep
			? { parse: () => bp.parser.parseBicep(text, undefined, { bicepparam: /\.bicepparam$/i.test(file) })?.delete(), ...(fe.error ? {} : { full: () => c.analyze.analyzeDocument(uri, text, host, c.rules, {}) }) }
			: { parse: () => parseTree(text, [], { allowTrailingComma: true }), full: () => c.analyze.analyzeDocument(uri, text, host, c.rules, {}) };
		try {
			if (fns.full) {
				const r = fns.full();
				row.kind = r.kind;
				row.findings = r.findings.length;
			}
			const m = measure(fns, { warmup: 3, reps: 10, warmupMs: 100, minMs: 150, budgetMs: 300, mem });
			row.parseMs = m.median.parse;
			row.fullMs = m.median.full;
			row.ratio = m.median.full !== undefined ? round(m.median.full / m.median.parse, 2) : undefined;
		} catch (e) {
			row.error = firstLine(e);
		}
		files.push(row);
	}
	return { files, bicepAnalysisSkipped: fe.error, ...mem.report() };
}

// ---------------------------------------------------------------------------------------- Profiling

/** Only the full analysis, `reps` times, for `node --cpu-prof` (the run is dominated by the analysis). */
async function profileTask() {
	const c = core();
	if (c.error) return { skipped: c.error };
	if (task.kind === 'bicep') {
		const fe = await bicepFrontEnd();
		if (fe.error) return { skipped: fe.error };
	}
	const text = readFileSync(task.file, 'utf8');
	const uri = uriOf(task.file);
	const host = fsHost();
	const t = now();
	for (let i = 0; i < task.reps; i++) c.analyze.analyzeDocument(uri, text, host, c.rules, {});
	return { ms: round(now() - t, 1), reps: task.reps };
}

const run = { arm: armTask, bicep: bicepTask, corpus: corpusTask, profile: profileTask }[task.type];
try {
	emit(await run());
} catch (e) {
	emit({ error: String(e?.stack ?? e) });
}
process.exit(0);
