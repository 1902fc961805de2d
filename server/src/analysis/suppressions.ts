// Suppressions: directive comments in templates and `suppressions` entries in iothub-baseline.json.
//
//   Bicep      #disable-next-line <rule-id> [<rule-id>...] -- <justification>
//   ARM JSON   // iothub-baseline-disable-next-line <rule-id> [<rule-id>...] -- <justification>
//
// A directive covers findings of its rules that start on the next line (further directive lines in between
// are skipped, so directives stack). When that line starts a resource (Bicep: the `resource` line, or the
// decorators above it; ARM: the resource's `{` line or its `"type"` line) it covers the whole resource, as
// findings about missing properties sit on the resource's type string. Above a Bicep `module`, it covers
// what the module's resources report there.
//
// A suppressed finding is kept with its suppression (SARIF and JSON reports show it with the justification)
// but not shown as a diagnostic, counted or fixed. Directives that suppress nothing, name unknown rules or
// give no reason are reported as findings of their own (`unused-suppression`, `suppression-justification`).

import { closestId, matchGlob, matchName, relativePath, type LoadedConfig } from './config';
import type { Finding, FindingSuppression, Fix, TextEdit } from './findings';
import { defineRule, type Rule } from './rule';
import type { Location, Resource, Severity, SourceFormat, Span, Template } from './types';
import { lineOf, lineStarts } from './lines';

export const UNUSED_SUPPRESSION = 'unused-suppression';
export const SUPPRESSION_JUSTIFICATION = 'suppression-justification';
/** The ids of the findings about suppressions; levels can be set for them like for rules. */
export const META_RULE_IDS: readonly string[] = [UNUSED_SUPPRESSION, SUPPRESSION_JUSTIFICATION];

/** Descriptors for the findings about suppressions (reports list them with the rules; they check nothing). */
export const metaRules: Rule[] = [
	defineRule({
		id: UNUSED_SUPPRESSION,
		mcsb: '-',
		title: 'Suppressions should name known rules and suppress a finding',
		severity: 'info',
		resourceTypes: [],
		fix: 'suggestion',
		messages: {},
	}),
	defineRule({
		id: SUPPRESSION_JUSTIFICATION,
		mcsb: '-',
		title: 'Suppressions should say why the finding does not apply',
		severity: 'info',
		resourceTypes: [],
		fix: 'none',
		messages: {},
	}),
];

/** Every id a configuration, `--rule` or a directive may name: the rules' and the suppression findings'. */
export function catalogIds(rules: readonly Rule[]): string[] {
	return [...rules.map((r) => r.id), ...META_RULE_IDS];
}

export const JSON_DIRECTIVE = 'iothub-baseline-disable-next-line';
export const BICEP_DIRECTIVE = '#disable-next-line';
export const JUSTIFICATION_PLACEHOLDER = 'TODO: justification';

// --- Lines -----------------------------------------------------------------------------------------

/** Line starts of a text (`\n`, `\r\n` and `\r` end a line, as in LSP). */
class Lines {
	readonly starts: number[];

	constructor(readonly text: string) {
		this.starts = lineStarts(text);
	}

	get count(): number {
		return this.starts.length;
	}

	lineOf(offset: number): number {
		return lineOf(this.starts, offset);
	}

	/** End of the line's content (before its line break). */
	end(line: number): number {
		let e = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
		while (e > this.starts[line] && (this.text.charCodeAt(e - 1) === 10 || this.text.charCodeAt(e - 1) === 13)) e--;
		return e;
	}

	content(line: number): string {
		return this.text.slice(this.starts[line], this.end(line));
	}
}

// --- Directives ------------------------------------------------------------------------------------

export interface Directive {
	/** 0-based line of the comment. */
	line: number;
	/** The comment, from `#` or `//` to the end of the line (trailing blanks excluded). */
	span: Span;
	/** The whole line with its line break: what removing the directive deletes. */
	lineSpan: Span;
	/** `#disable-next-line` (Bicep) or `// iothub-baseline-disable-next-line`. */
	marker: string;
	/** The rule ids this tool owns, in order. */
	ids: { id: string; span: Span }[];
	/** Ids a Bicep directive names for the Bicep linter (left alone). */
	foreign: number;
	/** After `--`, trimmed; undefined when absent or empty. */
	justification?: string;
}

