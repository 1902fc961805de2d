// The `iothubBaseline/coverageReport` request: the baseline coverage report for a workspace folder or one
// document, rendered by the core (HTML for the VS Code webview, or Markdown). Open buffers win over the
// files on disk, as for diagnostics. Uses the editor's rule levels and parameter files.

import { statSync } from 'fs';
import path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { formatOf, type AnalyzeOptions } from '../analysis/analyze';
import type { Host } from '../analysis/host';
import { analyzeForCoverage, buildCoverage, type AnalyzedDocument } from '../analysis/report/coverage';
import { renderHtml } from '../analysis/report/html';
import { renderMarkdown } from '../analysis/report/markdown';
import type { Rule } from '../analysis/rule';
import { collectFiles } from '../cli/collect-files';
import { MAX_DOCUMENT_LENGTH } from './host';

export const COVERAGE_REPORT_REQUEST = 'iothubBaseline/coverageReport';

export interface CoverageReportParams {
	/** A workspace folder (every template under it) or one document. */
	uri: string;
	/** Default: html. */
	format?: 'html' | 'markdown';
}

export interface CoverageReportResult {
	format: 'html' | 'markdown';
	content: string;
	/** Hubs and DPS in the report. */
	subjects: number;
	/** Templates and parameter files analysed. */
	documents: number;
	/** Files left out because the folder has more than MAX_FILES. */
	truncated: boolean;
}

/** A workspace with more template candidates than this gets a partial report that says so. */
export const MAX_FILES = 2000;

export interface CoverageContext {
	rules: Rule[];
	/** How the editor analyses this document (levels, parameter file, configuration): the report uses the same. */
	optionsFor(uri: string): AnalyzeOptions;
	/** Text of a document: open buffer first, then disk. */
	readText(uri: string): string | undefined;
	/** Open documents (they may be unsaved, or untitled). */
	openDocuments(): { uri: string; languageId: string }[];
	generator?: string;
	onRuleError?(ruleId: string, error: unknown): void;
}

/** Cheap test before parsing: big JSON that is not a deployment file (lock files, data) is skipped. */
function mightBeTemplate(uri: string, text: string, languageId?: string): boolean {
	const format = formatOf(uri, languageId);
	if (format === undefined) return false;
	if (format !== 'json') return true;
	return /deployment(Template|Parameters)\.json|"contentVersion"/i.test(text.slice(0, 64 * 1024));
}

function isDirectory(uri: string): string | undefined {
	if (!uri.startsWith('file:')) return undefined;
	try {
		const p = fileURLToPath(uri);
		return statSync(p).isDirectory() ? p : undefined;
	} catch {
		return undefined;
	}
}

export function coverageReport(params: CoverageReportParams, ctx: CoverageContext): CoverageReportResult {
	const format = params.format === 'markdown' ? 'markdown' : 'html';
	const dir = isDirectory(params.uri);
	const open = new Map(ctx.openDocuments().map((d) => [d.uri, d.languageId]));
	let uris: string[];
	let truncated = false;
	if (dir) {
		const files = collectFiles([dir], dir).files.map((f) => pathToFileURL(f).href);
		truncated = files.length > MAX_FILES;
		uris = files.slice(0, MAX_FILES);
	} else {
		uris = [params.uri];
	}
	const root = dir ?? (params.uri.startsWith('file:') ? path.dirname(fileURLToPath(params.uri)) : undefined);
	const displayPath = (u: string): string => {
		if (!root || !u.startsWith('file:')) return u;
		try {
			const rel = path.relative(root, fileURLToPath(u));
			return rel.startsWith('..') || path.isAbsolute(rel) ? fileURLToPath(u) : rel.split(path.sep).join('/') || path.basename(u);
		} catch {
			return u;
		}
	};
	const host: Host = { readText: (u) => ctx.readText(u) };
	const documents: AnalyzedDocument[] = [];
	for (const uri of uris) {
		const languageId = open.get(uri);
		if (!formatOf(uri, languageId)) continue;
		const text = ctx.readText(uri);
		if (text === undefined || text.length > MAX_DOCUMENT_LENGTH || !mightBeTemplate(uri, text, languageId)) continue;
		const opts = ctx.optionsFor(uri);
		const result = analyzeForCoverage(uri, text, host, ctx.rules, { ...opts, onRuleError: ctx.onRuleError }, languageId);
		if (result.kind !== 'other') documents.push({ uri, result, levels: opts.levels });
	}
	const report = buildCoverage(documents, { rules: ctx.rules, displayPath, textOf: (u) => ctx.readText(u) });
	const title = `IoT Hub security baseline coverage: ${dir ? path.basename(dir) : displayPath(params.uri)}`;
	const render = { generator: ctx.generator, generatedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), title };
	let content = format === 'html' ? renderHtml(report, render) : renderMarkdown(report, render);
	if (truncated) {
		const note = `Only the first ${MAX_FILES} files of the folder were analysed.`;
		content = format === 'html' ? content.replace('</h1>', `</h1>\n<p><b>${note}</b></p>`) : content.replace('\n\n', `\n\n**${note}**\n\n`);
	}
	return { format, content, subjects: report.subjects.length, documents: report.documents.length, truncated };
}
