// Command-line arguments → options. Hand-written rather than util.parseArgs so that every mistake gets a
// short, one-line message of our own (the CLI prints it and exits 2).

import type { Severity } from '../analysis/types';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CliOptions {
	format: OutputFormat;
	output?: string;
	parameters?: string;
	/** `--config FILE`: this configuration for every file instead of the nearest iothub-baseline.json. */
	config?: string;
	/** Show suppressed findings in the text report. */
	includeSuppressed: boolean;
	reportUnknown: boolean;
	/** Rule id → level from `--rule ID=LEVEL` (validated against the catalog). */
	levels: Record<string, Severity>;
	color: boolean | undefined;
	quiet: boolean;
	maxWarnings?: number;
	/** `--jobs N`: at most N files linted at once (1: in this thread). Unset: chosen from the number of files. */
	jobs?: number;
	help: boolean;
	version: boolean;
	paths: string[];
}

/** A mistake on the command line: the message is shown as is, the exit code is 2. */
export class UsageError extends Error {}

export const USAGE = `Usage: iothub-baseline [options] PATH...

Lints Azure ARM JSON and Bicep templates (and their parameter files) against the
Azure security baseline for IoT Hub (MCSB). PATHs are files or directories;
directories are searched for .json, .jsonc, .bicep and .bicepparam files.

Options:
  -f, --format text|json|sarif  Report format (default: text)
  -o, --output FILE             Write the report to FILE instead of stdout
  -p, --parameters FILE         Parameter file for a single template PATH
  -c, --config FILE             Use this configuration instead of the nearest
                                iothub-baseline.json above each file
      --report-unknown          Report values that cannot be verified before deployment (info)
      --rule ID=LEVEL           Set a rule's level: off, info, warning or error (repeatable;
                                wins over the configuration file)
      --include-suppressed      Also list suppressed findings in the text report
      --no-color                Do not colour the text report (also: NO_COLOR=1)
      --quiet                   Report errors only
      --max-warnings N          Exit 1 when there are more than N warnings
  -j, --jobs N                  Lint up to N files at a time in worker threads (1: no
                                workers). Default: one per 64 files, at most the number
                                of cores minus one and at most 8
  -h, --help                    Show this help
  -v, --version                 Show the version

Exit codes: 0 no errors, 1 errors (or too many warnings), 2 usage, input or
configuration error. Suppressed findings do not count.

Baseline coverage report (Markdown or HTML): iothub-baseline report --help
`;

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const LEVELS: readonly Severity[] = ['off', 'info', 'warning', 'error'];

/**
 * Parse argv (without `node` and the script). `knownRules` lists the rule ids `--rule` may name.
 * Throws UsageError on any mistake.
 */
