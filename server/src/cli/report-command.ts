// `iothub-baseline report`: the baseline coverage report (every control for every IoT Hub and DPS in the
// given files) as Markdown or one self-contained HTML file. Exit codes: 0 the report was written (whatever
// it says), 2 usage or input error. Failing a build on findings is the lint command's job.

import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { formatOf } from '../analysis/analyze';
import { configParameterFile, errorsOf, findConfig, loadConfig, type LoadedConfig } from '../analysis/config';
import type { Host } from '../analysis/host';
import { analyzeForCoverage, buildCoverage, type AnalyzedDocument } from '../analysis/report/coverage';
import { renderHtml } from '../analysis/report/html';
import { renderMarkdown } from '../analysis/report/markdown';
import { catalogIds } from '../analysis/suppressions';
import type { Severity } from '../analysis/types';
import { allRules } from '../../../rules/index';
import { UsageError, fileOption, parseOrSay, parseRuleLevel, scanArgs } from './args';
import { collectFiles, displayPath, displayUriPath } from './collect-files';
import { fileSystemHost } from './fs-host';
import { readTextFile } from './read-text';
import { TOOL_NAME, toolVersion } from './tool-info';

export const REPORT_USAGE = `Usage: iothub-baseline report [options] PATH...

Writes a coverage report of the Azure security baseline for IoT Hub (MCSB v1.0): for
every IoT Hub and Device Provisioning Service deployed by the templates in PATH, every
baseline control with its status (pass, fail with rule and location, suppressed,
unknown until deployment, platform-managed, not checkable in a template, not checked).

Options:
  -f, --format markdown|html   Report format (default: markdown); html is one self-contained file
  -o, --output FILE            Write the report to FILE instead of stdout
  -p, --parameters FILE        Parameter file for a single template PATH
  -c, --config FILE            Configuration file (default: the nearest iothub-baseline.json
                               above each file, up to the repository root)
      --rule ID=LEVEL          Set a rule's level: off, info, warning or error (repeatable)
  -h, --help                   Show this help

Exit codes: 0 the report was written, 2 usage or input error.
`;

export type ReportFormat = 'markdown' | 'html';

export interface ReportOptions {
	format: ReportFormat;
	output?: string;
	parameters?: string;
	config?: string;
	levels: Record<string, Severity>;
	help: boolean;
	paths: string[];
}

interface Io {
	cwd: string;
	env: NodeJS.ProcessEnv;
	stdout: { write(s: string): unknown };
	stderr: { write(s: string): unknown };
}

export interface ReportDeps {
	/** Load the Bicep grammar when some file needs it; resolves to a failure reason, or undefined. */
	prepareBicep(files: readonly string[]): Promise<string | undefined>;
}

const FORMATS: readonly ReportFormat[] = ['markdown', 'html'];

export function parseReportArgs(argv: readonly string[], knownRules: readonly string[]): ReportOptions {
	const opts: ReportOptions = { format: 'markdown', levels: {}, help: false, paths: [] };
	scanArgs(argv, opts.paths, (option) => {
		if (fileOption(option, opts)) return;
		const { name, value, flag, once } = option;
		switch (name) {
			case '-f':
			case '--format': {
				once('--format');
				const f = value();
				if (!FORMATS.includes(f as ReportFormat)) throw new UsageError(`unknown report format '${f}' (expected ${FORMATS.join(', ')})`);
				opts.format = f as ReportFormat;
				break;
			}
			case '--rule': {
				const [id, level] = parseRuleLevel(value(), knownRules);
				opts.levels[id] = level;
				break;
			}
			case '-h':
			case '--help':
				flag();
				opts.help = true;
				break;
			default:
				throw new UsageError(`unknown option '${name}' for report (see 'iothub-baseline report --help')`);
		}
	});
	if (opts.help) return opts;
	if (opts.paths.length === 0) throw new UsageError('report: no PATH given (see --help)');
	if (opts.parameters !== undefined && opts.paths.length !== 1) throw new UsageError('--parameters needs exactly one template PATH');
	return opts;
}

