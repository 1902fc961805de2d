// Performance benchmark for the analyser, the language server, the CLI and the package (issue 7).
//
//   node scripts/build-tests.mjs && npm run build   # transpiled sources in out/, bundles in dist/
//   node bench/run.mjs [--check] [--quick] [--profile] [--only=arm,bicep,corpus,editor,cli,activation,package [--write]] [--keep]
//
// Writes BENCHMARKS.md (Markdown tables) and bench/results.json. Every section runs when its component
// exists and reports `skipped: <why>` otherwise. `--check` exits 1 when a budget is missed (skipped budgets
// are listed but do not fail). Workloads are generated (seeded, deterministic) into a temporary folder.

import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ARM_SIZES, BICEP_SIZES, SEED, writeWorkloads } from './gen.mjs';
import { DIST, OUT, ROOT, editPoint, firstLine, median, now, round, uriOf } from './lib.mjs';
import { positionAt, sleep, startServer, withTimeout } from './lsp.mjs';
import { summarizeProfile } from './profile.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const CHECK = flag('check');
const QUICK = flag('quick');
const PROFILE = flag('profile');
const KEEP = flag('keep');
const ONLY = option('only')?.split(',');
const CORPUS = path.resolve(option('corpus') ?? path.join(ROOT, '..', 'shared', 'corpus'));
const DEBOUNCE_MS = Number(option('debounce') ?? 200);
const CORES = os.availableParallelism?.() ?? os.cpus().length;
const SERVER = path.join(DIST, 'server.js');
const CLI = path.join(DIST, 'cli.js');
const WORKER = path.join(ROOT, 'bench', 'worker.mjs');
const q = (n) => (QUICK ? Math.max(1, Math.ceil(n / 3)) : n);
const enabled = (s) => !ONLY || ONLY.includes(s);