const DIRECTIVE_LINE = /^([ \t]*)(\/\/[ \t]*iothub-baseline-disable-next-line|#disable-next-line)(?=\s|$)(.*)$/;

/** Ids in our namespace: a Bicep directive naming only other ids is the Bicep linter's business. */
function ours(id: string, catalog: ReadonlySet<string>): boolean {
	return catalog.has(id) || /^(iothub|dps)-/i.test(id);
}

function directiveOn(lines: Lines, line: number, format: SourceFormat, catalog: ReadonlySet<string>): Directive | undefined {
	const s = lines.content(line);
	const m = DIRECTIVE_LINE.exec(s);
	if (!m) return undefined;
	const bicepForm = m[2].startsWith('#');
	if (bicepForm && format !== 'bicep') return undefined;
	const start = lines.starts[line];
	const bodyStart = start + m[1].length + m[2].length;
	const body = m[3];
	const dash = /(^|\s)--/.exec(body);
	const idsText = dash ? body.slice(0, dash.index + dash[1].length) : body;
	const justification = dash ? body.slice(dash.index + dash[0].length).trim() : '';
	const tokens: { id: string; span: Span }[] = [];
	for (const t of idsText.matchAll(/\S+/g)) {
		const at = bodyStart + (t.index ?? 0);
		tokens.push({ id: t[0], span: { start: at, end: at + t[0].length } });
	}
	const ids = bicepForm ? tokens.filter((t) => ours(t.id, catalog)) : tokens;
	if (bicepForm && ids.length === 0) return undefined;
	return {
		line,
		span: { start: start + m[1].length, end: start + s.trimEnd().length },
		lineSpan: { start, end: line + 1 < lines.count ? lines.starts[line + 1] : lines.text.length },
		marker: bicepForm ? BICEP_DIRECTIVE : `// ${JSON_DIRECTIVE}`,
		ids,
		foreign: tokens.length - ids.length,
		justification: justification === '' ? undefined : justification,
	};
}

function isDirectiveLine(lines: Lines, line: number, format: SourceFormat): boolean {
	const m = DIRECTIVE_LINE.exec(lines.content(line));
	return !!m && (format === 'bicep' || !m[2].startsWith('#'));
}

/** The directives in a text (cheap when there are none: one substring search). */
export function parseDirectives(text: string, format: SourceFormat, catalog: ReadonlySet<string>): Directive[] {
	return directivesIn(new Lines(text), format, catalog);
}

function directivesIn(lines: Lines, format: SourceFormat, catalog: ReadonlySet<string>): Directive[] {
	if (!lines.text.includes('disable-next-line')) return [];
	const out: Directive[] = [];
	let inMultiline = false;
	for (let line = 0; line < lines.count; line++) {
		if (format === 'bicep') {
			// A line inside a ''' string is text, not a directive.
			const was = inMultiline;
			if ((lines.content(line).split("'''").length - 1) % 2 === 1) inMultiline = !inMultiline;
			if (was) continue;
		}
		const d = directiveOn(lines, line, format, catalog);
		if (d) out.push(d);
	}
	return out;
}

/** The line a directive applies to: the next one that is not itself a directive, or -1. */
function targetLine(lines: Lines, d: Directive, format: SourceFormat): number {
	let t = d.line + 1;
	while (t < lines.count && isDirectiveLine(lines, t, format)) t++;
	return t < lines.count ? t : -1;
}

/** Index just past a Bicep decorator starting at `at` (`@name.name(...)`, strings and nesting skipped). */
function endOfDecorator(text: string, at: number): number {
	let i = at + 1;
	while (i < text.length && /[\w.]/.test(text[i])) i++;
	while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
	if (text[i] !== '(') return i;
	let depth = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === "'") {
			if (text.startsWith("'''", i)) {
				const close = text.indexOf("'''", i + 3);
				i = close < 0 ? text.length : close + 3;
				continue;
			}
			i++;
			while (i < text.length && text[i] !== "'" && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
			i++;
			continue;
		}
		if (c === '(' || c === '[' || c === '{') depth++;
		else if (c === ')' || c === ']' || c === '}') {
			depth--;
			if (depth === 0) return i + 1;
		}
		i++;
	}
	return i;
}

