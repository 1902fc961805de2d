// The compiler-style text report, one line per problem, written as each file is done:
//   path:line:col  severity  CONTROL  message  rule-id
// Lines and columns are 1-based; columns count UTF-16 code units (as editors do).

import type { FileResult, ReportLocation, Summary } from './file-result';
import { visible } from './file-result';

export interface TextStyle {
	color: boolean;
	quiet: boolean;
	/** List suppressed findings too, marked as such (`--include-suppressed`). */
	includeSuppressed?: boolean;
}

const ansi = {
	red: '\u001b[31m',
	yellow: '\u001b[33m',
	cyan: '\u001b[36m',
	dim: '\u001b[2m',
	bold: '\u001b[1m',
	reset: '\u001b[0m',
};

function paint(on: boolean, code: string, s: string): string {
	return on ? `${code}${s}${ansi.reset}` : s;
}

function severityCode(severity: string): string {
	return severity === 'error' ? ansi.red : severity === 'warning' ? ansi.yellow : ansi.cyan;
}

function where(l: ReportLocation): string {
	return `${l.path}:${l.range.start.line + 1}:${l.range.start.character + 1}`;
}

/** Messages are one line in the report whatever the rule wrote. */
function oneLine(s: string): string {
	return s.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** The lines for one file, parse problems and findings in document order. */
export function textLines(result: FileResult, style: TextStyle): string[] {
	const rows: { offset: number; order: number; line: string }[] = [];
	for (const p of visible(result.problems, style.quiet)) {
		const sev = paint(style.color, severityCode(p.severity), p.severity);
		rows.push({ offset: p.location.offset.start, order: 0, line: `${where(p.location)}  ${sev}  ${paint(style.color, ansi.dim, 'parse')}  ${oneLine(p.message)}  ${paint(style.color, ansi.dim, 'parse-error')}` });
	}
	for (const f of visible(result.findings, style.quiet)) {
		if (f.suppression && !style.includeSuppressed) continue;
		const sev = paint(style.color, severityCode(f.severity), f.severity);
		const why = f.suppression ? `  ${paint(style.color, ansi.dim, `(suppressed${f.suppression.justification ? `: ${oneLine(f.suppression.justification)}` : ''})`)}` : '';
		rows.push({ offset: f.location.offset.start, order: 1, line: `${where(f.location)}  ${sev}  ${f.control}  ${oneLine(f.message)}  ${paint(style.color, ansi.dim, f.ruleId)}${why}` });
	}
	// Stable sort: equal offsets keep parse problems first, findings in the engine's order.
	rows.sort((a, b) => a.offset - b.offset || a.order - b.order);
	return rows.map((r) => r.line);
}

function plural(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

/**
 * `N problems (E errors, W warnings, I info) in F files[, S suppressed]`: always the full counts, --quiet or
 * not. Suppressed findings are not problems; their count is shown when there are any.
 */
export function summaryLine(summary: Summary, style: TextStyle): string {
	const total = summary.errors + summary.warnings + summary.info;
	const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
	const line = `${plural(total, 'problem', 'problems')} (${plural(summary.errors, 'error', 'errors')}, ${plural(summary.warnings, 'warning', 'warnings')}, ${summary.info} info) in ${plural(summary.files, 'file', 'files')}${suppressed}`;
	if (!style.color) return line;
	const code = summary.errors > 0 ? ansi.red : summary.warnings > 0 ? ansi.yellow : '';
	return paint(true, ansi.bold + code, line);
}