/** When the report says it was made: SOURCE_DATE_EPOCH (reproducible builds) or now. */
function generatedAt(env: NodeJS.ProcessEnv): string {
	const epoch = env.SOURCE_DATE_EPOCH;
	const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function reportCommand(argv: readonly string[], io: Io, deps: ReportDeps): Promise<number> {
	const say = (line: string) => io.stderr.write(`${TOOL_NAME}: ${line}\n`);
	const opts = parseOrSay(() => parseReportArgs(argv, allRules.map((r) => r.id)), say);
	if (!opts) return 2;
	if (opts.help) {
		io.stdout.write(REPORT_USAGE);
		return 0;
	}

	const { cwd } = io;
	const collected = collectFiles(opts.paths, cwd);
	if (collected.missing.length > 0) {
		for (const m of collected.missing) say(`${m.path}: ${m.reason}`);
		return 2;
	}
	let parameterFileUri: string | undefined;
	if (opts.parameters !== undefined) {
		const abs = path.resolve(cwd, opts.parameters);
		const read = readTextFile(abs);
		if (!read.ok) {
			say(`${opts.parameters}: ${read.reason}`);
			return 2;
		}
		if (collected.files.length !== 1) {
			say('--parameters needs a template file, not a directory');
			return 2;
		}
		parameterFileUri = pathToFileURL(abs).href;
	}
	for (const n of collected.notices) say(n);
	if (collected.files.length === 0) {
		say(`no .json, .jsonc, .bicep or .bicepparam files in ${opts.paths.join(', ')}`);
		return 2;
	}
	const bicepFailure = await deps.prepareBicep(collected.files);
	if (bicepFailure) say(`Bicep support unavailable (${bicepFailure}); analysing JSON files only`);

	const fsHost = fileSystemHost();
	const host: Host = { readText: (u) => fsHost.readText(u), exists: (u) => fsHost.exists?.(u) ?? existsUri(u) };
	const catalog = catalogIds(allRules);
	// The team's configuration file: rule levels, parameter files, ignore globs and suppressions. Flags win.
	let explicitConfig: LoadedConfig | undefined;
	if (opts.config !== undefined) {
		const abs = path.resolve(cwd, opts.config);
		const read = readTextFile(abs);
		if (!read.ok) {
			say(`${opts.config}: ${read.reason}`);
			return 2;
		}
		explicitConfig = loadConfig(pathToFileURL(abs).href, read.text, catalog);
	}
	const reportedConfigs = new Set<string>();
	const configFor = (uri: string): LoadedConfig | undefined | 'error' => {
		const loaded = explicitConfig ?? findConfig(uri, host, { catalog });
		if (!loaded) return undefined;
		if (!reportedConfigs.has(loaded.uri)) {
			reportedConfigs.add(loaded.uri);
			for (const p of loaded.problems) say(`${displayUriPath(loaded.uri, cwd)}: ${p.severity}: ${p.message}`);
		}
		return errorsOf(loaded).length > 0 ? 'error' : loaded;
	};
	const documents: AnalyzedDocument[] = [];
	for (const file of collected.files) {
		const uri = pathToFileURL(file).href;
		if (!formatOf(uri)) continue;
		const read = readTextFile(file);
		if (!read.ok) {
			say(`${displayPath(file, cwd)}: ${read.reason}`);
			continue;
		}
		const config = configFor(uri);
		if (config === 'error') return 2;
		const levels = { ...config?.config.rules, ...opts.levels };
		const result = analyzeForCoverage(uri, read.text, host, allRules, {
			levels,
			parameterFileUri: parameterFileUri ?? configParameterFile(config, uri),
			config,
			catalog,
			onRuleError(ruleId, error) {
				say(`${displayPath(file, cwd)}: rule ${ruleId} failed: ${error instanceof Error ? error.message : String(error)}`);
			},
		});
		if (result.kind !== 'other') documents.push({ uri, result, levels });
	}
	if (documents.length === 0) {
		say(`no ARM/Bicep templates or parameter files found in ${opts.paths.join(', ')}`);
		return 2;
	}

	const report = buildCoverage(documents, {
		rules: allRules,
		levels: opts.levels,
		displayPath: (u) => displayUriPath(u, cwd),
		textOf: (u) => host.readText(u),
	});
	const render = { generator: `${TOOL_NAME} ${toolVersion()}`, generatedAt: generatedAt(io.env) };
	const text = opts.format === 'html' ? renderHtml(report, render) : renderMarkdown(report, render);
	if (report.subjects.length === 0) say('no IoT Hub or DPS is deployed by these files; the report says so');

	if (opts.output === undefined) {
		io.stdout.write(text);
		return 0;
	}
	try {
		writeFileSync(path.resolve(cwd, opts.output), text);
	} catch (error) {
		say(`${opts.output}: cannot write the report: ${error instanceof Error ? error.message : String(error)}`);
		return 2;
	}
	return 0;
}

function existsUri(uri: string): boolean {
	try {
		return uri.startsWith('file:') && existsSync(fileURLToPath(uri));
	} catch {
		return false;
	}
}