/** Bicep: from a line, skip decorators (possibly multi-line) and directive lines to the declaration's line. */
function declarationLine(lines: Lines, line: number, format: SourceFormat): number {
	if (format !== 'bicep' || line < 0) return line;
	let l = line;
	for (let guard = 0; guard < 1000 && l < lines.count; guard++) {
		if (isDirectiveLine(lines, l, format)) {
			l++;
			continue;
		}
		const s = lines.content(l);
		const indent = /^[ \t]*/.exec(s)![0].length;
		if (s[indent] !== '@') return l;
		l = lines.lineOf(endOfDecorator(lines.text, lines.starts[l] + indent)) + 1;
	}
	return l < lines.count ? l : -1;
}

// --- Applying --------------------------------------------------------------------------------------

export interface SuppressionContext {
	/** The document whose findings these are (the template, or a parameter file after relocation). */
	uri: string;
	text: string;
	format: SourceFormat;
	template?: Template;
	/** The workspace configuration, for `suppressions` entries. */
	config?: LoadedConfig;
	/** Every rule id the tool knows (with the suppression findings' ids). */
	catalog: ReadonlySet<string>;
	/** Rules that ran at a level other than `off`: only their directives can be called unused. */
	active: ReadonlySet<string>;
	/** Levels for the suppression findings (default info). */
	levels?: Record<string, Severity>;
	/** Report unused, unknown and unjustified directives (for the analysed document itself). */
	reportMeta: boolean;
	/** The findings are complete (no parse problem), so a directive that matched nothing is unused. */
	complete: boolean;
}

interface Scope {
	/** A finding inside this location is about the resource (or the module) declared at the header line. */
	scope: Location;
}

function within(inner: Location, outer: Location): boolean {
	return inner.uri === outer.uri && inner.span.start >= outer.span.start && inner.span.end <= outer.span.end;
}

/** Resources declared in `uri`, by the lines that start them (the declaration and its type string). */
function headersIn(template: Template | undefined, uri: string, lines: Lines): Map<number, Scope[]> {
	const out = new Map<number, Scope[]>();
	const add = (line: number, s: Scope) => {
		const list = out.get(line) ?? [];
		list.push(s);
		out.set(line, list);
	};
	for (const r of template?.resources ?? []) {
		if (r.site.uri === uri) {
			const a = lines.lineOf(r.site.span.start);
			add(a, { scope: r.site });
			if (r.typeSite.uri === uri) {
				const b = lines.lineOf(r.typeSite.span.start);
				if (b !== a) add(b, { scope: r.site });
			}
		}
		// A resource declared in a module: the module declaration in this document stands for it.
		for (const v of r.via ?? []) {
			if (v.uri === uri) add(lines.lineOf(v.span.start), { scope: v });
		}
	}
	return out;
}

interface Placed {
	d: Directive;
	target: number;
	declaration: number;
	used: Set<string>;
}

function place(lines: Lines, format: SourceFormat, directives: Directive[]): Placed[] {
	return directives.map((d) => {
		const target = targetLine(lines, d, format);
		return { d, target, declaration: declarationLine(lines, target, format), used: new Set<string>() };
	});
}

function inSource(uri: string, d: Directive): FindingSuppression {
	return { kind: 'inSource', justification: d.justification, location: { uri, span: d.span } };
}

function sameResource(f: Finding, r: Resource): boolean {
	return f.resourceName !== undefined && f.resourceName === r.displayName && (f.resourceType ?? '').toLowerCase() === r.type.toLowerCase();
}

/**
 * Mark the findings that a directive in the document or an entry of the configuration covers, and (when
 * `reportMeta`) report the directives that cover nothing, name unknown rules or give no justification.
 */