const started = now();
const log = (...a) => console.error(`[bench ${((now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);

const results = {
	meta: {
		date: new Date().toISOString(),
		node: process.version,
		platform: `${os.platform()} ${os.arch()}`,
		cpus: CORES,
		cpuModel: os.cpus()[0]?.model,
		memoryGB: round(os.totalmem() / 2 ** 30, 1),
		loadavgStart: os.loadavg().map((x) => round(x, 2)),
		git: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined,
		seed: SEED,
		quick: QUICK,
		debounceMs: DEBOUNCE_MS,
	},
};

// ------------------------------------------------------------------------------------------ workers

function runWorker(task, { timeoutMs = 300_000, nodeArgs = [] } = {}) {
	return new Promise((resolve) => {
		execFile(process.execPath, ['--expose-gc', ...nodeArgs, WORKER, JSON.stringify(task)], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
			const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
			if (line) {
				const r = JSON.parse(line.slice(7));
				if (r.error) r.error = r.error.split('\n').slice(0, 3).join(' | ');
				return resolve(r);
			}
			resolve({ error: err?.killed ? `timed out after ${timeoutMs} ms` : firstLine(stderr || err) });
		});
	});
}

// -------------------------------------------------------------------------------------- ARM / Bicep

const ARM_REPS = { 'arm-10k': [30, 60], 'arm-100k': [10, 25], 'arm-1m': [3, 9], 'arm-10m': [1, 3] };
const BICEP_REPS = { 'bicep-200': [10, 30, 40], 'bicep-2k': [3, 9, 20], 'bicep-10k': [1, 3, 4] };

async function armSection(manifest) {
	if (!existsSync(path.join(OUT, 'server/src/analysis/analyze.js'))) return { skipped: 'out/ not built: run node scripts/build-tests.mjs' };
	const rows = [];
	for (const w of manifest.arm) {
		const [warmup, reps] = ARM_REPS[w.id];
		log(`arm ${w.id} (${w.bytes} B)`);
		// The stage breakdown of the 10 MB template would double its (already longest) run: left out.
		rows.push({ id: w.id, ...(await runWorker({ type: 'arm', file: w.file, warmup: q(warmup), reps: Math.max(3, q(reps)), stages: w.bytes < 5e6 })) });
	}
	return { rows };
}

async function bicepSection(manifest) {
	if (!existsSync(path.join(OUT, 'server/src/analysis/bicep/parser.js'))) return { skipped: 'out/server/src/analysis/bicep/parser.js not built (Bicep front end missing, or run node scripts/build-tests.mjs)' };
	const rows = [];
	for (const w of manifest.bicep) {
		const [warmup, reps, incReps] = BICEP_REPS[w.id];
		log(`bicep ${w.id} (${w.lines} lines)`);
		rows.push({ id: w.id, ...(await runWorker({ type: 'bicep', file: w.file, warmup: q(warmup), reps: Math.max(3, q(reps)), incReps: Math.max(3, q(incReps)), budgetMs: 20_000 })) });
	}
	return { rows };
}

function listCorpus(dir) {
	const out = [];
	const walk = (d) => {
		for (const name of readdirSync(d).sort()) {
			const p = path.join(d, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (/\.(json|jsonc|bicep|bicepparam)$/i.test(name)) out.push(p);
		}
	};
	walk(dir);
	return out;
}

async function corpusSection() {
	if (!existsSync(CORPUS)) return { skipped: `${CORPUS} not present` };
	if (!existsSync(path.join(OUT, 'server/src/analysis/analyze.js'))) return { skipped: 'out/ not built: run node scripts/build-tests.mjs' };
	const files = listCorpus(CORPUS);
	log(`corpus: ${files.length} files`);
	const r = await runWorker({ type: 'corpus', files, root: CORPUS });
	if (r.error || r.skipped) return r;
	const summarize = (rows) => {
		const timed = rows.filter((x) => x.parseMs !== undefined);
		const full = timed.filter((x) => x.fullMs !== undefined);
		const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);
		return {
			files: rows.length,
			bytes: sum(rows, 'bytes'),
			templates: full.filter((x) => x.kind && x.kind !== 'other').length,
			findings: sum(full.filter((x) => x.findings !== undefined), 'findings'),
			parseMs: round(sum(timed, 'parseMs')),
			fullMs: full.length ? round(sum(full, 'fullMs')) : undefined,
			ratio: full.length ? round(sum(full, 'fullMs') / sum(full, 'parseMs'), 2) : undefined,
			maxRatio: full.length ? Math.max(...full.map((x) => x.ratio)) : undefined,
			errors: rows.filter((x) => x.error).length,
		};
	};
	const json = r.files.filter((x) => !/\.bicep(param)?$/i.test(x.file));
	const bicep = r.files.filter((x) => /\.bicep(param)?$/i.test(x.file));
	return { json: summarize(json), bicep: summarize(bicep), bicepAnalysisSkipped: r.bicepAnalysisSkipped, peakHeapMB: r.peakHeapMB, maxRssMB: r.maxRssMB, files: r.files };
}

// ------------------------------------------------------------------------------------------- Editor

async function serverCount(server, uri) {
	try {
		const r = await withTimeout(server.conn.sendRequest('iothubBaseline/analysisCount', { uri }), 5000, 'iothubBaseline/analysisCount');
		if (typeof r === 'number') return r;
		if (r && typeof r.count === 'number') return r.count;
		if (r && typeof r.document === 'number') return r.document;
		if (r && typeof r[uri] === 'number') return r[uri];
		return undefined;
	} catch {
		return undefined;
	}
}

/** Keystrokes sent (and answered) before the timed ones: the server warms up as it would while a developer types. */
const WARM_KEYSTROKES = 10;

async function editorSection(manifest, inProcess) {
	if (!existsSync(SERVER)) return { skipped: 'dist/server.js not built (language server missing, or run npm run build)' };
	const dir = path.join(manifest.dir, 'editor');
	mkdirSync(dir, { recursive: true });
	cpSync(path.join(manifest.dir, 'modules'), path.join(dir, 'modules'), { recursive: true });
	const docs = [
		{ id: 'arm-1m', languageId: 'json', trials: q(10), burst: true, budget: true },
		{ id: 'bicep-2k', languageId: 'bicep', trials: q(10), burst: true, budget: true },
		{ id: 'bicep-10k', languageId: 'bicep', trials: q(5), burst: false, budget: false },
	];
	const settings = { enable: true, debounceMs: DEBOUNCE_MS, reportUnknown: false };
	let server;
	try {
		server = await startServer({ serverPath: SERVER, cwd: dir, rootUri: uriOf(dir), settings });
	} catch (e) {
		return { skipped: `server did not start: ${firstLine(e)}` };
	}
	const rows = [];
	const hasCountRequest = (await serverCount(server, 'file:///none')) !== undefined;
	try {
		for (const d of docs) {
			const src = [...manifest.arm, ...manifest.bicep].find((w) => w.id === d.id);
			const file = path.join(dir, path.basename(src.file));
			cpSync(src.file, file);
			const uri = uriOf(file);
			let text = readFileSync(file, 'utf8');
			let version = 1;
			const row = { id: d.id, fullMs: inProcess[d.id]?.fullMs };
			log(`editor ${d.id}`);
			try {
				const t0 = now();
				const first = server.nextDiagnostics(uri, undefined, 180_000);
				server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: d.languageId, version, text } });
				const e0 = await first;
				row.openToDiagnosticsMs = round(e0.t - t0, 1);
				row.diagnostics = e0.count;
				await sleep(DEBOUNCE_MS + 100);
				const at = editPoint(text);
				const incremental = server.syncKind === 2;
				// The edit is prepared first and then sent: the client's own work on a 1 MB text (splicing it,
				// finding the line of the offset) is not the server's latency.
				const prepare = (insert, offset, ch) => {
					const before = text;
					text = insert ? text.slice(0, offset) + ch + text.slice(offset) : text.slice(0, offset) + text.slice(offset + 1);
					version++;
					const range = { start: positionAt(before, offset), end: positionAt(before, insert ? offset : offset + 1) };
					const params = { textDocument: { uri, version }, contentChanges: [incremental ? { range, text: insert ? ch : '' } : { text }] };
					return () => server.conn.sendNotification('textDocument/didChange', params);
				};
				const change = (insert, offset, ch) => prepare(insert, offset, ch)();
				// Keystroke → diagnostics: insert a character, then delete it, alternately; one at a time. The first
				// WARM_KEYSTROKES are not in the median (the server's code is still being optimised: its first
				// analyses of a 1 MB template take 2-4 × its steady-state time); the very first is reported apart.
				const lat = [];
				const total = WARM_KEYSTROKES + d.trials;
				for (let k = 0; k < total; k++) {
					const next = server.nextDiagnostics(uri, version + 1, 60_000);
					const send = prepare(k % 2 === 0, at, 'x');
					const t = now();
					send();
					const e = await next;
					if (k === 0) row.firstLatencyMs = round(e.t - t, 1);
					if (k >= WARM_KEYSTROKES) lat.push(e.t - t);
					await sleep(50);
				}
				if (total % 2 === 1) {
					const next = server.nextDiagnostics(uri, version + 1, 60_000);
					change(false, at, 'x');
					await next;
				}
				row.trials = lat.length;
				row.latencyMs = round(median(lat), 1);
				row.latencyMaxMs = round(Math.max(...lat), 1);
				if (d.budget && row.fullMs !== undefined) row.latencyBudgetMs = round(DEBOUNCE_MS + 2 * row.fullMs, 1);
				if (d.burst) {
					// 20 keystrokes 50 ms apart (a fast typist), then wait for the last version's diagnostics.
					await sleep(DEBOUNCE_MS + 100);
					const c0 = hasCountRequest ? await serverCount(server, uri) : undefined;
					const p0 = server.published.length;
					const tb = now();
					for (let k = 0; k < 20; k++) {
						change(true, at + k, String.fromCharCode(97 + k));
						await sleep(50);
					}
					await server.nextDiagnostics(uri, version, 60_000).catch(() => undefined);
					await sleep(2 * DEBOUNCE_MS + 2 * (row.fullMs ?? 100));
					const publishes = server.published.slice(p0).filter((e) => e.uri === uri && e.t >= tb).length;
					const c1 = hasCountRequest ? await serverCount(server, uri) : undefined;
					row.burst = { keystrokes: 20, intervalMs: 50, publishes };
					if (c0 !== undefined && c1 !== undefined) row.burst.analyses = c1 - c0;
				}
			} catch (e) {
				row.error = firstLine(e);
			}
			server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
			rows.push(row);
		}
	} finally {
		await server.stop();
	}
	return { rows, hasCountRequest, syncKind: server.syncKind };
}

// ---------------------------------------------------------------------------------------------- CLI

function timeProcess(args, opts = {}) {
	return new Promise((resolve) => {
		const t = now();
		const child = spawn(process.execPath, args, { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d) => {
			if (stderr.length < 10_000) stderr += d;
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			resolve({ ms: now() - t, code, signal, stderr });
		});
	});
}

/** Processes started together, timed until the last ends; the outcome of the first that failed, if any. */
async function timeProcesses(argsList, opts) {
	const t = now();
	const all = await Promise.all(argsList.map((args) => timeProcess(args, opts)));
	const failed = all.find((r) => r.signal || (r.code !== 0 && r.code !== 1));
	return { ...(failed ?? all[0]), ms: now() - t };
}

async function cliSection(manifest) {
	if (!existsSync(CLI)) return { skipped: 'dist/cli.js not built (CLI missing, or run npm run build)' };
	const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 30_000 });
	const helpText = `${help.stdout}\n${help.stderr}`;
	const jobsFlag = /--jobs\b/.test(helpText) ? '--jobs' : /--workers\b/.test(helpText) ? '--workers' : undefined;
	const repo = manifest.repo.dir;
	const configs = jobsFlag
		? [
				{ id: 'one worker', args: [jobsFlag, '1'] },
				{ id: `all cores (${CORES})`, args: [jobsFlag, String(CORES)] },
			]
		: [{ id: 'default (no --jobs option)', args: [] }];
	// The most any split of the work could gain on this machine: CORES separate processes of one thread, each
	// given 1/CORES of the repository's folders, timed until the last one ends (no threads, no messages).
	const folders = readdirSync(repo).sort();
	if (jobsFlag && CORES > 1 && folders.length >= CORES) {
		const share = Math.ceil(folders.length / CORES);
		const parts = Array.from({ length: CORES }, (_, i) => folders.slice(i * share, (i + 1) * share).map((f) => path.join(repo, f))).filter((p) => p.length);
		configs.push({ id: `ceiling: ${parts.length} processes, one thread each, 1/${parts.length} of the folders each`, args: [jobsFlag, '1'], parts });
	}
	const rows = [];
	const reps = q(3);
	for (const c of configs) {
		log(`cli ${c.id}`);
		const runs = [];
		for (let i = 0; i < reps; i++) {
			const r = c.parts ? await timeProcesses(c.parts.map((dirs) => [CLI, ...c.args, ...dirs]), { cwd: manifest.dir }) : await timeProcess([CLI, ...c.args, repo], { cwd: manifest.dir });
			runs.push(r);
			if (r.signal || (r.code !== 0 && r.code !== 1)) break; // a crash or a usage error: no point repeating
			if (r.ms > 60_000 || (i === 1 && runs[0].ms > 15_000)) break; // slow: fewer runs keep the bench short
		}
		const last = runs[runs.length - 1];
		const ok = runs.filter((r) => !r.signal && (r.code === 0 || r.code === 1));
		rows.push({
			id: c.id,
			args: c.parts ? `${c.args.join(' ')} <folders>` : c.args.join(' '),
			runs: ok.length,
			ms: ok.length ? round(median(ok.map((r) => r.ms)), 1) : undefined,
			exitCode: last.code,
			error: ok.length ? undefined : `exit ${last.code ?? last.signal}: ${last.stderr.trim().split('\n').slice(-2).join(' | ')}`,
		});
	}
	return { jobsFlag, templates: manifest.repo.templates, files: manifest.repo.files, bytes: manifest.repo.bytes, rows };
}

// ----------------------------------------------------------------------------- Activation / package

function fileSize(p) {
	return existsSync(p) ? statSync(p).size : undefined;
}

async function activationSection() {
	const bundles = {};
	if (existsSync(DIST)) for (const f of readdirSync(DIST).sort()) if (/\.(js|wasm)$/.test(f)) bundles[f] = fileSize(path.join(DIST, f));
	const base = [];
	const reps = q(9);
	await timeProcess(['-e', '0']);
	for (let i = 0; i < reps; i++) base.push((await timeProcess(['-e', '0'])).ms);
	const out = { bundles, nodeBareMs: round(median(base), 1) };
	if (!existsSync(SERVER)) return { ...out, skipped: 'dist/server.js not built' };
	const init = [];
	try {
		for (let i = 0; i <= reps; i++) {
			const s = await startServer({ serverPath: SERVER, cwd: os.tmpdir(), settings: { enable: true } });
			if (i > 0) init.push(s.initializeMs); // the first run warms the file cache
			await s.stop();
		}
	} catch (e) {
		return { ...out, skipped: `server did not answer initialize: ${firstLine(e)}` };
	}
	out.serverInitializeMs = round(median(init), 1);
	out.ratio = round(out.serverInitializeMs / out.nodeBareMs, 2);
	return out;
}

function packageSection(workDir) {
	const existing = path.join(DIST, 'iothub-security-baseline.vsix');
	const serverTime = existsSync(SERVER) ? statSync(SERVER).mtimeMs : 0;
	if (existsSync(existing) && statSync(existing).mtimeMs >= serverTime) return { vsix: path.relative(ROOT, existing), bytes: fileSize(existing) };
	if (!existsSync(SERVER)) return { skipped: 'dist/ not built: no .vsix to measure' };
	// Package into the temporary folder (the repository is not touched).
	const out = path.join(workDir, 'bench.vsix');
	const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
	log('package: vsce package');
	const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: ROOT, input: '', encoding: 'utf8', timeout: 120_000 });
	if (r.status !== 0 || !existsSync(out)) {
		const why = (r.stderr || r.stdout || String(r.error)).trim().split('\n').filter(Boolean).pop()?.replace(/\s+/g, ' ').slice(0, 300);
		return { skipped: `vsce package failed: ${why}`, estimate: estimateVsix() };
	}
	const ls = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
	return { vsix: '(packaged by the benchmark into a temporary folder)', bytes: fileSize(out), files: ls.status === 0 ? ls.stdout.trim().split('\n').filter(Boolean) : undefined };
}

/**
 * Lower bound of the .vsix size when vsce cannot package: the files it must contain (dist/, package.json,
 * README, LICENSE), deflated one by one as in the zip. Anything else vsce would add only makes it bigger.
 */
function estimateVsix() {
	const files = [...readdirSync(DIST).filter((f) => /\.(js|wasm)$/.test(f)).map((f) => path.join(DIST, f)), ...['package.json', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md'].map((f) => path.join(ROOT, f)).filter(existsSync)];
	let bytes = 2048; // [Content_Types].xml, extension.vsixmanifest, zip directory
	for (const f of files) bytes += deflateRawSync(readFileSync(f)).length + 100;
	return { bytes, files: files.map((f) => path.relative(ROOT, f)) };
}

// ---------------------------------------------------------------------------------------- profiling

async function profileSection(manifest) {
	if (!existsSync(path.join(OUT, 'server/src/analysis/analyze.js'))) return { skipped: 'out/ not built' };
	const profDir = path.join(manifest.dir, 'profiles');
	rmSync(profDir, { recursive: true, force: true });
	mkdirSync(profDir, { recursive: true });
	const out = {};
	for (const [id, type, reps] of [
		['arm-1m', 'arm', 15],
		['arm-10k', 'arm', 2000],
		['bicep-2k', 'bicep', 10],
	]) {
		const w = [...manifest.arm, ...manifest.bicep].find((x) => x.id === id);
		const dir = path.join(profDir, id);
		mkdirSync(dir, { recursive: true });
		log(`profile ${id}`);
		const r = await runWorker({ type: 'profile', kind: type, file: w.file, reps }, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'] });
		if (r.error || r.skipped) {
			out[id] = { skipped: r.error ?? r.skipped };
			continue;
		}
		const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
		out[id] = prof ? { ms: r.ms, reps: r.reps, ...summarizeProfile(path.join(dir, prof), { top: 15 }) } : { skipped: 'no .cpuprofile written' };
	}
	return out;
}

// ------------------------------------------------------------------------------------------ budgets

function budgets(r) {
	const list = [];
	const add = (id, description, limit, actual, pass, why) => list.push({ id, description, limit, actual, status: pass === undefined ? 'skipped' : pass ? 'pass' : 'fail', why });
	const armRows = r.arm?.rows ?? [];
	for (const s of ARM_SIZES) {
		const x = armRows.find((y) => y.id === s.id);
		const ok = x && x.ratio !== undefined && !x.error;
		add(`arm-ratio-${s.id}`, `ARM ${s.id}: full analysis ≤ 1.5 × parse`, '1.5×', ok ? `${x.ratio}×` : undefined, ok ? x.ratio <= 1.5 : undefined, ok ? `${x.fullMs} ms vs ${x.parseMs} ms` : (x?.error ?? x?.skipped ?? r.arm?.skipped ?? 'not run'));
	}
	for (let i = 1; i < ARM_SIZES.length; i++) {
		const a = armRows.find((y) => y.id === ARM_SIZES[i - 1].id);
		const b = armRows.find((y) => y.id === ARM_SIZES[i].id);
		const ok = a?.fullMs && b?.fullMs;
		const growth = ok ? b.fullMs / b.bytes / (a.fullMs / a.bytes) : undefined;
		add(`arm-linear-${ARM_SIZES[i].id}`, `ARM ${ARM_SIZES[i - 1].id} → ${ARM_SIZES[i].id}: time per byte ≤ 1.2 × (10× input ≤ 12× time)`, '1.2', ok ? round(growth, 2) : undefined, ok ? growth <= 1.2 : undefined, ok ? `${round(b.fullMs / a.fullMs, 1)}× time for ${round(b.bytes / a.bytes, 1)}× bytes` : 'not run');
	}
	const bicepRows = r.bicep?.rows ?? [];
	for (const s of BICEP_SIZES) {
		const x = bicepRows.find((y) => y.id === s.id);
		const why = x?.analysisSkipped ?? x?.error ?? x?.skipped ?? r.bicep?.skipped ?? 'not run';
		const okInc = x?.incRatio !== undefined;
		add(`bicep-incremental-${s.id}`, `Bicep ${s.id}: one-character edit, incremental reparse + analysis ≤ 1.5 × incremental reparse`, '1.5×', okInc ? `${x.incRatio}×` : undefined, okInc ? x.incRatio <= 1.5 : undefined, okInc ? `${x.incFullMs} ms vs ${x.incParseMs} ms (${x.incFullVia})` : why);
		const okFull = x?.ratio !== undefined;
		add(`bicep-ratio-${s.id}`, `Bicep ${s.id}: full analysis ≤ 1.5 × full parse`, '1.5×', okFull ? `${x.ratio}×` : undefined, okFull ? x.ratio <= 1.5 : undefined, okFull ? `${x.fullMs} ms vs ${x.parseMs} ms` : why);
	}
	const edRows = r.editor?.rows ?? [];
	for (const id of ['arm-1m', 'bicep-2k']) {
		const x = edRows.find((y) => y.id === id);
		const ok = x?.latencyMs !== undefined && x?.latencyBudgetMs !== undefined;
		add(`editor-latency-${id}`, `Editor ${id}: keystroke → publishDiagnostics ≤ debounce + 2 × full analysis`, ok ? `${x.latencyBudgetMs} ms` : `${DEBOUNCE_MS} ms + 2 × full`, ok ? `${x.latencyMs} ms` : undefined, ok ? x.latencyMs <= x.latencyBudgetMs : undefined, ok ? `median of ${x.trials} after ${WARM_KEYSTROKES} untimed; max ${x.latencyMaxMs} ms; first keystroke ${x.firstLatencyMs} ms` : (x?.error ?? r.editor?.skipped ?? (x && x.fullMs === undefined ? 'no in-process full-analysis time to compare with' : 'not run')));
		const b = x?.burst;
		add(`editor-burst-${id}`, `Editor ${id}: 20-keystroke burst triggers ≤ 2 analyses`, '2', b?.analyses, b?.analyses !== undefined ? b.analyses <= 2 : undefined, b?.analyses !== undefined ? `${b.publishes} publishDiagnostics` : b ? `pending: the server has no iothubBaseline/analysisCount request (${b.publishes} publishDiagnostics seen during the burst)` : (x?.error ?? r.editor?.skipped ?? 'not run'));
	}
	const cli = r.cli;
	if (cli?.rows) {
		const one = cli.rows.find((x) => x.id === 'one worker');
		const all = cli.rows.find((x) => x.id.startsWith('all cores'));
		const ok = one?.ms && all?.ms && CORES >= 2;
		add('cli-scaling', 'CLI, 2,000 templates: all cores ≥ 1.6 × faster than one worker', '1.6×', ok ? `${round(one.ms / all.ms, 2)}×` : undefined, ok ? one.ms / all.ms >= 1.6 : undefined, ok ? `${one.ms} ms vs ${all.ms} ms on ${CORES} cores` : !cli.jobsFlag ? 'pending: the CLI has no --jobs option yet' : CORES < 2 ? 'needs ≥ 2 cores' : (one?.error ?? all?.error ?? 'not run'));
	} else add('cli-scaling', 'CLI, 2,000 templates: all cores ≥ 1.6 × faster than one worker', '1.6×', undefined, undefined, cli?.skipped ?? 'not run');
	const pkg = r.package;
	const limit = 1.5 * 2 ** 20;
	if (pkg?.bytes !== undefined) add('package-vsix', 'Package: .vsix ≤ 1.5 MB', '1.5 MB', `${round(pkg.bytes / 2 ** 20, 2)} MB`, pkg.bytes <= limit, `${pkg.bytes} bytes`);
	else if (pkg?.estimate) {
		// The estimate is a lower bound: over the limit is a sure failure, under it proves nothing.
		const e = pkg.estimate.bytes;
		add('package-vsix', 'Package: .vsix ≤ 1.5 MB', '1.5 MB', `≥ ${round(e / 2 ** 20, 2)} MB (estimate)`, e > limit ? false : undefined, `${pkg.skipped}; lower-bound estimate from dist/ + package.json/README deflated: ${e} bytes`);
	} else add('package-vsix', 'Package: .vsix ≤ 1.5 MB', '1.5 MB', undefined, undefined, pkg?.skipped ?? 'not run');
	const act = r.activation;
	add('activation', 'Server: load dist/server.js and answer initialize ≤ 3 × bare node -e 0', '3×', act?.ratio !== undefined ? `${act.ratio}×` : undefined, act?.ratio !== undefined ? act.ratio <= 3 : undefined, act?.ratio !== undefined ? `${act.serverInitializeMs} ms vs ${act.nodeBareMs} ms` : (act?.skipped ?? 'not run'));
	return list;
}

// ---------------------------------------------------------------------------------------- Markdown

const fmt = (x, d = 2) => (x === undefined || x === null ? '–' : typeof x === 'number' ? (Number.isInteger(x) || Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(d)) : String(x));
const kb = (b) => (b === undefined ? '–' : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(2)} MB` : `${(b / 1024).toFixed(1)} KB`);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const skippedLine = (s) => `skipped: ${s}`;

