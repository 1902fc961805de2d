import { newestStableWith, supportsProperty } from '../server/src/analysis/api-versions';
import type { EditIntent, JsonValue, Suggestion } from '../server/src/analysis/findings';
import { defineRule, member, raiseApiVersion, setProperty, type Prop, type RuleContext } from '../server/src/analysis/rule';
import type { Location, Value } from '../server/src/analysis/types';
import { allowedValuesAllSecure, display } from './support/secure-property';

const RULES = 'properties.networkRuleSets';
const ACTION = 'properties.networkRuleSets.defaultAction';
const APPLY = 'properties.networkRuleSets.applyToBuiltInEventHubEndpoint';

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);
const isDeny = (v: unknown) => lower(v) === 'deny';
const isTrue = (v: unknown) => v === true;
const isOpenMask = (v: unknown) => typeof v === 'string' && v.replace(/\s+/g, '') === '0.0.0.0/0';

const consequence = 'devices and services outside the allowed IP ranges are then rejected';
const addTitle = `Add networkRuleSets with defaultAction 'Deny' and applyToBuiltInEventHubEndpoint true (${consequence}; list them in ipRules)`;
// ipRules is required whenever networkRuleSets is written.
const newRuleSet: JsonValue = { defaultAction: 'Deny', applyToBuiltInEventHubEndpoint: true, ipRules: [] };

/** The quick fix for the rule set: one title per combination of edits, each telling the consequence. */
function fix(setAction: EditIntent | undefined, setApply?: EditIntent): Suggestion {
	const edit = [setAction, setApply].filter((e): e is EditIntent => !!e);
	if (setAction && setApply) return { title: `Set networkRuleSets.defaultAction to 'Deny' and applyToBuiltInEventHubEndpoint to true (${consequence})`, edit };
	if (setAction) return { title: `Set networkRuleSets.defaultAction to 'Deny' (${consequence})`, edit };
	return { title: `Set networkRuleSets.applyToBuiltInEventHubEndpoint to true (readers of the built-in Event Hub-compatible endpoint outside the allowed IP ranges are then rejected)`, edit };
}

type State = 'secure' | 'insecure' | 'missing' | 'unknown';

function stateOf(ctx: RuleContext, prop: Prop | undefined, isSecure: (v: unknown) => boolean): State {
	if (!prop) return 'missing';
	if (!prop.known) return allowedValuesAllSecure(ctx, prop, isSecure) ? 'secure' : 'unknown';
	return isSecure(prop.value) ? 'secure' : 'insecure';
}

function within(loc: Location, outer: Location): boolean {
	return loc.uri === outer.uri && loc.span.start >= outer.span.start && loc.span.end <= outer.span.end;
}