export function applySuppressions(findings: Finding[], ctx: SuppressionContext): { findings: Finding[]; meta: Finding[] } {
	// Most documents have no directive: then not even the line starts are computed.
	const lines = ctx.text.includes('disable-next-line') ? new Lines(ctx.text) : undefined;
	const placed = lines ? place(lines, ctx.format, directivesIn(lines, ctx.format, ctx.catalog)) : [];
	const headers = lines && placed.length > 0 ? headersIn(ctx.template, ctx.uri, lines) : new Map<number, Scope[]>();
	const entries = configEntriesFor(ctx);
	const modules = new ModuleDirectives(ctx);

	const out = findings.map((f) => {
		if (f.suppression) return f;
		let suppression: FindingSuppression | undefined;
		if (lines && placed.length > 0 && f.location.uri === ctx.uri) {
			const line = lines.lineOf(f.location.span.start);
			for (const p of placed) {
				if (p.target < 0 || !p.d.ids.some((t) => t.id === f.ruleId)) continue;
				const covers =
					line === p.target ||
					[p.target, p.declaration].some((l) => (headers.get(l) ?? []).some((h) => within(f.location, h.scope)));
				if (!covers) continue;
				p.used.add(f.ruleId);
				suppression ??= inSource(ctx.uri, p.d);
			}
		}
		suppression ??= modules.suppressionFor(f);
		if (!suppression) {
			const e = entries.find((x) => x.rules.includes(f.ruleId) && (x.resource === undefined || matchName(x.resource, f.resourceName)));
			if (e) suppression = { kind: 'external', justification: e.justification, location: e.location };
		}
		return suppression ? { ...f, suppression } : f;
	});
	return { findings: out, meta: ctx.reportMeta ? metaFindings(placed, ctx) : [] };
}

function configEntriesFor(ctx: SuppressionContext): LoadedConfig['config']['suppressions'] {
	const cfg = ctx.config;
	if (!cfg || cfg.config.suppressions.length === 0) return [];
	const rel = relativePath(cfg, ctx.uri);
	return rel === undefined ? [] : cfg.config.suppressions.filter((e) => matchGlob(e.file, rel));
}

/**
 * Directives in Bicep modules the document uses: one above a resource in the module covers what that
 * resource reports at the module declaration here. Parsed on first need.
 */
class ModuleDirectives {
	private readonly parsed = new Map<string, { lines: Lines; placed: Placed[] }>();

	constructor(private readonly ctx: SuppressionContext) {}

	/** Resources declared in another document (modules): the only ones this can apply to. */
	private declaredElsewhere?: Resource[];

	suppressionFor(f: Finding): FindingSuppression | undefined {
		const template = this.ctx.template;
		if (!template || f.resourceName === undefined) return undefined;
		this.declaredElsewhere ??= template.resources.filter((r) => r.site.uri !== this.ctx.uri && r.via !== undefined && r.via.length > 0);
		for (const r of this.declaredElsewhere) {
			const m = r.site.uri;
			if (!r.via?.some((v) => within(f.location, v)) || !sameResource(f, r)) continue;
			const doc = this.of(m, r.format);
			if (!doc) continue;
			const header = new Set([doc.lines.lineOf(r.site.span.start), doc.lines.lineOf(r.typeSite.span.start)]);
			const p = doc.placed.find((x) => x.d.ids.some((t) => t.id === f.ruleId) && (header.has(x.target) || header.has(x.declaration)));
			if (p) return inSource(m, p.d);
		}
		return undefined;
	}

	private of(uri: string, format: SourceFormat): { lines: Lines; placed: Placed[] } | undefined {
		let doc = this.parsed.get(uri);
		if (!doc) {
			const text = this.ctx.template?.texts.get(uri);
			if (text === undefined || !text.includes('disable-next-line')) return undefined;
			const lines = new Lines(text);
			doc = { lines, placed: place(lines, format, directivesIn(lines, format, this.ctx.catalog)) };
			this.parsed.set(uri, doc);
		}
		return doc;
	}
}

function quoted(ids: string[]): string {
	return ids.map((i) => `'${i}'`).join(', ');
}

