import type { Finding, Fix, RelatedInformation } from './findings';
import { resolveSuggestion } from './fix/resolve';
import { ResourceView, TypeIndex, levelOf, type Prop, type ReportDescriptor, type Rule } from './rule';
import type { Location, Resource, Severity, Template } from './types';

export interface EngineConfig {
	/** Rule id → level; missing ids use the catalog default. */
	levels?: Record<string, Severity>;
	/** Report values that cannot be verified statically as info ("cannot verify: depends on parameter 'x'"). */
	reportUnknown?: boolean;
	/** Called when a rule throws; the other rules still run. */
	onRuleError?(ruleId: string, error: unknown): void;
	/** Tests: rethrow rule errors instead of logging them. */
	rethrow?: boolean;
}

const sourceText: Record<string, string> = {
	parameterDefault: 'the default value of parameter',
	parameterFile: 'the parameter file value of',
	variable: 'variable',
	moduleArgument: 'the value passed for',
};

function isLocation(x: Prop | Location): x is Location {
	return (x as Location).span !== undefined && (x as Prop).raw === undefined;
}

const templates = new Map<string, (string | { key: string })[]>();

/** `{{key}}` placeholders of a message filled in from data (unknown keys stay as written). */
function format(message: string, data: ReportDescriptor['data']): string {
	let parts = templates.get(message);
	if (!parts) {
		parts = [];
		let last = 0;
		for (const m of message.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
			parts.push(message.slice(last, m.index), { key: m[1] });
			last = m.index + m[0].length;
		}
		parts.push(message.slice(last));
		if (templates.size < 4096) templates.set(message, parts);
	}
	let out = '';
	for (const p of parts) {
		if (typeof p === 'string') out += p;
		else {
			const v = data?.[p.key];
			out += v === undefined ? `{{${p.key}}}` : String(v);
		}
	}
	return out;
}

function sameLocation(a: Location, b: Location): boolean {
	return a.uri === b.uri && a.span.start === b.span.start && a.span.end === b.span.end;
}

/** A resource is checked unless it is only a reference or its condition is known to be false. */
function deployed(resource: Resource): boolean {
	if (resource.existing) return false;
	const c = resource.condition;
	if (c && c.kind === 'boolean' && !c.value) return false;
	return true;
}

const typeSets = new Map<Rule, Set<string>>();

/** The rule's resource types, lower-cased (rules live as long as the process). */
function typeSetOf(rule: Rule): Set<string> {
	let set = typeSets.get(rule);
	if (!set) {
		set = new Set(rule.resourceTypes.map((t) => t.toLowerCase()));
		if (typeSets.size < 1024) typeSets.set(rule, set);
	}
	return set;
}

/** Run the rules over one template. Findings are sorted by position; rule errors are isolated. */
export function runRules(template: Template, rules: Rule[], config: EngineConfig = {}): Finding[] {
	const findings: Finding[] = [];
	const views = template.resources.map((r) => new ResourceView(r, template));
	const index = new TypeIndex(views);
	const ofType = (type: string) => index.ofType(type);
	const ofTypeWhere = (test: (typeKey: string) => boolean) => index.where(test);
	const memo = new Map<string, unknown>();
	const shared = <T>(key: string, compute: () => T): T => {
		if (!memo.has(key)) memo.set(key, compute());
		return memo.get(key) as T;
	};
	for (const rule of rules) {
		const level = levelOf(rule, config.levels);
		if (level === 'off') continue;
		const types = typeSetOf(rule);
		const makeReport = (view: ResourceView | undefined) => (d: ReportDescriptor) => {
			findings.push(buildFinding(template, rule, level, view, d));
		};
		try {
			if (rule.checkTemplate) {
				rule.checkTemplate({ template, resources: views, ofType, ofTypeWhere, shared, report: makeReport(undefined) });
			}
			if (rule.check && types.size > 0) {
				const checked = types.size === 1 ? index.ofType(rule.resourceTypes[0]) : index.where((t) => types.has(t));
				for (const view of checked) {
					if (!deployed(view.resource)) continue;
					const report = makeReport(view);
					rule.check({
						resource: view,
						template,
						resources: views,
						ofType,
						ofTypeWhere,
						shared,
						report,
						unknown(prop, data) {
							if (!config.reportUnknown) return;
							const reason = prop.raw.kind === 'unknown' ? prop.raw.reason : 'value known only at deployment';
							findings.push({
								...buildFinding(template, rule, 'info', view, { messageId: '', node: prop, data }),
								message: `${rule.mcsb}: Cannot verify ${prop.path} of ${describe(view)}: ${reason}.`,
								fixes: [],
								unknown: true,
							});
						},
					});
				}
			}
		} catch (error) {
			if (config.rethrow) throw error;
			config.onRuleError?.(rule.id, error);
		}
	}
	findings.sort((a, b) => (a.location.uri === b.location.uri ? a.location.span.start - b.location.span.start || a.ruleId.localeCompare(b.ruleId) : a.location.uri.localeCompare(b.location.uri)));
	return findings;
}