export default defineRule({
	id: 'iothub-ip-filter-default-deny',
	mcsb: 'NS-2',
	title: 'IoT Hub with public network access should deny traffic by default and allow only known IP ranges',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		networkRulesMissing: "NS-2: IoT Hub '{{name}}' allows public network access but does not set properties.networkRuleSets, so connections from any IP address are accepted. Set properties.networkRuleSets.defaultAction to 'Deny', applyToBuiltInEventHubEndpoint to true and allow the device address ranges in ipRules, or disable public network access.",
		defaultActionInsecure: "NS-2: IoT Hub '{{name}}' accepts connections from any IP address (networkRuleSets.defaultAction: {{actual}}). Set properties.networkRuleSets.defaultAction to 'Deny' and allow the device address ranges in ipRules.",
		builtInEndpointInsecure: "NS-2: IoT Hub '{{name}}' does not apply its IP rules to the built-in Event Hub-compatible endpoint (networkRuleSets.applyToBuiltInEventHubEndpoint: {{actual}}). Set properties.networkRuleSets.applyToBuiltInEventHubEndpoint to true.",
		builtInEndpointMissing: "NS-2: IoT Hub '{{name}}' does not set properties.networkRuleSets.applyToBuiltInEventHubEndpoint, so its IP rules do not protect the built-in Event Hub-compatible endpoint. Set properties.networkRuleSets.applyToBuiltInEventHubEndpoint to true.",
		openIpFilterRule: "NS-2: IoT Hub '{{name}}' has an IP filter rule {{filter}}that accepts every IPv4 address (properties.ipFilterRules[{{index}}]: action {{action}}, ipMask {{mask}}). Remove the rule or narrow its ipMask to the device address ranges.",
		openIpRule: "NS-2: IoT Hub '{{name}}' has a network rule {{filter}}that allows every IPv4 address (properties.networkRuleSets.ipRules[{{index}}]: action {{action}}, ipMask {{mask}}). Remove the rule or narrow its ipMask to the device address ranges.",
		apiTooOld: "NS-2: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.networkRuleSets, so connections from any IP address are accepted. Raise apiVersion to {{version}} and set properties.networkRuleSets.defaultAction to 'Deny' and applyToBuiltInEventHubEndpoint to true, or disable public network access.",
	},
	check(ctx) {
		const { resource } = ctx;
		// With public network access disabled there is no public endpoint to filter. A value known only at
		// deployment stays silent here: iothub-disable-public-network-access reports it.
		const access = stateOf(ctx, resource.get('properties.publicNetworkAccess'), (v) => lower(v) === 'disabled');
		if (access === 'secure' || access === 'unknown') return;

		const data = { name: resource.name, apiVersion: resource.apiVersion ?? '?' };
		const ruleSet = resource.get(RULES);
		if (!ruleSet) {
			if (supportsProperty(resource.type, resource.apiVersion, RULES) === false) {
				const version = newestStableWith(resource.type, [ACTION, APPLY]);
				ctx.report({
					messageId: 'apiTooOld',
					data: { ...data, version: version ?? '?' },
					suggest: version ? [{ title: `${addTitle} (raises apiVersion to ${version})`, edit: [raiseApiVersion(version), setProperty(RULES, newRuleSet)] }] : [],
				});
			} else {
				ctx.report({ messageId: 'networkRulesMissing', data, suggest: [{ title: addTitle, edit: setProperty(RULES, newRuleSet) }] });
			}
		} else if (ruleSet.raw.kind === 'unknown') {
			ctx.unknown(ruleSet);
		} else {
			// A rule set without defaultAction denies: 'Deny' is the service default once networkRuleSets is written.
			const action = resource.get(ACTION);
			const apply = resource.get(APPLY);
			const actionState = action ? stateOf(ctx, action, isDeny) : 'secure';
			const applyState = stateOf(ctx, apply, isTrue);
			const setAction = actionState === 'insecure' ? setProperty(ACTION, 'Deny') : undefined;
			const setApply = applyState === 'insecure' || applyState === 'missing' ? setProperty(APPLY, true) : undefined;
			// One fix sets both, except when one of them has to be inserted: the JSON writer reformats the
			// object around an insertion, which would overlap the other edit, so each finding then fixes its own.
			const both = setAction && setApply && applyState !== 'missing' ? fix(setAction, setApply) : undefined;
			if (action && setAction) ctx.report({ messageId: 'defaultActionInsecure', node: action, data: { ...data, actual: display(action.value) }, suggest: [both ?? fix(setAction)] });
			else if (action && actionState === 'unknown') ctx.unknown(action);
			if (apply && applyState === 'insecure' && setApply) ctx.report({ messageId: 'builtInEndpointInsecure', node: apply, data: { ...data, actual: display(apply.value) }, suggest: [both ?? fix(undefined, setApply)] });
			else if (applyState === 'missing' && setApply) ctx.report({ messageId: 'builtInEndpointMissing', data, suggest: [fix(undefined, setApply)] });
			else if (apply && applyState === 'unknown') ctx.unknown(apply);
		}

		// Rules that open the filter to the whole IPv4 space, in the legacy list and in the rule set.
		reportOpenRules(ctx, resource.get('properties.ipFilterRules'), 'openIpFilterRule', 'accept', false);
		if (ruleSet && ruleSet.raw.kind === 'object') reportOpenRules(ctx, resource.get('properties.networkRuleSets.ipRules'), 'openIpRule', 'allow', true);
	},
});

/** Report each entry of an IP rule list that lets `0.0.0.0/0` in, at the entry (or at the list when the entry is written elsewhere). */
function reportOpenRules(ctx: RuleContext, list: Prop | undefined, messageId: string, openAction: string, actionDefaultsOpen: boolean): void {
	if (!list) return;
	if (list.raw.kind === 'unknown') {
		ctx.unknown(list);
		return;
	}
	if (list.raw.kind !== 'array') return;
	list.raw.items.forEach((item: Value, index) => {
		const action = member(item, 'action');
		const mask = member(item, 'ipMask');
		if (!mask || mask.kind !== 'string' || !isOpenMask(mask.value)) return;
		// networkRuleSets.ipRules[].action has the single value 'Allow', which is also what a missing action means.
		const open = action === undefined ? actionDefaultsOpen : action.kind === 'string' && lower(action.value) === openAction;
		if (!open) return;
		const name = member(item, 'filterName');
		const data = {
			name: ctx.resource.name,
			index,
			filter: name?.kind === 'string' ? `'${name.value}' ` : '',
			action: action?.kind === 'string' ? display(action.value) : 'not set',
			mask: display(mask.value),
		};
		const o = item.origin;
		if (o && within(o, ctx.resource.resource.site)) {
			ctx.report({ messageId, node: { uri: o.uri, span: o.span }, data });
		} else {
			// Written in a parameter default, parameter file or variable: show it at the list, point at the entry.
			ctx.report({ messageId, node: { ...list, origin: o ?? list.origin }, data });
		}
	});
}
