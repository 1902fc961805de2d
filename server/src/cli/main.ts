// iothub-baseline: lint ARM JSON and Bicep templates against the IoT Hub security baseline from the
// command line. Files are linted one by one, or on worker threads with `--jobs N` (results are taken in
// file order either way, so the output does not depend on the number of workers). Text lines and JSON
// entries are written as each file is done; a SARIF log lists notifications about the whole run before its
// results, so it is written at the end. Exit codes: 0 clean, 1 errors or too many warnings, 2 usage or
// input error (never a stack trace).

import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { allRules } from '../../../rules/index';
import { catalogIds, metaRules } from '../analysis/suppressions';
import { parseArgs, parseOrSay, USAGE } from './args';
import { needsBicep, setUpBicep } from './bicep';
import { collectFiles, displayPath } from './collect-files';
import { resolveConfigs, type CliConfigs } from './config';
import type { FileResult, Summary } from './file-result';
import { summarize, withoutRepeats } from './file-result';
import { JsonReportWriter } from './format-json';
import { SarifReportWriter } from './format-sarif';
import { summaryLine, textLines } from './format-text';
import { lintFile } from './lint-file';
import { LintPool } from './lint-pool';
import { isLintWorker, runLintWorker } from './lint-worker';
import { Progress } from './progress';
import { reportCommand } from './report-command';
import { TOOL_NAME, toolVersion } from './tool-info';

export interface CliIo {
	cwd: string;
	env: NodeJS.ProcessEnv;
	stdout: { write(s: string): unknown; isTTY?: boolean };
	stderr: { write(s: string): unknown; isTTY?: boolean };
	/** Milliseconds, for the progress indicator (tests pass a clock). */
	now?: () => number;
}

const processIo = (): CliIo => ({ cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr });

/** Run the CLI; resolves to the exit code. Never throws for bad input: only for bugs (caught by the caller). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
	// `iothub-baseline report ...`: the baseline coverage report (a file or folder named `report` is `./report`).
	if (argv[0] === 'report') return reportCommand(argv.slice(1), io, { prepareBicep: async (files) => (needsBicep(files) ? setUpBicep() : undefined) });
	const say = (line: string) => io.stderr.write(`${TOOL_NAME}: ${line}\n`);
	const opts = parseOrSay(() => parseArgs(argv, catalogIds(allRules)), say);
	if (!opts) return 2;
	if (opts.help) {
		io.stdout.write(USAGE);
		return 0;
	}
	if (opts.version) {
		io.stdout.write(`${toolVersion()}\n`);
		return 0;
	}

	const { cwd } = io;
	const collected = collectFiles(opts.paths, cwd);
	if (collected.missing.length > 0) {
		for (const m of collected.missing) say(`${m.path}: ${m.reason}`);
		return 2;
	}
	if (opts.parameters !== undefined) {
		const problem = checkParameterFile(opts.parameters, opts.paths[0], cwd);
		if (problem) {
			say(problem);
			return 2;
		}
	}
	for (const n of collected.notices) say(n);
	if (collected.files.length === 0) {
		say(`no .json, .jsonc, .bicep or .bicepparam files in ${opts.paths.join(', ')}`);
		return 2;
	}
	const configs = resolveConfigs(collected.files, opts.config, cwd, catalogIds(allRules));
	if (configs.error) {
		say(configs.error);
		return 2;
	}
	for (const w of configs.warnings) say(w);

	const lintOptions = { cwd, levels: opts.levels, reportUnknown: opts.reportUnknown, parameterFile: opts.parameters, withoutFixes: opts.format === 'text' };
	const bicep = needsBicep(collected.files);
	const workers = Math.min(opts.jobs ?? defaultJobs(collected.files.length), collected.files.length);
	// One worker would only add its start-up to the same work: a single job runs in this thread.
	const pool = workers > 1 ? new LintPool({ script: __filename, workers, data: { options: lintOptions, configs: configs.all, bicep } }, jobsFor(collected.files, configs)) : undefined;
	const summary: Summary = { errors: 0, warnings: 0, info: 0, files: 0, suppressed: 0 };
	try {
		if (bicep) {
			const failure = pool ? await pool.bicepFailure : await setUpBicep();
			if (failure) say(`Bicep support unavailable (${failure}); analysing JSON files only`);
		}

		let sink: Sink;
		try {
			sink = opts.output !== undefined ? fileSink(path.resolve(cwd, opts.output)) : { write: (s) => void io.stdout.write(s), close() {} };
		} catch (error) {
			say(`${opts.output}: cannot write the report: ${error instanceof Error ? error.message : String(error)}`);
			return 2;
		}

		const color = opts.output === undefined && opts.format === 'text' && (opts.color ?? (io.stdout.isTTY === true && !io.env.NO_COLOR));
		const style = { color, quiet: opts.quiet, includeSuppressed: opts.includeSuppressed };
		// On a terminal, a long scan shows how far it got (stderr, redrawn in place, erased before other output).
		const progress = new Progress(io.stderr, collected.files.length, io.now);
		const text = opts.format === 'text';
		const toTerminal = opts.output === undefined && io.stdout.isTTY === true;
		const write = (s: string) => {
			// Text goes on a clean line, and so does a JSON report written to the terminal as it goes; the
			// indicator comes back on the next update.
			if (text || toTerminal) progress.clear();
			sink.write(s);
		};
		const json = opts.format === 'json' ? new JsonReportWriter(write, opts.quiet) : undefined;
		// The configuration's levels are overrides too when one file governs the whole run.
		const sarifLevels = configs.all.length === 1 ? { ...configs.all[0].config.rules, ...opts.levels } : opts.levels;
		const sarif = opts.format === 'sarif' ? new SarifReportWriter({ cwd, rules: [...allRules, ...metaRules], levels: sarifLevels, quiet: opts.quiet }) : undefined;
		const reported = new Set<string>();
		const results = pool ? pool.results() : inThisThread(collected.files, (file) => lintFile(file, { ...lintOptions, config: configs.configFor(file) }));
		try {
			let done = 0;
			for await (const linted of results) {
				const result = withoutRepeats(linted, reported);
				for (const n of result.notices) {
					progress.clear();
					say(n);
				}
				add(summary, summarize([result]));
				if (text) for (const line of textLines(result, style)) write(`${line}\n`);
				json?.add(result);
				sarif?.add(result);
				progress.update(++done);
			}
			progress.clear();
			if (text) write(`${summaryLine(summary, style)}\n`);
			json?.end(summary);
			sarif?.end(write);
		} finally {
			progress.clear();
			sink.close();
		}
	} finally {
		await pool?.close();
	}

	if (summary.files === 0) {
		say(`no ARM/Bicep templates or parameter files found in ${opts.paths.join(', ')}`);
		return 2;
	}
	if (summary.errors > 0) return 1;
	if (opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings) {
		say(`too many warnings (${summary.warnings}, at most ${opts.maxWarnings} allowed)`);
		return 1;
	}
	return 0;
}

function add(into: Summary, s: Summary): void {
	into.errors += s.errors;
	into.warnings += s.warnings;
	into.info += s.info;
	into.files += s.files;
	into.suppressed += s.suppressed;
}

interface Sink {
	write(s: string): void;
	close(): void;
}

function fileSink(file: string): Sink {
	const fd = openSync(file, 'w');
	return {
		write: (s) => void writeSync(fd, s),
		close: () => closeSync(fd),
	};
}

function checkParameterFile(parameters: string, template: string, cwd: string): string | undefined {
	try {
		if (!statSync(path.resolve(cwd, parameters)).isFile()) return `${parameters}: --parameters must name a file`;
	} catch {
		return `${parameters}: no such file or directory`;
	}
	if (statSync(path.resolve(cwd, template)).isDirectory()) return `--parameters needs a template file, and ${displayPath(path.resolve(cwd, template), cwd)} is a directory`;
	return undefined;
}

/**
 * Workers when `--jobs` is not given: none (this thread) for a small run, where starting threads costs more
 * than it saves, then one per 64 files, leaving one core free, and at most 8. The free core is not idle: V8
 * compiles and collects garbage on background threads, which keep about half a core busy per worker (on two
 * cores, two workers lint the 2,000-template benchmark no faster than this thread alone). Past 8, this
 * thread's share of the work, reading the results and writing the report, limits the gain.
 */
