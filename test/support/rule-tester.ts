import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeDocument, type AnalyzeOptions } from '../../server/src/analysis/analyze';
import type { Finding } from '../../server/src/analysis/findings';
import { applyEdits } from '../../server/src/analysis/fix/resolve';
import { memoryHost } from '../../server/src/analysis/host';
import type { Rule } from '../../server/src/analysis/rule';
import { ensureBicep } from './bicep';

export const WS = 'file:///ws/';

export interface TestCase {
	name?: string;
	/** ARM JSON template text (analysed as file:///ws/main.json). */
	arm?: string;
	/** Bicep text (analysed as file:///ws/main.bicep). */
	bicep?: string;
	/** Other files in the workspace by file name (parameter files, modules). */
	files?: Record<string, string>;
	/** Analyse this file name instead of main.json / main.bicep (e.g. a parameter file). */
	open?: string;
	options?: AnalyzeOptions;
}

export interface ExpectedSuggestion {
	title?: string;
	/** Whole text of the analysed document after the fix. */
	output?: string;
	/** Whole text of other files after the fix, by file name. */
	files?: Record<string, string>;
}

export interface ExpectedError {
	messageId?: string;
	message?: string;
	/** The document text the finding's range covers. */
	text?: string;
	/** 1-based line and column of the range start. */
	line?: number;
	column?: number;
	endLine?: number;
	endColumn?: number;
	severity?: Finding['severity'];
	/** Texts covered by related-information locations, in order. */
	related?: string[];
	/** Exactly these fixes, in order (an empty array asserts that no fix is offered). */
	suggestions?: ExpectedSuggestion[];
}

export interface InvalidCase extends TestCase {
	errors: ExpectedError[];
}

function docOf(c: TestCase): { uri: string; text: string; files: Record<string, string> } {
	const files: Record<string, string> = {};
	for (const [name, text] of Object.entries(c.files ?? {})) files[WS + name] = text;
	const mainName = c.arm !== undefined ? 'main.json' : 'main.bicep';
	const mainText = c.arm ?? c.bicep;
	if (mainText !== undefined) files[WS + mainName] = mainText;
	const uri = WS + (c.open ?? mainName);
	const text = files[uri];
	assert.ok(text !== undefined, `test case has no document ${uri}`);
	return { uri, text, files };
}

export function lint(rule: Rule, c: TestCase): { findings: Finding[]; uri: string; text: string; files: Record<string, string>; problems: string[] } {
	const { uri, text, files } = docOf(c);
	const result = analyzeDocument(uri, text, memoryHost(files), [rule], { rethrow: true, ...c.options });
	return { findings: result.findings, uri, text, files, problems: result.problems.map((p) => p.message) };
}

export function position(text: string, offset: number): { line: number; column: number } {
	let line = 1;
	let last = -1;
	for (let i = 0; i < offset; i++) {
		if (text.charCodeAt(i) === 10) {
			line++;
			last = i;
		}
	}
	return { line, column: offset - last };
}

function caseName(c: TestCase, i: number): string {
	return c.name ?? `${c.arm !== undefined ? 'arm' : 'bicep'} #${i + 1}`;
}

export const ruleTester = {
	run(rule: Rule, cases: { valid: TestCase[]; invalid: InvalidCase[] }): void {
		describe(rule.id, () => {
			before(async () => {
				if ([...cases.valid, ...cases.invalid].some((c) => c.bicep !== undefined || c.open?.endsWith('.bicepparam'))) await ensureBicep();
			});
			describe('valid', () => {
				cases.valid.forEach((c, i) => {
					it(caseName(c, i), () => {
						const r = lint(rule, c);
						assert.deepEqual(r.problems, [], 'parse problems');
						assert.deepEqual(r.findings.map((f) => f.message), []);
					});
				});
			});
			describe('invalid', () => {
				cases.invalid.forEach((c, i) => {
					it(caseName(c, i), () => {
						const r = lint(rule, c);
						assert.deepEqual(r.problems, [], 'parse problems');
						assert.equal(r.findings.length, c.errors.length, `expected ${c.errors.length} findings, got: ${JSON.stringify(r.findings.map((f) => f.message), null, 1)}`);
						c.errors.forEach((e, j) => checkFinding(rule, c, r, r.findings[j], e));
					});
				});
			});
		});
	},
};

function checkFinding(rule: Rule, c: TestCase, r: ReturnType<typeof lint>, f: Finding, e: ExpectedError): void {
	assert.equal(f.ruleId, rule.id);
	assert.ok(f.message.startsWith(`${rule.mcsb}: `), `message starts with the control: ${f.message}`);
	if (e.messageId !== undefined) assert.equal(f.messageId, e.messageId);
	if (e.message !== undefined) assert.equal(f.message, e.message);
	if (e.severity !== undefined) assert.equal(f.severity, e.severity);
	assert.equal(f.location.uri, r.uri, 'finding is in the analysed document');
	if (e.text !== undefined) assert.equal(r.text.slice(f.location.span.start, f.location.span.end), e.text);
	const start = position(r.text, f.location.span.start);
	const end = position(r.text, f.location.span.end);
	if (e.line !== undefined) assert.equal(start.line, e.line, 'line');
	if (e.column !== undefined) assert.equal(start.column, e.column, 'column');
	if (e.endLine !== undefined) assert.equal(end.line, e.endLine, 'endLine');
	if (e.endColumn !== undefined) assert.equal(end.column, e.endColumn, 'endColumn');
	if (e.related !== undefined) {
		assert.deepEqual(
			f.related.map((rel) => (r.files[rel.location.uri] ?? '').slice(rel.location.span.start, rel.location.span.end)),
			e.related,
		);
	}
	if (e.suggestions !== undefined) {
		assert.equal(f.fixes.length, e.suggestions.length, `fixes offered: ${f.fixes.map((x) => x.title).join(' | ')}`);
		e.suggestions.forEach((s, k) => {
			const fix = f.fixes[k];
			if (s.title !== undefined) assert.equal(fix.title, s.title);
			const after: Record<string, string> = { ...r.files };
			for (const [uri, edits] of Object.entries(fix.edits)) after[uri] = applyEdits(after[uri] ?? '', edits);
			if (s.output !== undefined) assert.equal(after[r.uri], s.output);
			for (const [name, text] of Object.entries(s.files ?? {})) assert.equal(after[WS + name], text, `file ${name} after the fix`);
			for (const uri of Object.keys(fix.edits)) {
				if (uri !== r.uri && !(s.files && Object.keys(s.files).some((n) => WS + n === uri))) assert.fail(`fix edits ${uri}, which the test does not check`);
			}
			// The fix must leave a document that parses and make its own finding disappear.
			const again = analyzeDocument(r.uri, after[r.uri], memoryHost(after), [rule], { rethrow: true, ...c.options });
			assert.deepEqual(again.problems.map((p) => p.message), [], 'the fixed document parses');
			const before = r.findings.filter((x) => x.messageId === f.messageId).length;
			const left = again.findings.filter((x) => x.messageId === f.messageId).length;
			assert.ok(left < before, `fix "${fix.title}" clears its finding`);
		});
	}
}
