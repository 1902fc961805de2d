// Linting one file: read it, analyse it with the shared core, and turn spans into positions. Takes and
// returns plain data and keeps no state between calls, so it can run in a worker thread as it is.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeDocument, formatOf } from '../analysis/analyze';
import { configParameterFile, isIgnored, type LoadedConfig } from '../analysis/config';
import type { Finding } from '../analysis/findings';
import type { Host } from '../analysis/host';
import type { Rule } from '../analysis/rule';
import { catalogIds } from '../analysis/suppressions';
import type { Location, Severity } from '../analysis/types';
import { LineIndex } from '../lsp/positions';
import { allRules } from '../../../rules/index';
import { displayPath, displayUriPath } from './collect-files';
import type { FileResult, ReportFinding, ReportLocation } from './file-result';
import { fileSystemHost } from './fs-host';
import { readTextFile } from './read-text';

export interface LintOptions {
	/** Paths are shown relative to this directory. */
	cwd: string;
	levels?: Record<string, Severity>;
	reportUnknown?: boolean;
	/** Explicit parameter file (absolute path) for this template. */
	parameterFile?: string;
	/**
	 * The workspace configuration for this file. Its rule levels are overridden by `levels` (the command
	 * line wins), its parameter file association by `parameterFile`.
	 */
	config?: LoadedConfig;
	/**
	 * Leave `fixes` empty: the text report never shows them, and writing a fix's edits costs about as much as
	 * finding the problem.
	 */
	withoutFixes?: boolean;
}

export function lintFile(file: string, options: LintOptions, rules: Rule[] = allRules, host: Host = fileSystemHost()): FileResult {
	const abs = path.resolve(options.cwd, file);
	const uri = pathToFileURL(abs).href;
	const shown = displayPath(abs, options.cwd);
	const result: FileResult = { path: shown, uri, status: 'ignored', problems: [], findings: [], notices: [] };
	const config = options.config;
	if (isIgnored(config, uri)) return result;

	const read = readTextFile(abs);
	if (!read.ok) {
		result.status = read.skipped ? 'skipped' : 'error';
		result.reason = read.reason;
		result.notices.push(`${shown}: ${read.reason}`);
		return result;
	}
	if (!formatOf(uri)) return result;

	const analysis = analyzeDocument(uri, read.text, host, rules, {
		levels: { ...config?.config.rules, ...options.levels },
		reportUnknown: options.reportUnknown === true || config?.config.reportUnknown === true,
		parameterFileUri: options.parameterFile ? pathToFileURL(path.resolve(options.cwd, options.parameterFile)).href : configParameterFile(config, uri),
		config,
		catalog: catalogIds(rules === allRules ? allRules : [...allRules, ...rules]),
		onRuleError(ruleId, error) {
			result.notices.push(`${shown}: rule ${ruleId} failed: ${error instanceof Error ? error.message : String(error)}`);
		},
	});
	if (analysis.kind === 'other') return result;
	result.status = 'analysed';
	result.kind = analysis.kind;

	const texts = analysis.template?.texts;
	const locate = locator(options.cwd, (u) => (u === uri ? read.text : (texts?.get(u) ?? host.readText(u))));
	result.problems = analysis.problems.map((p) => ({ severity: p.severity, message: p.message, location: locate(p.location) }));
	result.findings = analysis.findings.map((f) => toReportFinding(f, locate, options.withoutFixes === true));
	return result;
}

function toReportFinding(f: Finding, locate: (l: Location) => ReportLocation, withoutFixes: boolean): ReportFinding {
	return {
		ruleId: f.ruleId,
		messageId: f.messageId,
		control: f.control,
		severity: f.severity,
		message: f.message,
		location: locate(f.location),
		resource: f.resourceName !== undefined ? { name: f.resourceName, type: f.resourceType ?? '' } : undefined,
		related: f.related.map((r) => ({ location: locate(r.location), message: r.message })),
		fixes: withoutFixes ? [] : f.fixes.map((x) => ({
			title: x.title,
			kind: x.kind,
			edits: Object.entries(x.edits).flatMap(([u, edits]) => edits.map((e) => ({ location: locate({ uri: u, span: e.span }), newText: e.newText }))),
		})),
		unknown: f.unknown === true,
		...(f.suppression ? { suppression: { kind: f.suppression.kind, justification: f.suppression.justification, location: locate(f.suppression.location) } } : {}),
	};
}

/** Spans → positions for any document the analysis mentions (one line index per document). */
function locator(cwd: string, textOf: (uri: string) => string | undefined): (l: Location) => ReportLocation {
	const indexes = new Map<string, LineIndex>();
	return (l) => {
		let index = indexes.get(l.uri);
		if (!index) {
			index = new LineIndex(textOf(l.uri) ?? '');
			indexes.set(l.uri, index);
		}
		return { path: displayUriPath(l.uri, cwd), uri: l.uri, range: index.rangeOf(l.span), offset: { start: l.span.start, end: l.span.end } };
	};
}
