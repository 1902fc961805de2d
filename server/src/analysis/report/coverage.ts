// Baseline coverage: for every IoT Hub and DPS the given documents deploy, the status of every control of
// the IoT Hub security baseline. Pure: documents arrive as analysis results (run with `reportUnknown`, so
// values known only at deployment show as "unknown" instead of passing silently); the renderers in
// ./markdown and ./html turn the result into a file a team can attach to a review.
//
// How findings reach a hub or DPS ("subject"): a finding about the subject itself (resourceType/name) goes
// to it; a finding about another resource (a role assignment, an output) goes to the subjects of that
// template its message names ('<name>'), else, when the message names no hub or DPS, to every subject of
// that template the rule applies to; what no subject owns is listed apart ("unattributed"), never dropped.
// A subject analysed several times (a module file on its own and through its caller, a template and its
// parameter file) is one entry keyed by its declaration; its findings are the union. When a subject is
// reached through a module call, the module file's own analysis (which sees only the module's parameter
// defaults) is not used for it: the caller decides what the module deploys.

import { analyzeDocument, type AnalysisResult, type AnalyzeOptions } from '../analyze';
import { BASELINE, BASELINE_CONTROLS, type BaselineControl } from '../data/baseline-controls';
import type { Finding } from '../findings';
import type { Host } from '../host';
import { levelOf, type Rule } from '../rule';
import type { Location, Resource, Severity, Template } from '../types';
import { lineOf, lineStarts } from '../lines';

export const HUB_TYPE = 'Microsoft.Devices/IotHubs';
export const DPS_TYPE = 'Microsoft.Devices/provisioningServices';

export type SubjectKind = 'iotHub' | 'dps';

/** A control's (or a rule's) outcome for one subject. */
export type ControlStatus =
	| 'fail'
	| 'unknown'
	| 'suppressed'
	| 'pass'
	/** Microsoft's responsibility. */
	| 'platform'
	/** Nothing in a template can show it. */
	| 'not-checkable'
	/** Rule-backed, but no rule ran: every rule is off, or no rule covers this control for this kind. */
	| 'not-checked';

export type RuleStatus = 'fail' | 'unknown' | 'suppressed' | 'pass' | 'off';

/** A place in a file, for people: `path:line:column`. */
export interface ReportLocation {
	uri: string;
	/** As shown: relative to the report's root when possible. */
	path: string;
	/** 1-based; undefined when the text of the document is not available. */
	line?: number;
	column?: number;
}

export interface CoverageFinding {
	ruleId: string;
	/** MCSB control of the rule. */
	control: string;
	severity: Finding['severity'];
	message: string;
	location: ReportLocation;
	unknown: boolean;
	suppressed: boolean;
	/** The suppression's justification, when it has one. */
	justification?: string;
	suppressionKind?: string;
}

export interface RuleOutcome {
	ruleId: string;
	title: string;
	/** The level the rule ran at. */
	level: Severity;
	status: RuleStatus;
	findings: CoverageFinding[];
}

export interface ControlResult {
	control: BaselineControl;
	status: ControlStatus;
	/** For `not-checked`: why. */
	reason?: 'rule-off' | 'no-rule';
	/** Rules for this control that apply to the subject's kind (empty for platform / not-checkable). */
	rules: RuleOutcome[];
}

export interface SubjectCoverage {
	kind: SubjectKind;
	/** Evaluated name (or symbolic name / name text when the name is not known before deployment). */
	name: string;
	/** Other names the same declaration gets in other deployments (a module called twice with different names). */
	otherNames: string[];
	type: string;
	/** Where it is declared. */
	location: ReportLocation;
	/** The documents whose analysis saw it (paths as shown). */
	seenIn: string[];
	controls: ControlResult[];
	counts: Record<ControlStatus, number>;
}

export interface CoverageReport {
	baseline: typeof BASELINE;
	subjects: SubjectCoverage[];
	/** Documents analysed (templates and parameter files), with what they were. */
	documents: { path: string; kind: AnalysisResult['kind'] }[];
	/** Parse problems, one per document at most. */
	problems: { location: ReportLocation; message: string }[];
	/** Findings that no hub or DPS in the documents can own (e.g. an output listing keys of an external hub). */
	unattributed: CoverageFinding[];
	totals: Record<ControlStatus, number>;
	/** Rule levels that differ from the catalog defaults (settings, `--rule`). */
	levelOverrides: { ruleId: string; level: Severity }[];
}

/** One analysed document. Findings must come from an analysis with `reportUnknown: true`. */
export interface AnalyzedDocument {
	uri: string;
	result: AnalysisResult;
	/** The rule levels this document was analysed with, when they differ per document (a configuration file per folder). */
	levels?: Record<string, Severity>;
}

