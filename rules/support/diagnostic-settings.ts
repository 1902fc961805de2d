// LT-4 resource logs for IoT Hub and DPS: a Microsoft.Insights/diagnosticSettings scoped to the resource that
// enables at least one log category (or category group) and sends it somewhere.

import { diagnosticFacts } from '../../server/src/analysis/api-versions';
import type { InsertValue, Suggestion } from '../../server/src/analysis/findings';
import { insertResource, type Prop, type ResourceView, type RuleContext } from '../../server/src/analysis/rule';
import { extensionOf, type Verdict } from './references';
import { both, canInsertNextTo, externalCandidates, isDeployed, itemsOf, named, symbolBase } from './related';

export interface DiagnosticSpec {
	/** `IoT Hub` / `DPS`, for titles. */
	kind: string;
}

export const DIAGNOSTIC_SETTINGS_API_VERSION = '2021-05-01-preview';
export const WORKSPACE_PARAMETER = 'logAnalyticsWorkspaceId';
const DESTINATIONS = ['workspaceId', 'storageAccountId', 'eventHubAuthorizationRuleId'];

type Outcome = { kind: 'ok' } | { kind: 'unknown'; prop: Prop } | { kind: 'noLogs'; prop?: Prop; metrics: boolean } | { kind: 'noDestination'; prop?: Prop };

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);

/** Does one `logs[]` entry enable a log category of the resource type? */
function logEntry(get: (p: string) => Prop | undefined, categories: Set<string>, groups: Set<string>): 'yes' | 'no' | Prop {
	const enabled = get('enabled');
	const category = get('category');
	const group = get('categoryGroup');
	const names = [category, group].filter((p): p is Prop => !!p);
	const unknownName = names.find((p) => !p.known);
	const listed = (category?.known && categories.has(lower(category.value) ?? '')) || (group?.known && groups.has(lower(group.value) ?? ''));
	if (!listed && !unknownName) return 'no';
	if (enabled && !enabled.known) return enabled;
	if (enabled?.value !== true) return 'no';
	return listed ? 'yes' : (unknownName as Prop);
}

/** Is a destination value usable? An empty default of a parameter is a placeholder the deployment fills in. */
function destination(prop: Prop | undefined): Verdict {
	if (!prop) return 'no';
	if (!prop.known) return 'unknown';
	if (typeof prop.value !== 'string') return 'no';
	if (prop.value.trim() !== '') return 'yes';
	const source = prop.origin?.source;
	return source === 'parameterDefault' || source === 'parameterFile' ? 'unknown' : 'no';
}

function evaluate(setting: ResourceView, categories: Set<string>, groups: Set<string>): Outcome {
	const logs = itemsOf(setting, 'properties.logs');
	if (logs.unknown) return { kind: 'unknown', prop: named(logs.unknown, setting, 'diagnostic setting', 'properties.logs') };
	let good = false;
	let unknown: Prop | undefined;
	for (const item of logs.items) {
		if (item.value.kind === 'unknown') {
			unknown ??= { path: item.path, raw: item.value, value: undefined, known: false, site: setting.get('properties.logs')?.site ?? setting.node, origin: item.value.origin };
			continue;
		}
		const v = logEntry(item.get, categories, groups);
		if (v === 'yes') good = true;
		else if (v !== 'no') unknown ??= { ...v, path: `${item.path}.${v.path}` };
	}
	if (!good) {
		if (unknown) return { kind: 'unknown', prop: named(unknown, setting, 'diagnostic setting', unknown.path) };
		const metrics = itemsOf(setting, 'properties.metrics').items.length > 0;
		return { kind: 'noLogs', prop: setting.get('properties.logs') ?? setting.get('properties.metrics'), metrics };
	}
	let dest: Verdict = 'no';
	let unknownDest: Prop | undefined;
	for (const key of DESTINATIONS) {
		const prop = setting.get(`properties.${key}`);
		const d = destination(prop);
		if (d === 'yes') {
			dest = 'yes';
			break;
		}
		if (d === 'unknown' && prop) {
			dest = 'unknown';
			unknownDest ??= named(prop, setting, 'diagnostic setting', `properties.${key}`);
		}
	}
	if (dest === 'yes') return { kind: 'ok' };
	if (dest === 'unknown' && unknownDest) return { kind: 'unknown', prop: unknownDest };
	return { kind: 'noDestination', prop: setting.get('properties') };
}

/** The scope (or the nested name) of a setting whose target is known only at deployment, for "cannot verify". */
function targetProp(setting: ResourceView): Prop {
	const r = setting.resource;
	const raw = r.scope ?? r.name;
	const path = r.scope ? 'scope' : 'name';
	return named(setting.get(path) ?? { path, raw, value: undefined, known: false, site: setting.node }, setting, 'diagnostic setting', path);
}