function markdown(r) {
	const m = r.meta;
	const L = [];
	L.push('# Benchmarks', '');
	L.push(`Generated by \`npm run bench\` (\`bench/run.mjs\`, issue 7) on ${m.date.slice(0, 10)}. Raw numbers: \`bench/results.json\`. Regenerate rather than edit.`, '');
	L.push(table(['machine', 'value'], [
		['cores', String(m.cpus)],
		['CPU', m.cpuModel ?? '–'],
		['memory', `${m.memoryGB} GB`],
		['Node', m.node],
		['platform', m.platform],
		['load average (start → end)', `${m.loadavgStart.join(' / ')} → ${m.loadavgEnd?.join(' / ') ?? '–'}`],
		['commit', m.git ?? '–'],
		['run time', `${m.durationS} s${m.quick ? ' (--quick)' : ''}`],
	]));
	const busy = Math.max(m.loadavgStart[0], m.loadavgEnd?.[0] ?? 0);
	if (busy > m.cpus) L.push('', `**The machine was busy** (load average up to ${busy} on ${m.cpus} cores): absolute times are inflated and noisy, GC-heavy runs most (V8's parallel GC helper threads wait for a core). Compare ratios, and re-run on an idle machine before trusting a close call.`);
	L.push('', 'Times are medians of repeated runs in one process after warm-up (a fresh process per workload; warm-up is at least a second and lasts until the timings are steady, since V8 needs thousands of calls to finish optimising the analysis of a small file; no GC is forced between runs, as in the server and the CLI; means, which include the occasional major GC, are in results.json). "parse" is jsonc-parser `parseTree` (ARM) or `parseBicep` = mask + tree-sitter parse (Bicep); "full" is `analyzeDocument` with every rule (parse + model + evaluation + rules). Peak heap is sampled after each timed run; RSS is the process maximum.', '');

	L.push('## Budgets', '');
	L.push(table(['budget', 'limit', 'actual', 'status', 'detail'], r.budgets.map((b) => [b.description, b.limit ?? '–', fmt(b.actual), b.status === 'fail' ? '**FAIL**' : b.status, b.why ?? ''])));

	L.push('', '## ARM templates', '');
	if (r.arm?.skipped) L.push(skippedLine(r.arm.skipped));
	else
		L.push(table(['workload', 'size', 'resources', 'runs', 'parse ms', 'full ms', 'full / parse', 'MB/s (full)', 'stages ms: model / rules / fixes / +all bodies', 'peak heap MB', 'max RSS MB'], (r.arm?.rows ?? []).map((x) =>
			x.error || x.skipped ? [x.id, '', '', '', '', '', '', '', skippedLine(x.error ?? x.skipped), '', ''] : [x.id, kb(x.bytes), fmt(x.resources), fmt(x.runs), fmt(x.parseMs), fmt(x.fullMs), fmt(x.ratio), fmt(x.bytes / 2 ** 20 / (x.fullMs / 1000), 1), x.stagesMs ? [x.stagesMs.model, x.stagesMs.rules, x.stagesMs.fixes, x.stagesMs.allBodies].map((v) => fmt(v)).join(' / ') : '–', fmt(x.peakHeapMB, 1), fmt(x.maxRssMB, 1)])));

	L.push('', '## Bicep files', '');
	if (r.bicep?.skipped) L.push(skippedLine(r.bicep.skipped));
	else {
		L.push(table(['workload', 'lines', 'size', 'runs', 'parse ms (mask)', 'full ms', 'full / parse', 'incremental reparse ms', 'incremental + analysis ms', 'inc ratio', 'peak heap MB', 'max RSS MB'], (r.bicep?.rows ?? []).map((x) =>
			x.error || x.skipped ? [x.id, '', '', '', skippedLine(x.error ?? x.skipped), '', '', '', '', '', '', ''] : [x.id, fmt(x.lines), kb(x.bytes), fmt(x.runs), `${fmt(x.parseMs)} (${fmt(x.maskMs)})`, fmt(x.fullMs), fmt(x.ratio), fmt(x.incParseMs), fmt(x.incFullMs), fmt(x.incRatio), fmt(x.peakHeapMB, 1), fmt(x.maxRssMB, 1)])));
		const skippedAnalysis = (r.bicep?.rows ?? []).find((x) => x.analysisSkipped);
		if (skippedAnalysis) L.push('', `Bicep analysis ${skippedLine(skippedAnalysis.analysisSkipped)}`);
		const via = (r.bicep?.rows ?? []).find((x) => x.incFullVia)?.incFullVia;
		if (via) L.push('', `Incremental + analysis is measured through: ${via}.`);
		L.push('', 'The 10,000-line parse is superlinear in the grammar (member expressions `a.b`, see ../shared/notes/editor-testing.md); it is reported, and held only to the ratio budgets.');
	}

	L.push('', '## Corpus (`../shared/corpus/`)', '');
	if (r.corpus?.skipped || r.corpus?.error) L.push(skippedLine(r.corpus.skipped ?? r.corpus.error));
	else {
		L.push(table(['format', 'files', 'size', 'templates', 'findings', 'Σ parse ms', 'Σ full ms', 'Σ full / Σ parse', 'worst file ratio', 'errors'], [['ARM JSON', r.corpus.json], ['Bicep', r.corpus.bicep]].map(([n, s]) => [n, fmt(s.files), kb(s.bytes), fmt(s.templates), fmt(s.findings), fmt(s.parseMs), fmt(s.fullMs), fmt(s.ratio), fmt(s.maxRatio), fmt(s.errors)])));
		if (r.corpus.bicepAnalysisSkipped) L.push('', `Bicep analysis ${skippedLine(r.corpus.bicepAnalysisSkipped)}`);
		L.push('', 'Corpus files are small (a few KB): per-file ratios there are dominated by fixed per-document costs, so they are reported, not budgeted.');
	}

	L.push('', '## Editor path (real server over stdio)', '');
	if (r.editor?.skipped) L.push(skippedLine(r.editor.skipped));
	else {
		L.push(`\`node dist/server.js --stdio\`, debounce ${DEBOUNCE_MS} ms, text sync ${r.editor.syncKind === 2 ? 'incremental' : 'full'}; one-character didChange → publishDiagnostics of that version: the first keystroke after opening apart (cold code), then the median of the keystrokes after ${WARM_KEYSTROKES} untimed ones. Burst: 20 keystrokes 50 ms apart; analyses counted with \`iothubBaseline/analysisCount\`${r.editor.hasCountRequest ? '' : ' (not available: pending)'}.`, '');
		L.push(table(['document', 'open → diagnostics ms', 'first keystroke → diagnostics ms', `keystroke → diagnostics ms (median / max, after ${WARM_KEYSTROKES})`, 'budget ms', 'burst: analyses', 'burst: publishes'], r.editor.rows.map((x) => [x.id, x.error ? skippedLine(x.error) : fmt(x.openToDiagnosticsMs), x.error ? '' : fmt(x.firstLatencyMs), x.error ? '' : `${fmt(x.latencyMs)} / ${fmt(x.latencyMaxMs)}`, fmt(x.latencyBudgetMs), fmt(x.burst?.analyses ?? (x.burst ? 'pending' : undefined)), fmt(x.burst?.publishes)])));
	}

	L.push('', '## CLI (2,000-template repository)', '');
	if (r.cli?.skipped) L.push(skippedLine(r.cli.skipped));
	else {
		L.push(`${r.cli.templates} templates (${r.cli.files} files with parameter files, ${kb(r.cli.bytes)}), whole-process time of \`node dist/cli.js ${r.cli.jobsFlag ?? ''} <dir>\`.${r.cli.jobsFlag ? '' : ' **`--jobs` pending**: the CLI has no workers option yet, so only the default is measured.'}`, '');
		L.push(table(['configuration', 'args', 'runs', 'ms', 'exit code', 'note'], r.cli.rows.map((x) => [x.id, x.args ? `\`${x.args}\`` : '', fmt(x.runs), fmt(x.ms), fmt(x.exitCode), x.error ?? ''])));
	}

	L.push('', '## Activation and package', '');
	const a = r.activation ?? {};
	const rows = Object.entries(a.bundles ?? {}).map(([f, b]) => [`dist/${f}`, kb(b)]);
	rows.push(['.vsix', r.package?.bytes !== undefined ? kb(r.package.bytes) : `${skippedLine(r.package?.skipped ?? 'not run')}${r.package?.estimate ? ` (lower-bound estimate ${kb(r.package.estimate.bytes)})` : ''}`]);
	rows.push(['bare `node -e 0` (spawn → exit) ms', fmt(a.nodeBareMs)]);
	rows.push(['`node dist/server.js --stdio` (spawn → initialize answered) ms', a.serverInitializeMs !== undefined ? fmt(a.serverInitializeMs) : skippedLine(a.skipped ?? 'not run')]);
	rows.push(['ratio', fmt(a.ratio)]);
	L.push(table(['item', 'value'], rows));

	if (r.profile) {
		L.push('', '## CPU profiles (`--profile`)', '');
		for (const [id, p] of Object.entries(r.profile)) {
			if (p.skipped) {
				L.push(`${id}: ${skippedLine(p.skipped)}`, '');
				continue;
			}
			L.push(`### ${id} (${fmt(p.totalMs)} ms sampled)`, '');
			L.push(table(['function', 'self %', 'total %'], p.top.map((f) => [`\`${f.name}\``, fmt(f.selfPct, 1), fmt(f.totalPct, 1)])));
			const inc = Object.entries(p.inclusivePct ?? {}).slice(0, 10);
			if (inc.length) L.push('', `Inclusive: ${inc.map(([k, v]) => `\`${k.replace(/ \(.*/, '')}\` ${fmt(v, 1)} %`).join(', ')}.`);
			L.push('');
		}
	}
	return L.join('\n') + '\n';
}

// --------------------------------------------------------------------------------------------- main

async function main() {
	const workDir = path.join(os.tmpdir(), `iothub-baseline-bench-${SEED}`);
	rmSync(workDir, { recursive: true, force: true });
	log(`generating workloads in ${workDir}`);
	const manifest = writeWorkloads(workDir, { repo: enabled('cli') });
	results.workloads = {
		dir: workDir,
		arm: manifest.arm.map(({ id, bytes }) => ({ id, bytes })),
		bicep: manifest.bicep.map(({ id, bytes, lines }) => ({ id, bytes, lines })),
		repo: manifest.repo && { templates: manifest.repo.templates, files: manifest.repo.files, bytes: manifest.repo.bytes },
	};
	const notRun = { skipped: 'not selected (--only)' };
	results.arm = enabled('arm') ? await armSection(manifest) : notRun;
	results.bicep = enabled('bicep') ? await bicepSection(manifest) : notRun;
	results.corpus = enabled('corpus') ? await corpusSection() : notRun;
	const inProcess = Object.fromEntries([...(results.arm.rows ?? []), ...(results.bicep.rows ?? [])].map((x) => [x.id, x]));
	results.editor = enabled('editor') ? await editorSection(manifest, inProcess).catch((e) => ({ skipped: `error: ${firstLine(e)}` })) : notRun;
	results.cli = enabled('cli') ? await cliSection(manifest) : notRun;
	results.activation = enabled('activation') ? await activationSection().catch((e) => ({ skipped: `error: ${firstLine(e)}` })) : notRun;
	results.package = enabled('package') ? packageSection(workDir) : notRun;
	if (PROFILE) results.profile = await profileSection(manifest);
	results.meta.loadavgEnd = os.loadavg().map((x) => round(x, 2));
	results.meta.durationS = round((now() - started) / 1000, 1);
	results.budgets = budgets(results);

	const md = markdown(results);
	// A partial run (--only) prints its tables but leaves the recorded results alone, unless --write.
	if (!ONLY || flag('write')) {
		writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
		writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), md);
	}
	console.log(md);
	if (!KEEP) rmSync(workDir, { recursive: true, force: true });
	else log(`workloads kept in ${workDir}`);

	const failed = results.budgets.filter((b) => b.status === 'fail');
	const skipped = results.budgets.filter((b) => b.status === 'skipped');
	for (const b of skipped) console.error(`SKIPPED ${b.id}: ${b.why}`);
	for (const b of failed) console.error(`FAIL ${b.id}: ${b.description}: ${b.actual} (limit ${b.limit}; ${b.why})`);
	console.error(`${results.budgets.length - failed.length - skipped.length} budgets pass, ${failed.length} fail, ${skipped.length} skipped (${results.meta.durationS} s)`);
	if (CHECK && failed.length > 0) process.exitCode = 1;
}

await main();