export function defaultJobs(files: number): number {
	return Math.max(1, Math.min(os.availableParallelism() - 1, 8, Math.ceil(files / 64)));
}

function* inThisThread(files: readonly string[], lint: (file: string) => FileResult): Generator<FileResult> {
	for (const file of files) yield lint(file);
}

/** Each file with the index of its configuration in `configs.all` (what a worker is given), -1 for none. */
function jobsFor(files: readonly string[], configs: CliConfigs): { file: string; config: number }[] {
	const index = new Map(configs.all.map((c, i) => [c.uri, i]));
	return files.map((file) => {
		const config = configs.configFor(file);
		return { file, config: config ? (index.get(config.uri) ?? -1) : -1 };
	});
}

/**
 * A lint run is short and mostly cold code: V8 optimises hundreds of functions with TurboFan on background
 * threads (about a second of CPU for the 2,000-template benchmark, repeated in every worker), which a second
 * core hides for one thread but not for two workers. Optimising only hotter functions (a 4 × larger
 * interrupt budget) and inlining less (a smaller cumulative inlining budget) cut the run's CPU by about a
 * fifth: on two cores, one thread 2.1 s → 2.1 s, two workers 2.26 s → 1.76 s (bench/cli runs, medians).
 * The flags are process-wide, so the workers share them; the language server keeps V8's defaults.
 */
function tuneCompilerForBatchRun(): void {
	v8.setFlagsFromString('--interrupt-budget=270000');
	v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
}

if (isLintWorker()) {
	// A thread started by LintPool: this file is the worker's script too, so the bundle stays one file.
	void runLintWorker();
} else if (require.main === module) {
	const fail = (error: unknown) => {
		process.stderr.write(`${TOOL_NAME}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(2);
	};
	tuneCompilerForBatchRun();
	process.on('uncaughtException', fail);
	process.on('unhandledRejection', fail);
	// `iothub-baseline ... | head` closes the pipe early: stop quietly.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
		fail(error);
	});
	main(process.argv.slice(2)).then((code) => {
		process.exitCode = code;
	}, fail);
}