export interface CoverageOptions {
	rules: Rule[];
	/** Rule levels the documents were analysed with (a document's own `levels` win). */
	levels?: Record<string, Severity>;
	/** How a URI is shown (default: the URI itself). */
	displayPath?(uri: string): string;
	/** Text of a document for line numbers, when the analysis did not keep it. */
	textOf?(uri: string): string | undefined;
}

export const CONTROL_STATUSES: readonly ControlStatus[] = ['fail', 'unknown', 'suppressed', 'pass', 'not-checked', 'platform', 'not-checkable'];

function zeroCounts(): Record<ControlStatus, number> {
	return { fail: 0, unknown: 0, suppressed: 0, pass: 0, platform: 0, 'not-checkable': 0, 'not-checked': 0 };
}

export function subjectKindOf(type: string): SubjectKind | undefined {
	const t = type.toLowerCase();
	if (t === HUB_TYPE.toLowerCase()) return 'iotHub';
	if (t === DPS_TYPE.toLowerCase()) return 'dps';
	return undefined;
}

/** Does the rule check this kind of subject? Template-wide rules (no resource types) apply to both. */
export function ruleAppliesTo(rule: Rule, kind: SubjectKind): boolean {
	if (rule.resourceTypes.length === 0) return true;
	const want = (kind === 'iotHub' ? HUB_TYPE : DPS_TYPE).toLowerCase();
	return rule.resourceTypes.some((t) => t.toLowerCase() === want);
}

/** Analyse one document for the report: like the editor and the CLI, plus values known only at deployment. */
export function analyzeForCoverage(uri: string, text: string, host: Host, rules: Rule[], opts: AnalyzeOptions = {}, languageId?: string): AnalysisResult {
	return analyzeDocument(uri, text, host, rules, { ...opts, reportUnknown: true }, languageId);
}

/** A resource that the template deploys (the engine skips the same ones). */
function deployed(r: Resource): boolean {
	if (r.existing) return false;
	const c = r.condition;
	return !(c && c.kind === 'boolean' && !c.value);
}

/** Line starts of a text, for 1-based line/column. */
class Lines {
	private readonly starts: number[];
	constructor(text: string) {
		this.starts = lineStarts(text);
	}

	at(offset: number): { line: number; column: number } {
		const line = lineOf(this.starts, offset);
		return { line: line + 1, column: offset - this.starts[line] + 1 };
	}
}

/** The suppression of a finding, read defensively (the field is optional and its shape may grow). */
function suppressionOf(f: Finding): { justification?: string; kind?: string } | undefined {
	const s = (f as { suppression?: unknown }).suppression;
	if (s === undefined || s === null || s === false) return undefined;
	if (typeof s === 'string') return { justification: s };
	if (typeof s === 'object') {
		const o = s as { justification?: unknown; kind?: unknown };
		return {
			justification: typeof o.justification === 'string' && o.justification.trim() !== '' ? o.justification : undefined,
			kind: typeof o.kind === 'string' ? o.kind : undefined,
		};
	}
	return {};
}

interface Subject {
	key: string;
	kind: SubjectKind;
	resource: Resource;
	seenIn: Set<string>;
	/** Finding key → finding. */
	findings: Map<string, CoverageFinding>;
	/** Through a module call in some analysis: the module file's own analysis does not count. */
	viaCaller: boolean;
	/** Analyses of the module file itself, kept aside until we know whether a caller reached it. */
	standalone: Map<string, CoverageFinding>;
	/** Levels of the analysis that decides (see AnalyzedDocument.levels). */
	levels?: Record<string, Severity>;
	/** Names seen in deployments (through callers, or on its own when there is no caller). */
	names: Set<string>;
	standaloneName?: string;
}

function subjectKey(r: Resource): string {
	return `${r.site.uri}#${r.site.span.start}`;
}

