// What linting one file produces, in plain serialisable data (so a worker thread can send it back):
// positions are already resolved, paths are already relative to the working directory.

import type { DocumentKind, Span } from '../analysis/types';

/** 0-based line and UTF-16 character, as in LSP. */
export interface Position {
	line: number;
	character: number;
}

export interface Range {
	start: Position;
	end: Position;
}

export interface ReportLocation {
	/** Relative to the working directory, forward slashes. */
	path: string;
	/** `file://` URI of the document. */
	uri: string;
	range: Range;
	offset: Span;
}

export interface ReportProblem {
	severity: 'error' | 'warning' | 'info';
	message: string;
	location: ReportLocation;
}

export interface ReportEdit {
	location: ReportLocation;
	newText: string;
}

export interface ReportFix {
	title: string;
	kind: 'safe' | 'suggestion';
	edits: ReportEdit[];
}

export interface ReportFinding {
	ruleId: string;
	messageId?: string;
	control: string;
	severity: 'error' | 'warning' | 'info';
	message: string;
	location: ReportLocation;
	resource?: { name: string; type: string };
	related: { location: ReportLocation; message: string }[];
	fixes: ReportFix[];
	/** A "cannot verify" finding (--report-unknown). */
	unknown: boolean;
	/** Set when a directive or a configuration entry suppresses the finding (then it is not counted). */
	suppression?: ReportSuppression;
}

export interface ReportSuppression {
	/** `inSource`: a directive comment; `external`: an entry in iothub-baseline.json. */
	kind: 'inSource' | 'external';
	justification?: string;
	location: ReportLocation;
}

export interface FileResult {
	path: string;
	uri: string;
	/**
	 * analysed: a template or parameter file; ignored: JSON that is not one (or Bicep without the grammar);
	 * skipped: binary or too large; error: could not be read.
	 */
	status: 'analysed' | 'ignored' | 'skipped' | 'error';
	kind?: DocumentKind;
	/** Why the file was skipped or could not be read. */
	reason?: string;
	problems: ReportProblem[];
	findings: ReportFinding[];
	/** One line each for stderr, without the program name (read errors, rules that failed). */
	notices: string[];
}

export interface Summary {
	errors: number;
	warnings: number;
	info: number;
	/** Files analysed as templates or parameter files. */
	files: number;
	/** Suppressed findings (not in the other counts). */
	suppressed: number;
}

export function summarize(results: readonly FileResult[]): Summary {
	const s: Summary = { errors: 0, warnings: 0, info: 0, files: 0, suppressed: 0 };
	for (const r of results) {
		if (r.status === 'analysed') s.files++;
		for (const x of [...r.problems, ...r.findings]) {
			if ('suppression' in x && x.suppression) {
				s.suppressed++;
				continue;
			}
			if (x.severity === 'error') s.errors++;
			else if (x.severity === 'warning') s.warnings++;
			else s.info++;
		}
	}
	return s;
}

/** What the report shows: everything, or (--quiet) errors only. Counts in the summary are not filtered. */
export function visible<T extends { severity: string }>(items: readonly T[], quiet: boolean): T[] {
	return quiet ? items.filter((x) => x.severity === 'error') : [...items];
}

/**
 * Drop findings already reported for an earlier file: the same rule, place and message. This happens
 * when a template's analysis reports inside a module that is also linted on its own.
 */
export function withoutRepeats(result: FileResult, seen: Set<string>): FileResult {
	const findings = result.findings.filter((f) => {
		const key = [f.ruleId, f.location.uri, f.location.offset.start, f.location.offset.end, f.message].join('\u0000');
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
	return findings.length === result.findings.length ? result : { ...result, findings };
}
