import { classifyJson, loadArmTemplate, parseJson, templateCandidatesFor, type ParsedJson } from './arm/loader';
import { runRules, type EngineConfig } from './engine';
import type { Finding } from './findings';
import { baseName, type Host } from './host';
import type { Rule } from './rule';
import type { DocumentKind, Problem, Template } from './types';

export interface AnalyzeOptions extends EngineConfig {
	/** Explicit parameter file for the template (setting / CLI flag). */
	parameterFileUri?: string;
	/** Cached ARM parse of the text (the server keeps one per document version). */
	parsedJson?: ParsedJson;
}

export interface AnalysisResult {
	/** What the document is; `other` = not a template: nothing to say about it. */
	kind: DocumentKind | 'other';
	template?: Template;
	findings: Finding[];
	/** At most one parse problem for the document. */
	problems: Problem[];
}

export type DocumentFormat = 'json' | 'bicep' | 'bicepparam';

/** A Bicep front end plugs in here so the JSON path never loads the grammar. */
export interface BicepFrontEnd {
	loadTemplate(uri: string, text: string, host: Host, opts: { parameterFileUri?: string }): Template;
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

/** Analyse one document: a template, or a parameter file (findings at the values it sets). */
export function analyzeDocument(uri: string, text: string, host: Host, rules: Rule[], opts: AnalyzeOptions = {}, languageId?: string): AnalysisResult {
	const format = formatOf(uri, languageId);
	if (format === 'bicep') {
		if (!bicep) return { kind: 'other', findings: [], problems: [] };
		const template = bicep.loadTemplate(uri, text, host, { parameterFileUri: opts.parameterFileUri });
		return { kind: 'bicep', template, findings: runRules(template, rules, opts), problems: template.problems.slice(0, 1) };
	}
	if (format === 'bicepparam') {
		if (!bicep) return { kind: 'other', findings: [], problems: [] };
		const target = bicep.usingTarget(uri, text);
		const templateText = target ? host.readText(target) : undefined;
		if (!target || templateText === undefined) return { kind: 'bicepParams', findings: [], problems: [] };
		const overlay: Host = { readText: (u) => (u === uri ? text : host.readText(u)) };
		const template = bicep.loadTemplate(target, templateText, overlay, { parameterFileUri: uri });
		return { kind: 'bicepParams', template, findings: findingsInParameterFile(uri, runRules(template, rules, opts)), problems: [] };
	}
	if (format !== 'json') return { kind: 'other', findings: [], problems: [] };

	const parsed = opts.parsedJson ?? parseJson(uri, text);
	const kind = classifyJson(parsed.root);
	if (kind === 'armTemplate') {
		const template = loadArmTemplate(uri, text, host, { parameterFileUri: opts.parameterFileUri, parsed });
		if (!template) return { kind: 'other', findings: [], problems: [] };
		return { kind: 'armTemplate', template, findings: runRules(template, rules, opts), problems: template.problems.slice(0, 1) };
	}
	if (kind === 'armParameters') {
		const overlay: Host = { readText: (u) => (u === uri ? text : host.readText(u)) };
		for (const candidate of templateCandidatesFor(uri)) {
			const templateText = host.readText(candidate);
			if (templateText === undefined) continue;
			const cf = formatOf(candidate);
			let template: Template | undefined;
			if (cf === 'bicep') template = bicep?.loadTemplate(candidate, templateText, overlay, { parameterFileUri: uri });
			else template = loadArmTemplate(candidate, templateText, overlay, { parameterFileUri: uri });
			if (!template) continue;
			return { kind: 'armParameters', template, findings: findingsInParameterFile(uri, runRules(template, rules, opts)), problems: parsed.problems.slice(0, 1) };
		}
		return { kind: 'armParameters', findings: [], problems: parsed.problems.slice(0, 1) };
	}
	// JSON that is not a template: silent, unless it is broken JSON that looks like it wanted to be one.
	return { kind: 'other', findings: [], problems: [] };
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