/** Build the coverage report from analysed documents. */
export function buildCoverage(documents: AnalyzedDocument[], options: CoverageOptions): CoverageReport {
	const shown = options.displayPath ?? ((u: string) => u);
	const rules = options.rules;
	const ruleById = new Map(rules.map((r) => [r.id, r]));
	const lineCache = new Map<string, Lines | undefined>();
	const texts = new Map<string, string>();
	for (const d of documents) for (const [u, t] of d.result.template?.texts ?? []) if (!texts.has(u)) texts.set(u, t);

	const locate = (l: Location): ReportLocation => {
		if (!lineCache.has(l.uri)) {
			const text = texts.get(l.uri) ?? options.textOf?.(l.uri);
			lineCache.set(l.uri, text === undefined ? undefined : new Lines(text));
		}
		const lines = lineCache.get(l.uri);
		const pos = lines?.at(l.span.start);
		return { uri: l.uri, path: shown(l.uri), line: pos?.line, column: pos?.column };
	};
	const toCoverageFinding = (f: Finding): CoverageFinding => {
		const s = suppressionOf(f);
		return {
			ruleId: f.ruleId,
			control: f.control,
			severity: f.severity,
			message: f.message,
			location: locate(f.location),
			unknown: f.unknown === true,
			suppressed: s !== undefined,
			justification: s?.justification,
			suppressionKind: s?.kind,
		};
	};
	const findingKey = (f: Finding) => `${f.ruleId}\u0000${f.location.uri}\u0000${f.location.span.start}\u0000${f.location.span.end}\u0000${f.message}`;

	const subjects = new Map<string, Subject>();
	const unattributed = new Map<string, CoverageFinding>();
	const report: CoverageReport = {
		baseline: BASELINE,
		subjects: [],
		documents: [],
		problems: [],
		unattributed: [],
		totals: zeroCounts(),
		levelOverrides: [],
	};
	const overrides = new Set<string>();
	for (const levels of [options.levels, ...documents.map((d) => d.levels)]) {
		for (const [ruleId, level] of Object.entries(levels ?? {})) {
			const rule = ruleById.get(ruleId);
			if (!rule || rule.severity === level || overrides.has(`${ruleId}=${level}`)) continue;
			overrides.add(`${ruleId}=${level}`);
			report.levelOverrides.push({ ruleId, level });
		}
	}

	for (const doc of documents) {
		const { result } = doc;
		if (result.kind === 'other') continue;
		report.documents.push({ path: shown(doc.uri), kind: result.kind });
		for (const p of result.problems.slice(0, 1)) report.problems.push({ location: locate(p.location), message: p.message });
		const template: Template | undefined = result.template;
		if (!template) continue;

		// The subjects this analysis deploys, with the resource as this analysis evaluated it.
		const here: { s: Subject; r: Resource }[] = [];
		for (const r of template.resources) {
			const kind = subjectKindOf(r.type);
			if (!kind || !deployed(r)) continue;
			const key = subjectKey(r);
			const via = !!r.via && r.via.length > 0;
			let s = subjects.get(key);
			if (!s) {
				s = { key, kind, resource: r, seenIn: new Set(), findings: new Map(), viaCaller: false, standalone: new Map(), levels: doc.levels, names: new Set() };
				subjects.set(key, s);
			}
			// Through its caller the name is evaluated with the values the caller passes: show that one.
			if (via && !s.viaCaller) {
				s.resource = r;
				s.levels = doc.levels;
			}
			if (via) s.viaCaller = true;
			s.seenIn.add(shown(doc.uri));
			if (via) s.names.add(r.displayName);
			else s.standaloneName ??= r.displayName;
			here.push({ s, r });
		}
		// The module file analysed on its own: its subjects' findings are kept aside (see the header).
		const parameterFile = result.kind === 'armParameters' || result.kind === 'bicepParams';
		const standaloneView = (r: Resource) => !parameterFile && template.uri === r.site.uri && !(r.via && r.via.length > 0);

		for (const f of result.findings) {
			const rule = ruleById.get(f.ruleId);
			// Findings about suppression directives themselves belong to no control.
			if (!rule) continue;
			const applies = (kind: SubjectKind) => ruleAppliesTo(rule, kind);
			const fKind = f.resourceType ? subjectKindOf(f.resourceType) : undefined;
			let targets = fKind ? here.filter(({ s, r }) => s.kind === fKind && r.displayName === f.resourceName) : [];
			if (targets.length === 0) targets = here.filter(({ s, r }) => f.message.includes(`'${r.displayName}'`) && applies(s.kind));
			// A finding that names a hub or DPS this template does not deploy (an `existing` one) is nobody's here.
			const namesOne = /\b(?:IoT Hub|DPS) '/.test(f.message);
			if (targets.length === 0 && !fKind && !namesOne) targets = here.filter(({ s }) => applies(s.kind));
			const cf = toCoverageFinding(f);
			if (targets.length === 0) {
				unattributed.set(findingKey(f), cf);
				continue;
			}
			for (const { s, r } of targets) (standaloneView(r) ? s.standalone : s.findings).set(findingKey(f), cf);
		}
	}

	for (const s of subjects.values()) {
		// Not reached through any caller: the module file is the deployment, its own analysis counts.
		if (!s.viaCaller) {
			for (const [k, f] of s.standalone) if (!s.findings.has(k)) s.findings.set(k, f);
			if (s.standaloneName !== undefined) s.names.add(s.standaloneName);
		}
		const findings = [...s.findings.values()];
		const controls = controlsFor(s.kind, findings, rules, s.levels ?? options.levels);
		const counts = zeroCounts();
		for (const c of controls) {
			counts[c.status]++;
			report.totals[c.status]++;
		}
		report.subjects.push({
			kind: s.kind,
			name: s.resource.displayName,
			otherNames: [...s.names].filter((n) => n !== s.resource.displayName),
			type: s.resource.type,
			location: locate(s.resource.typeSite),
			seenIn: [...s.seenIn],
			controls,
			counts,
		});
	}
	report.subjects.sort((a, b) => a.location.path.localeCompare(b.location.path) || (a.location.line ?? 0) - (b.location.line ?? 0) || a.name.localeCompare(b.name));
	report.unattributed = [...unattributed.values()];
	return report;
}

