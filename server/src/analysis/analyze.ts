import { classifyJson, loadArmTemplate, parseJson, templateCandidatesFor, type ParsedJson } from './arm/loader';
import { isIgnored, type LoadedConfig } from './config';
import { runRules, type EngineConfig } from './engine';
import type { Finding } from './findings';
import { baseName, MAX_ANALYSED_LENGTH, type Host } from './host';
import { levelOf, type Rule } from './rule';
import { META_RULE_IDS, applySuppressions } from './suppressions';
import type { DocumentKind, Problem, SourceFormat, Template } from './types';

export interface AnalyzeOptions extends EngineConfig {
	/**
	 * The language server's incremental parse of an open Bicep document (tree-sitter reuses the unchanged
	 * parts of the previous tree); without it the text is parsed from scratch.
	 */
	bicepTree?(uri: string, text: string): unknown;
	/** Explicit parameter file for the template (setting / CLI flag). */
	parameterFileUri?: string;
	/** Cached ARM parse of the text (the server keeps one per document version). */
	parsedJson?: ParsedJson;
	/**
	 * The workspace configuration found for the document (`findConfig`): its `ignore` globs and `suppressions`
	 * entries apply here. Rule levels, reportUnknown and parameter files are merged by the caller, whose
	 * precedence differs (the editor lets the file win over settings, the CLI lets flags win over the file).
	 */
	config?: LoadedConfig;
	/** Every rule id the tool knows (`catalogIds`); a directive naming another is reported. Default: the rules run. */
	catalog?: readonly string[];
}

export interface AnalysisResult {
	/** What the document is; `other` = not a template: nothing to say about it. */
	kind: DocumentKind | 'other';
	template?: Template;
	findings: Finding[];
	/** At most one parse problem for the document. */
	problems: Problem[];
	/** The document matches an `ignore` glob of the configuration (and was not analysed). */
	ignored?: boolean;
}

export type DocumentFormat = 'json' | 'bicep' | 'bicepparam';

/** A Bicep front end plugs in here so the JSON path never loads the grammar. */
export interface BicepFrontEnd {
	loadTemplate(uri: string, text: string, host: Host, opts: { parameterFileUri?: string; tree?: unknown }): Template;
	/** For a .bicepparam document: the template it uses, or undefined. */
	usingTarget(uri: string, text: string): string | undefined;
}

let bicep: BicepFrontEnd | undefined;

export function registerBicepFrontEnd(frontEnd: BicepFrontEnd): void {
	bicep = frontEnd;
}

export function formatOf(uri: string, languageId?: string): DocumentFormat | undefined {
	const name = baseName(uri).toLowerCase();
	if (name.endsWith('.bicepparam') || languageId === 'bicep-params') return 'bicepparam';
	if (name.endsWith('.bicep') || languageId === 'bicep') return 'bicep';
	if (name.endsWith('.json') || name.endsWith('.jsonc') || languageId === 'json' || languageId === 'jsonc' || languageId === 'arm-template') return 'json';
	return undefined;
}

/**
 * Analyse one document: a template, or a parameter file (findings at the values it sets). Findings that a
 * suppression covers are kept with `suppression` set; findings about the suppressions themselves are added.
 */
export function analyzeDocument(uri: string, text: string, host: Host, rules: Rule[], opts: AnalyzeOptions = {}, languageId?: string): AnalysisResult {
	if (isIgnored(opts.config, uri)) return { kind: 'other', findings: [], problems: [], ignored: true };
	const format = formatOf(uri, languageId);
	if (text.length > MAX_ANALYSED_LENGTH) return tooLarge(uri, text, format);
	// Source text never holds NUL: a binary file named .bicep would only send the grammar into seconds of
	// error recovery, so it gets one clear problem instead (binary .json is simply not a template).
	if ((format === 'bicep' || format === 'bicepparam') && text.slice(0, 8192).includes('\u0000')) {
		return { kind: 'other', findings: [], problems: [{ message: 'Cannot analyse this file: it contains binary data (NUL bytes), not Bicep source.', location: { uri, span: { start: 0, end: 0 } }, severity: 'error' }] };
	}
	const suppress = suppressor(rules, opts);
	if (format === 'bicep') {
		if (!bicep) return { kind: 'other', findings: [], problems: [] };
		const template = bicep.loadTemplate(uri, text, host, { parameterFileUri: opts.parameterFileUri, tree: opts.bicepTree?.(uri, text) });
		const problems = template.problems.slice(0, 1);
		return { kind: 'bicep', template, findings: suppress(runRules(template, rules, opts), { uri, text, format: 'bicep', template, complete: problems.length === 0 }), problems };
	}
	if (format === 'bicepparam') {
		if (!bicep) return { kind: 'other', findings: [], problems: [] };
		const target = bicep.usingTarget(uri, text);
		const templateText = target ? host.readText(target) : undefined;
		if (!target || templateText === undefined || templateText.length > MAX_ANALYSED_LENGTH) return { kind: 'bicepParams', findings: [], problems: [] };
		const overlay: Host = { readText: (u) => (u === uri ? text : host.readText(u)), exists: host.exists?.bind(host) };
		const template = bicep.loadTemplate(target, templateText, overlay, { parameterFileUri: uri });
		const findings = findingsInParameterFile(uri, suppress(runRules(template, rules, opts), { uri: target, text: templateText, format: 'bicep', template }));
		return { kind: 'bicepParams', template, findings: suppress(findings, { uri, text, format: 'bicep', template, complete: true, reportMeta: true }), problems: [] };
	}
	if (format !== 'json') return { kind: 'other', findings: [], problems: [] };

	const parsed = opts.parsedJson ?? parseJson(uri, text);
	if (!parsed.root && parsed.problems.length > 0) {
		// Not parseable at all (nested too deeply): say so when the text looks like a template, else stay silent.
		const looks = looksLikeArmJson(text);
		return looks ? { kind: looks, findings: [], problems: parsed.problems.slice(0, 1) } : { kind: 'other', findings: [], problems: [] };
	}
	const kind = classifyJson(parsed.root);
	if (kind === 'armTemplate') {
		const template = loadArmTemplate(uri, text, host, { parameterFileUri: opts.parameterFileUri, parsed });
		if (!template) return { kind: 'other', findings: [], problems: [] };
		const problems = template.problems.slice(0, 1);
		return { kind: 'armTemplate', template, findings: suppress(runRules(template, rules, opts), { uri, text, format: 'json', template, complete: problems.length === 0 }), problems };
	}
	if (kind === 'armParameters') {
		const overlay: Host = { readText: (u) => (u === uri ? text : host.readText(u)), exists: host.exists?.bind(host) };
		const problems = parsed.problems.slice(0, 1);
		for (const candidate of templateCandidatesFor(uri)) {
			const templateText = host.readText(candidate);
			if (templateText === undefined || templateText.length > MAX_ANALYSED_LENGTH) continue;
			const cf = formatOf(candidate);
			let template: Template | undefined;
			if (cf === 'bicep') template = bicep?.loadTemplate(candidate, templateText, overlay, { parameterFileUri: uri });
			else template = loadArmTemplate(candidate, templateText, overlay, { parameterFileUri: uri });
			if (!template) continue;
			const findings = findingsInParameterFile(uri, suppress(runRules(template, rules, opts), { uri: candidate, text: templateText, format: template.format, template }));
			return { kind: 'armParameters', template, findings: suppress(findings, { uri, text, format: 'json', template, complete: problems.length === 0, reportMeta: true }), problems };
		}
		return { kind: 'armParameters', findings: [], problems };
	}
	// JSON that is not a template: silent, unless it is broken JSON that looks like it wanted to be one.
	return { kind: 'other', findings: [], problems: [] };
}

