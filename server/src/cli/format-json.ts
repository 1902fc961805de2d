// The JSON report (`--format json`). Its shape is a contract documented in docs/cli-json-format.md:
// add fields freely, but rename or remove one only with a new `version`. The CLI writes it file by file
// (JsonReportWriter), so no file's findings wait in memory for the end of the run.

import type { FileResult, ReportFinding, ReportProblem, Summary } from './file-result';
import { visible } from './file-result';
import { TOOL_NAME, toolVersion } from './tool-info';

export const JSON_REPORT_VERSION = 1;

export interface JsonReport {
	version: typeof JSON_REPORT_VERSION;
	tool: { name: string; version: string };
	files: JsonFile[];
	skipped: { path: string; reason: string }[];
	summary: Summary;
}

interface JsonRange {
	start: { line: number; character: number };
	end: { line: number; character: number };
}

interface JsonFile {
	path: string;
	kind: string;
	problems: { severity: string; message: string; range: JsonRange; offset: { start: number; end: number } }[];
	findings: JsonFinding[];
}

interface JsonFinding {
	/** The document the range is in: the file itself, or a module a template's finding lands in. */
	path: string;
	ruleId: string;
	messageId: string | null;
	control: string;
	severity: string;
	message: string;
	range: JsonRange;
	offset: { start: number; end: number };
	resource: { name: string; type: string } | null;
	related: { path: string; range: JsonRange; message: string }[];
	fixes: { title: string; kind: string }[];
	unknown: boolean;
	/** How the finding is suppressed, or null. Suppressed findings are not counted in the summary. */
	suppressed: { kind: 'inSource' | 'external'; justification: string | null; path: string; range: JsonRange } | null;
}

export function jsonReport(results: readonly FileResult[], summary: Summary, quiet: boolean): JsonReport {
	return {
		version: JSON_REPORT_VERSION,
		tool: tool(),
		files: results.filter((r) => r.status === 'analysed').map((r) => jsonFile(r, quiet)),
		skipped: results.filter(isSkipped).map(skipped),
		summary,
	};
}

/**
 * The report written as the files are done: `JSON.stringify(jsonReport(results, summary, quiet), null, 2)`
 * and a newline, byte for byte, but each file's entry goes out when the file is added. Only the skipped
 * files (a path and a reason each) are kept for the end.
 */
export class JsonReportWriter {
	private files = 0;
	private readonly skipped: JsonReport['skipped'] = [];
	private started = false;

	constructor(
		private readonly write: (s: string) => void,
		private readonly quiet: boolean,
	) {}

	add(result: FileResult): void {
		this.start();
		if (result.status === 'analysed') this.write(`${this.files++ > 0 ? ',' : ''}\n    ${jsonAt(jsonFile(result, this.quiet), 2)}`);
		else if (isSkipped(result)) this.skipped.push(skipped(result));
	}

	end(summary: Summary): void {
		this.start();
		this.write(`${this.files > 0 ? '\n  ' : ''}],\n  "skipped": ${jsonAt(this.skipped, 1)},\n  "summary": ${jsonAt(summary, 1)}\n}\n`);
	}

	private start(): void {
		if (this.started) return;
		this.started = true;
		this.write(`{\n  "version": ${JSON_REPORT_VERSION},\n  "tool": ${jsonAt(tool(), 1)},\n  "files": [`);
	}
}

/** `JSON.stringify(value, null, 2)` as it reads `depth` levels down in an indented document. */
export function jsonAt(value: unknown, depth: number): string {
	// Strings in JSON text hold no raw line breaks: every one starts an indented line.
	return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

function tool(): JsonReport['tool'] {
	return { name: TOOL_NAME, version: toolVersion() };
}

function isSkipped(r: FileResult): boolean {
	return r.status === 'skipped' || r.status === 'error';
}

function skipped(r: FileResult): JsonReport['skipped'][number] {
	return { path: r.path, reason: r.reason ?? 'unreadable' };
}

function jsonFile(r: FileResult, quiet: boolean): JsonFile {
	return {
		path: r.path,
		kind: r.kind ?? 'other',
		problems: visible(r.problems, quiet).map(problem),
		findings: visible(r.findings, quiet).map(finding),
	};
}

function problem(p: ReportProblem): JsonFile['problems'][number] {
	return { severity: p.severity, message: p.message, range: p.location.range, offset: p.location.offset };
}

function finding(f: ReportFinding): JsonFinding {
	return {
		path: f.location.path,
		ruleId: f.ruleId,
		messageId: f.messageId ?? null,
		control: f.control,
		severity: f.severity,
		message: f.message,
		range: f.location.range,
		offset: f.location.offset,
		resource: f.resource ?? null,
		related: f.related.map((r) => ({ path: r.location.path, range: r.location.range, message: r.message })),
		fixes: f.fixes.map((x) => ({ title: x.title, kind: x.kind })),
		unknown: f.unknown,
		suppressed: f.suppression
			? { kind: f.suppression.kind, justification: f.suppression.justification ?? null, path: f.suppression.location.path, range: f.suppression.location.range }
			: null,
	};
}
