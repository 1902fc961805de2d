// Findings and parse problems → LSP diagnostics. Spans are UTF-16 offsets; the analysed document's
// positions come from its TextDocument, other documents' (related locations) from their text.

import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import type { Finding } from '../analysis/findings';
import { META_RULE_IDS } from '../analysis/suppressions';
import type { Location, Problem, Severity } from '../analysis/types';
import { LineIndex, toRange, type PositionMapper } from './positions';

export const DIAGNOSTIC_SOURCE = 'iothub-baseline';
export const PARSE_ERROR_CODE = 'parse-error';
export const TOO_LARGE_CODE = 'too-large';
/** A problem in iothub-baseline.json. */
export const CONFIG_PROBLEM_CODE = 'config';

/** Where each rule's documentation lives: `<base><rule id>.md`. */
export const RULE_DOC_BASE = 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/rules/';

/** What a diagnostic carries so code actions can find its finding again. */
export interface DiagnosticData {
	control: string;
	ruleId: string;
	/** Index of the finding (and so of its fixes) in the analysis result the diagnostic was made from. */
	fixes: number;
}

/** Where the configuration file and suppressions are documented. */
export const CONFIG_DOC_URL = 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main/docs/configuration.md';

export function ruleDocUrl(ruleId: string): string {
	// The findings about suppressions are documented with the suppressions.
	if (META_RULE_IDS.includes(ruleId)) return `${CONFIG_DOC_URL}#${ruleId}`;
	return `${RULE_DOC_BASE}${encodeURIComponent(ruleId)}.md`;
}

export function toSeverity(level: Exclude<Severity, 'off'> | Problem['severity']): DiagnosticSeverity {
	switch (level) {
		case 'error':
			return DiagnosticSeverity.Error;
		case 'warning':
			return DiagnosticSeverity.Warning;
		default:
			return DiagnosticSeverity.Information;
	}
}

/** Positions for any document a finding mentions. */
export class PositionResolver {
	private readonly indexes = new Map<string, PositionMapper | undefined>();

	/**
	 * @param main the analysed document (its own uri and mapper)
	 * @param textOf text of another document, the one the spans were computed on (analysis texts first)
	 */
	constructor(
		private readonly main: { uri: string; mapper: PositionMapper },
		private readonly textOf: (uri: string) => string | undefined,
	) {}

	mapperFor(uri: string): PositionMapper | undefined {
		if (uri === this.main.uri) return this.main.mapper;
		if (!this.indexes.has(uri)) {
			const text = this.textOf(uri);
			this.indexes.set(uri, text === undefined ? undefined : new LineIndex(text));
		}
		return this.indexes.get(uri);
	}

	range(location: Location): Range {
		const mapper = this.mapperFor(location.uri);
		if (!mapper) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
		return toRange(mapper, location.span);
	}
}

/**
 * One diagnostic per finding shown in `uri`. `publicUri` turns the analyser's URIs into the ones the
 * client used (they can differ in escaping).
 */
export function findingToDiagnostic(finding: Finding, index: number, uri: string, positions: PositionResolver, publicUri: (u: string) => string): Diagnostic {
	const related: DiagnosticRelatedInformation[] = finding.related.map((r) => ({
		location: { uri: publicUri(r.location.uri), range: positions.range(r.location) },
		message: r.message,
	}));
	let range: Range;
	if (finding.location.uri === uri) {
		range = positions.range(finding.location);
	} else {
		// Not expected (the engine moves findings into the analysed document), but never lose one:
		// show it at the top and point at the real place.
		range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
		related.unshift({ location: { uri: publicUri(finding.location.uri), range: positions.range(finding.location) }, message: 'The finding is here.' });
	}
	const data: DiagnosticData = { control: finding.control, ruleId: finding.ruleId, fixes: index };
	const diagnostic: Diagnostic = {
		range,
		severity: toSeverity(finding.severity),
		code: finding.ruleId,
		codeDescription: { href: ruleDocUrl(finding.ruleId) },
		source: DIAGNOSTIC_SOURCE,
		message: finding.message,
		data,
	};
	if (related.length > 0) diagnostic.relatedInformation = related;
	return diagnostic;
}

export function problemToDiagnostic(problem: Problem, uri: string, positions: PositionResolver, publicUri: (u: string) => string): Diagnostic {
	const diagnostic: Diagnostic = {
		range: problem.location.uri === uri ? positions.range(problem.location) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
		severity: toSeverity(problem.severity),
		code: PARSE_ERROR_CODE,
		source: DIAGNOSTIC_SOURCE,
		message: problem.message,
	};
	if (problem.location.uri !== uri) {
		diagnostic.relatedInformation = [{ location: { uri: publicUri(problem.location.uri), range: positions.range(problem.location) }, message: 'The problem is here.' }];
	}
	return diagnostic;
}

export function sameRange(a: Range, b: Range): boolean {
	return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** A problem of the configuration file, shown in that file. */
export function configProblemToDiagnostic(problem: Problem, positions: PositionResolver): Diagnostic {
	return {
		range: positions.range(problem.location),
		severity: toSeverity(problem.severity),
		code: CONFIG_PROBLEM_CODE,
		codeDescription: { href: CONFIG_DOC_URL },
		source: DIAGNOSTIC_SOURCE,
		message: problem.message,
	};
}