/**
 * Whether JSON the parser could not read (too large, nested too deeply) looks like a deployment template or
 * parameter file. Only the head of the text is read: its `$schema`, else `contentVersion` with `resources`.
 */
export function looksLikeArmJson(text: string): 'armTemplate' | 'armParameters' | undefined {
	const head = text.slice(0, 64 * 1024);
	const schema = /"\$schema"\s*:\s*"([^"]*)"/i.exec(head)?.[1];
	if (schema !== undefined) return /deploymentParameters\.json/i.test(schema) ? 'armParameters' : /deploymentTemplate\.json/i.test(schema) ? 'armTemplate' : undefined;
	return /"contentVersion"\s*:/i.test(head) && /"resources"\s*:/i.test(head) ? 'armTemplate' : undefined;
}

/** One problem for a document over MAX_ANALYSED_LENGTH that looks like a template; nothing for other files. */
function tooLarge(uri: string, text: string, format: DocumentFormat | undefined): AnalysisResult {
	const kind = format === 'json' ? looksLikeArmJson(text) : format === 'bicep' && bicep ? 'bicep' : format === 'bicepparam' && bicep ? 'bicepParams' : undefined;
	if (!kind) return { kind: 'other', findings: [], problems: [] };
	const mb = (n: number) => (n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1);
	const message = `Cannot analyse this file: it is ${mb(text.length)} MB, more than the ${mb(MAX_ANALYSED_LENGTH)} MB the IoT Hub security baseline reads (ARM accepts templates of up to 4 MB).`;
	return { kind, findings: [], problems: [{ message, location: { uri, span: { start: 0, end: 0 } }, severity: 'error' }] };
}

interface SuppressIn {
	uri: string;
	text: string;
	format: SourceFormat;
	template: Template;
	/** No parse problem: a directive that matched nothing is unused. */
	complete?: boolean;
	/**
	 * Report unused and unjustified directives. Default: when `complete` is given (the analysed document). A
	 * parameter file's template is only consulted for its directives; its own analysis reports on them.
	 */
	reportMeta?: boolean;
}

/** Apply directives and configuration entries in one document; the findings about directives join the findings. */
function suppressor(rules: Rule[], opts: AnalyzeOptions): (findings: Finding[], doc: SuppressIn) => Finding[] {
	const catalog = new Set(opts.catalog ?? [...rules.map((r) => r.id), ...META_RULE_IDS]);
	const active = new Set(rules.filter((r) => levelOf(r, opts.levels) !== 'off').map((r) => r.id));
	return (findings, doc) => {
		const { findings: marked, meta } = applySuppressions(findings, {
			uri: doc.uri,
			text: doc.text,
			format: doc.format,
			template: doc.template,
			config: opts.config,
			catalog,
			active,
			levels: opts.levels,
			reportMeta: doc.reportMeta ?? doc.complete !== undefined,
			complete: doc.complete ?? false,
		});
		if (meta.length === 0) return marked;
		return [...marked, ...meta].sort((a, b) => (a.location.uri === b.location.uri ? a.location.span.start - b.location.span.start || a.ruleId.localeCompare(b.ruleId) : a.location.uri.localeCompare(b.location.uri)));
	};
}

/** Keep the findings caused by a value the parameter file sets, shown at that value. */
function findingsInParameterFile(uri: string, findings: Finding[]): Finding[] {
	const out: Finding[] = [];
	for (const f of findings) {
		const here = f.related.find((r) => r.location.uri === uri);
		if (!here) continue;
		out.push({
			...f,
			location: here.location,
			related: [{ location: f.location, message: 'The template property that uses this value.' }, ...f.related.filter((r) => r !== here)],
		});
	}
	return out;
}