function metaFindings(placed: Placed[], ctx: SuppressionContext): Finding[] {
	const out: Finding[] = [];
	const report = (ruleId: string, messageId: string, message: string, span: Span, fixes: Fix[] = []) => {
		const level = ctx.levels?.[ruleId] ?? 'info';
		if (level === 'off') return;
		out.push({ ruleId, messageId, control: '-', severity: level, message, location: { uri: ctx.uri, span }, related: [], fixes });
	};
	const edit = (title: string, edits: TextEdit[]): Fix => ({ title, kind: 'suggestion', ruleId: UNUSED_SUPPRESSION, edits: { [ctx.uri]: edits } });
	for (const p of placed) {
		const { d } = p;
		if (d.ids.length === 0) {
			report(UNUSED_SUPPRESSION, 'noRule', `This suppression names no rule, so it suppresses nothing. Write the rule ids after '${d.marker}'.`, d.span, [edit('Remove this suppression', [{ span: d.lineSpan, newText: '' }])]);
			continue;
		}
		const unknown = d.ids.filter((t) => !ctx.catalog.has(t.id));
		const unused = d.ids.filter((t) => ctx.catalog.has(t.id) && ctx.complete && ctx.active.has(t.id) && !p.used.has(t.id));
		const wholeLine = d.foreign === 0 && unknown.length + unused.length === d.ids.length;
		const remove = (t: { id: string; span: Span }): Fix => {
			if (wholeLine) return edit('Remove this suppression', [{ span: d.lineSpan, newText: '' }]);
			// The id and the blank before it.
			let start = t.span.start;
			while (start > d.span.start && /[ \t]/.test(ctx.text[start - 1])) start--;
			return edit(`Remove '${t.id}' from this suppression`, [{ span: { start, end: t.span.end }, newText: '' }]);
		};
		for (const t of unknown) {
			const near = closestId(t.id, [...ctx.catalog]);
			const fixes = near ? [edit(`Change '${t.id}' to '${near}'`, [{ span: t.span, newText: near }]), remove(t)] : [remove(t)];
			report(UNUSED_SUPPRESSION, 'unknownRule', `Unknown rule '${t.id}' in this suppression, so it suppresses nothing${near ? ` (did you mean '${near}'?)` : ''}.`, t.span, fixes);
		}
		for (const t of unused) {
			const where = p.target < 0 ? 'there is no line after it' : `nothing reports '${t.id}' on the next line${p.declaration >= 0 ? ' or in a resource declared there' : ''}`;
			report(UNUSED_SUPPRESSION, 'unused', `Unused suppression of '${t.id}': ${where}. Remove it, or put it directly above the line or resource the finding is on.`, t.span, [remove(t)]);
		}
		const named = quoted(d.ids.map((t) => t.id));
		if (d.justification === undefined) {
			report(SUPPRESSION_JUSTIFICATION, 'noJustification', `The suppression of ${named} has no justification. Add one after '--': why the finding does not apply here.`, d.span);
		} else if (/^TODO\b/i.test(d.justification)) {
			report(SUPPRESSION_JUSTIFICATION, 'placeholder', `The suppression of ${named} still has a placeholder justification ('${d.justification}'). Say why the finding does not apply here.`, d.span);
		}
	}
	return out;
}

// --- The "suppress" code action --------------------------------------------------------------------

/**
 * The edit that suppresses a finding's rule: a directive line with a placeholder justification, in the
 * line's indentation, above the finding's resource (or module declaration), else above the finding's line.
 * Only for templates (not parameter files) and findings in the document itself.
 */
export function suppressionFix(template: Template, uri: string, text: string, finding: Finding): Fix | undefined {
	if (template.uri !== uri || finding.location.uri !== uri || finding.suppression || META_RULE_IDS.includes(finding.ruleId)) return undefined;
	if (template.kind !== 'armTemplate' && template.kind !== 'bicep') return undefined;
	const lines = new Lines(text);
	let owner: { span: Span; what: string } | undefined;
	for (const r of template.resources) {
		const candidates: { loc: Location; what: string }[] = [];
		if (r.site.uri === uri) candidates.push({ loc: r.site, what: 'resource' });
		for (const v of r.via ?? []) if (v.uri === uri && sameResource(finding, r)) candidates.push({ loc: v, what: 'module' });
		for (const c of candidates) {
			if (!within(finding.location, c.loc)) continue;
			// The innermost declaration (a child resource inside its parent).
			if (!owner || c.loc.span.end - c.loc.span.start < owner.span.end - owner.span.start) owner = { span: c.loc.span, what: c.what };
		}
	}
	const line = lines.lineOf(owner ? owner.span.start : finding.location.span.start);
	const start = lines.starts[line];
	const indent = /^[ \t]*/.exec(lines.content(line))![0];
	const eol = /\r\n/.test(text) ? '\r\n' : /\r/.test(text) ? '\r' : '\n';
	const marker = template.format === 'bicep' ? BICEP_DIRECTIVE : `// ${JSON_DIRECTIVE}`;
	return {
		title: `Suppress ${finding.ruleId} ${owner ? `for this ${owner.what}` : 'on this line'}`,
		kind: 'suggestion',
		ruleId: finding.ruleId,
		edits: { [uri]: [{ span: { start, end: start }, newText: `${indent}${marker} ${finding.ruleId} -- ${JUSTIFICATION_PLACEHOLDER}${eol}` }] },
	};
}