/**
 * An array computed on its first use. A proxy rather than a getter on the finding: copies of a finding
 * (`{ ...f, suppression }`) share the one list, and V8 keeps objects with accessor properties, and everything
 * they reach, through minor GCs (a getter per finding made the GC cost of an analysis several times higher).
 */
function lazyList<T>(compute: () => T[]): T[] {
	const items: T[] = [];
	let ready = false;
	const read = (): T[] => {
		if (!ready) {
			ready = true;
			items.push(...compute());
		}
		return items;
	};
	return new Proxy(items, {
		get: (_t, key) => Reflect.get(read(), key),
		set: (_t, key, value) => Reflect.set(read(), key, value),
		has: (_t, key) => Reflect.has(read(), key),
		ownKeys: () => Reflect.ownKeys(read()),
		getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(read(), key),
		defineProperty: (_t, key, descriptor) => Reflect.defineProperty(read(), key, descriptor),
		deleteProperty: (_t, key) => Reflect.deleteProperty(read(), key),
	});
}

/** A fix on a resource depends on its apiVersion unless it is the fix that changes it. */
function claimApiVersion(fix: Fix, api: Location | undefined): Fix {
	if (!api) return fix;
	const touchesApi = (fix.edits[api.uri] ?? []).some((e) => e.span.start <= api.span.end && api.span.start <= e.span.end);
	return touchesApi ? fix : { ...fix, claims: { [api.uri]: [api.span] } };
}

function describe(view: ResourceView): string {
	const kind = view.isType('Microsoft.Devices/IotHubs') ? 'IoT Hub' : view.isType('Microsoft.Devices/provisioningServices') ? 'DPS' : view.type;
	return `${kind} '${view.name}'`;
}

const rank: Record<Exclude<Severity, 'off'>, number> = { info: 0, warning: 1, error: 2 };

/** The configured level, lowered to the descriptor's own severity when that is weaker (never raised). */
function cappedLevel(level: Exclude<Severity, 'off'>, cap: Exclude<Severity, 'off'> | undefined): Exclude<Severity, 'off'> {
	return cap !== undefined && rank[cap] < rank[level] ? cap : level;
}

function buildFinding(template: Template, rule: Rule, level: Exclude<Severity, 'off'>, view: ResourceView | undefined, d: ReportDescriptor): Finding {
	const related: RelatedInformation[] = [...(d.related ?? [])];
	let location: Location;
	const node = d.node;
	if (!node) {
		location = view ? view.node : { uri: template.uri, span: { start: 0, end: 0 } };
	} else if (isLocation(node)) {
		location = node;
	} else {
		location = node.site;
		const o = node.origin;
		if (o && o.source !== 'literal' && o.source !== 'computed' && !sameLocation(o, location)) {
			const message = node.raw.kind === 'unknown'
				? `The value depends on parameter '${o.name ?? '?'}', which has no value here.`
				: `The value comes from ${sourceText[o.source] ?? o.source} '${o.name ?? '?'}'.`;
			related.push({ location: { uri: o.uri, span: o.span }, message });
		}
	}
	// A resource declared in a module lives in another document: show the finding in this one,
	// at the caller's argument when the value comes from it, else at the module declaration.
	if (location.uri !== template.uri) {
		const inner = location;
		const o = node && !isLocation(node) ? node.origin : undefined;
		if (o && o.uri === template.uri) location = { uri: o.uri, span: o.span };
		else if (view?.resource.via?.length) {
			// Modules nest: pick the declaration in this document (the outermost module call).
			const via = view.resource.via;
			location = via.find((l) => l.uri === template.uri) ?? via[via.length - 1];
		}
		related.push({ location: inner, message: 'The resource is declared here.' });
	}
	const message = format(rule.messages[d.messageId] ?? d.messageId, d.data);
	const suggestions = d.suggest ?? [];
	const finding: Finding = {
		ruleId: rule.id,
		messageId: d.messageId || undefined,
		control: rule.mcsb,
		severity: cappedLevel(level, d.severity),
		message,
		location,
		related,
		// Writing a fix's text edits costs as much as a small re-parse (jsonc modify re-reads the document),
		// and most findings are never fixed: resolve them when someone first asks (a code action, a report).
		fixes:
			suggestions.length === 0
				? []
				: lazyList(() =>
						suggestions
							.map((s) => resolveSuggestion(template, view?.resource, s, rule.id, rule.fix === 'safe' && s.kind !== 'suggestion' ? 'safe' : 'suggestion'))
							.filter((f): f is Fix => f !== undefined)
							.map((f) => claimApiVersion(f, view?.resource.apiVersionSite)),
					),
		resourceName: view?.name,
		resourceType: view?.type,
	};
	return finding;
}