/** The quick fix: diagnostic settings with categoryGroup allLogs, to the template's workspace or a new parameter. */
function insertFix(ctx: RuleContext, spec: DiagnosticSpec): Suggestion[] {
	if (!canInsertNextTo(ctx)) return [];
	const at = ctx.resource.resource.site;
	// A workspace declared at the top level of this document is used; otherwise its id becomes a parameter.
	const workspace = ctx.ofType('Microsoft.OperationalInsights/workspaces').find((v) => {
		const r = v.resource;
		if (r.site.uri !== ctx.template.uri || r.inLoop || r.via?.length) return false;
		if (r.format === 'json' && r.jsonPath?.length !== 2) return false;
		return r.existing || isDeployed(r) === 'yes';
	});
	const workspaceId: InsertValue = workspace ? { $ref: 'id', resource: workspace.resource.site } : { $ref: 'parameter', name: WORKSPACE_PARAMETER };
	const where = workspace ? `Log Analytics workspace '${workspace.name}'` : `the Log Analytics workspace given by parameter '${WORKSPACE_PARAMETER}'`;
	return [{
		title: `Add diagnostic settings that send all resource logs of ${spec.kind} '${ctx.resource.name}' to ${where}`,
		edit: insertResource({
			symbolicName: `${symbolBase(ctx.resource, 'resource')}Diagnostics`,
			type: 'Microsoft.Insights/diagnosticSettings',
			apiVersion: DIAGNOSTIC_SETTINGS_API_VERSION,
			name: { $ref: 'name', resource: at, suffix: '-diagnostics' },
			scope: at,
			body: {
				properties: {
					workspaceId,
					logs: [{ categoryGroup: 'allLogs', enabled: true }],
				},
			},
			after: at,
			dependsOn: workspace && !workspace.resource.existing ? [workspace.resource.site] : undefined,
			parameters: workspace ? [] : [{ name: WORKSPACE_PARAMETER, type: 'string', description: 'Resource id of the Log Analytics workspace that receives the resource logs.' }],
		}),
	}];
}

/** `Microsoft.Insights/diagnosticSettings`, or the old nested form `<type>/providers/diagnosticSettings` (lower-cased). */
function isDiagnosticSettingsType(typeKey: string): boolean {
	return typeKey === 'microsoft.insights/diagnosticsettings' || typeKey.endsWith('/providers/diagnosticsettings');
}

export function checkDiagnosticLogs(ctx: RuleContext, spec: DiagnosticSpec): void {
	const facts = diagnosticFacts(ctx.resource.type);
	const categories = new Set((facts?.logCategories ?? []).map((c) => c.toLowerCase()));
	const groups = new Set((facts?.categoryGroups ?? []).map((c) => c.toLowerCase()));
	const outcomes: { setting: ResourceView; outcome: Outcome }[] = [];
	const unknown: Prop[] = [];
	const settings = ctx.ofTypeWhere(isDiagnosticSettingsType).filter((v) => isDeployed(v.resource) !== 'no');
	for (const setting of settings) {
		const scoped = both(extensionOf(setting, ctx.resource), isDeployed(setting.resource));
		if (scoped === 'no') continue;
		const outcome = evaluate(setting, categories, groups);
		if (scoped === 'unknown') {
			// Not known to be this resource's: it can only make the result unknown, never a finding.
			if (outcome.kind !== 'noLogs' && outcome.kind !== 'noDestination') unknown.push(targetProp(setting));
			continue;
		}
		if (outcome.kind === 'ok') return;
		if (outcome.kind === 'unknown') unknown.push(outcome.prop);
		else outcomes.push({ setting, outcome });
	}
	unknown.push(...externalCandidates(ctx));
	if (unknown.length > 0) {
		ctx.unknown(unknown[0]);
		return;
	}
	const name = ctx.resource.name;
	if (outcomes.length === 0) {
		ctx.report({ messageId: 'noSettings', data: { name }, suggest: insertFix(ctx, spec) });
		return;
	}
	for (const { setting, outcome } of outcomes) {
		if (outcome.kind === 'noLogs') {
			ctx.report({ messageId: 'metricsOnly', node: outcome.prop ?? setting.node, data: { name, setting: setting.name, what: outcome.metrics ? 'only metrics, no resource logs' : 'no resource logs' } });
		} else if (outcome.kind === 'noDestination') {
			ctx.report({ messageId: 'noDestination', node: outcome.prop ?? setting.node, data: { name, setting: setting.name } });
		}
	}
}