export function parseArgs(argv: readonly string[], knownRules: readonly string[]): CliOptions {
	const opts: CliOptions = { format: 'text', includeSuppressed: false, reportUnknown: false, levels: {}, color: undefined, quiet: false, help: false, version: false, paths: [] };
	scanArgs(argv, opts.paths, (option) => {
		if (fileOption(option, opts)) return;
		const { name, value, flag, once } = option;
		switch (name) {
			case '-f':
			case '--format': {
				once('--format');
				const f = value();
				if (!FORMATS.includes(f as OutputFormat)) throw new UsageError(`unknown format '${f}' (expected ${FORMATS.join(', ')})`);
				opts.format = f as OutputFormat;
				break;
			}
			case '--include-suppressed':
				flag();
				opts.includeSuppressed = true;
				break;
			case '--report-unknown':
				flag();
				opts.reportUnknown = true;
				break;
			case '--rule': {
				const [id, level] = parseRuleLevel(value(), knownRules);
				opts.levels[id] = level;
				break;
			}
			case '--no-color':
				flag();
				opts.color = false;
				break;
			case '--color':
				flag();
				opts.color = true;
				break;
			case '-q':
			case '--quiet':
				flag();
				opts.quiet = true;
				break;
			case '--max-warnings': {
				once('--max-warnings');
				const v = value();
				if (!/^\d+$/.test(v)) throw new UsageError(`--max-warnings expects a non-negative integer, got '${v}'`);
				opts.maxWarnings = Number(v);
				break;
			}
			case '-j':
			case '--jobs': {
				once('--jobs');
				const v = value();
				if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--jobs expects a positive integer, got '${v}'`);
				opts.jobs = Number(v);
				break;
			}
			case '-h':
			case '--help':
				flag();
				opts.help = true;
				break;
			case '-v':
			case '--version':
				flag();
				opts.version = true;
				break;
			default:
				throw new UsageError(`unknown option '${name}'`);
		}
	});
	if (opts.help || opts.version) return opts;
	if (opts.paths.length === 0) throw new UsageError('no PATH given (see --help)');
	if (opts.parameters !== undefined && opts.paths.length !== 1) throw new UsageError('--parameters needs exactly one template PATH');
	return opts;
}

export interface ArgOption {
	/** The option as written, without an inline `=value`. */
	name: string;
	/** The option's value: inline (`--name=value`) or the next argument. */
	value(): string;
	/** Assert the option takes no value. */
	flag(): void;
	/** Assert an option (by its canonical name) is given at most once. */
	once(canonical: string): void;
}

/**
 * Walk argv shared by the lint and report commands: plain arguments (and everything after `--`) go to
 * `paths`; each option goes to `onOption`, which throws UsageError for names it does not know.
 */
export function scanArgs(argv: readonly string[], paths: string[], onOption: (option: ArgOption) => void): void {
	const seen = new Set<string>();
	const once = (name: string) => {
		if (seen.has(name)) throw new UsageError(`option '${name}' given more than once`);
		seen.add(name);
	};
	let i = 0;
	while (i < argv.length) {
		const arg = argv[i++];
		if (arg === '--') {
			paths.push(...argv.slice(i));
			break;
		}
		if (!arg.startsWith('-') || arg === '-') {
			if (arg === '-') throw new UsageError('reading from standard input is not supported; name a file or directory');
			paths.push(arg);
			continue;
		}
		// `--name=value` and `--name value` both work for options that take a value.
		const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
		const name = eq > 0 ? arg.slice(0, eq) : arg;
		const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
		onOption({
			name,
			value: () => {
				if (inline !== undefined) return inline;
				if (i >= argv.length) throw new UsageError(`option '${name}' needs a value`);
				return argv[i++];
			},
			flag: () => {
				if (inline !== undefined) throw new UsageError(`option '${name}' takes no value`);
			},
			once,
		});
	}
}

/** `--rule ID=LEVEL`, checked against the known rule ids and the levels. */
export function parseRuleLevel(spec: string, knownRules: readonly string[]): [string, Severity] {
	const m = /^([^=]+)=(.*)$/.exec(spec);
	if (!m) throw new UsageError(`--rule expects ID=LEVEL, got '${spec}'`);
	const [, id, level] = m;
	if (!knownRules.includes(id)) throw new UsageError(`unknown rule '${id}' in --rule`);
	if (!LEVELS.includes(level as Severity)) throw new UsageError(`unknown level '${level}' for rule '${id}' (expected ${LEVELS.join(', ')})`);
	return [id, level as Severity];
}

/** The file options both commands take: `--output`, `--parameters`, `--config` (and their short forms). */
export interface FileOptions {
	output?: string;
	parameters?: string;
	config?: string;
}

const FILE_OPTIONS: Record<string, keyof FileOptions> = {
	'-o': 'output',
	'--output': 'output',
	'-p': 'parameters',
	'--parameters': 'parameters',
	'-c': 'config',
	'--config': 'config',
};

/** Read `option` into `opts` when it is one of the file options; false when it is not. */
export function fileOption(option: ArgOption, opts: FileOptions): boolean {
	const key = FILE_OPTIONS[option.name];
	if (!key) return false;
	option.once(`--${key}`);
	opts[key] = nonEmpty(option.name, option.value());
	return true;
}

/** Parse argv; a usage error is said on one line and gives undefined (the caller exits 2). */
export function parseOrSay<T>(parse: () => T, say: (line: string) => void): T | undefined {
	try {
		return parse();
	} catch (error) {
		if (error instanceof UsageError) {
			say(error.message);
			return undefined;
		}
		throw error;
	}
}

export function nonEmpty(name: string, v: string): string {
	if (v === '') throw new UsageError(`option '${name}' needs a value`);
	return v;
}