const ruleRank: Record<RuleStatus, number> = { fail: 4, unknown: 3, suppressed: 2, pass: 1, off: 0 };

function ruleStatus(level: Severity, findings: CoverageFinding[]): RuleStatus {
	if (level === 'off') return 'off';
	if (findings.some((f) => !f.suppressed && !f.unknown)) return 'fail';
	if (findings.some((f) => !f.suppressed && f.unknown)) return 'unknown';
	if (findings.some((f) => f.suppressed)) return 'suppressed';
	return 'pass';
}

/** Every baseline control (plus any control a rule names that the list lacks), with its status. */
function controlsFor(kind: SubjectKind, findings: CoverageFinding[], rules: Rule[], levels: Record<string, Severity> | undefined): ControlResult[] {
	const controls: BaselineControl[] = [...BASELINE_CONTROLS];
	for (const r of rules) {
		if (!controls.some((c) => c.id === r.mcsb)) {
			controls.push({ id: r.mcsb, title: r.mcsb, area: 'Other', features: [], responsibility: 'customer', coverage: 'rules', note: 'A control the rules check that the IoT Hub baseline list here does not name.', url: BASELINE.url });
		}
	}
	return controls.map((control): ControlResult => {
		if (control.coverage !== 'rules') return { control, status: control.coverage, rules: [] };
		const outcomes: RuleOutcome[] = rules
			.filter((r) => r.mcsb === control.id && ruleAppliesTo(r, kind))
			.map((r) => {
				const level = levelOf(r, levels);
				const own = level === 'off' ? [] : findings.filter((f) => f.ruleId === r.id);
				return { ruleId: r.id, title: r.title, level, status: ruleStatus(level, own), findings: own };
			});
		if (outcomes.length === 0) return { control, status: 'not-checked', reason: 'no-rule', rules: [] };
		const on = outcomes.filter((o) => o.status !== 'off');
		if (on.length === 0) return { control, status: 'not-checked', reason: 'rule-off', rules: outcomes };
		const worst = on.reduce((a, b) => (ruleRank[b.status] > ruleRank[a.status] ? b : a));
		return { control, status: worst.status as ControlStatus, rules: outcomes };
	});
}

/** `path:line` (or just the path) for people. */
export function formatLocation(l: ReportLocation): string {
	return l.line !== undefined ? `${l.path}:${l.line}` : l.path;
}

export const STATUS_LABELS: Record<ControlStatus, string> = {
	fail: 'Fail',
	unknown: 'Unknown',
	suppressed: 'Suppressed',
	pass: 'Pass',
	platform: 'Platform-managed',
	'not-checkable': 'Not checkable in a template',
	'not-checked': 'Not checked',
};

export const RULE_STATUS_LABELS: Record<RuleStatus, string> = {
	fail: 'fail',
	unknown: 'unknown',
	suppressed: 'suppressed',
	pass: 'pass',
	off: 'not checked (rule off)',
};

export function kindLabel(kind: SubjectKind): string {
	return kind === 'iotHub' ? 'IoT Hub' : 'Device Provisioning Service';
}

/** The text after a `not-checked` label. */
export function notCheckedReason(c: ControlResult): string {
	if (c.reason === 'rule-off') return 'rule off';
	if (c.reason === 'no-rule') return 'no rule checks this control for this resource type';
	return '';
}

/** The responsibility as words. */
export function responsibilityLabel(c: BaselineControl): string {
	switch (c.responsibility) {
		case 'customer':
			return 'Customer';
		case 'microsoft':
			return 'Microsoft';
		case 'shared':
			return 'Shared';
		case 'not-supported':
			return 'Not supported by the service';
	}
}
