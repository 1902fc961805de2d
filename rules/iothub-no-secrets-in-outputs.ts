import type { Suggestion } from '../server/src/analysis/findings';
import { defineRule, markOutputSecure, removeOutput, type ResourceView } from '../server/src/analysis/rule';
import type { Output, Template } from '../server/src/analysis/types';

// Every pattern here is linear: no nested or adjacent overlapping quantifiers.
const listCall = /\blist\w*\s*\(/gi;
const devicesType = /microsoft\.devices\/(iothubs|provisioningservices)\b/i;
const otherProvider = /microsoft\.[a-z0-9]+\/[a-z]/i;
const sharedAccessKey = /sharedaccesskey\s*=/i;

type Target = { kind: 'devices'; resource?: ResourceView; dps: boolean } | { kind: 'other' } | { kind: 'unresolved' };

const isHub = (r: ResourceView) => r.isType('Microsoft.Devices/IotHubs');
const isDps = (r: ResourceView) => r.isType('Microsoft.Devices/provisioningServices');

/** The text of the first argument of the call whose `(` is at `open`, or '' (quotes and nesting aware). */
function firstArgument(text: string, open: number): string {
	let depth = 0;
	let quoted = false;
	for (let i = open + 1; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === "'") {
				if (text[i + 1] === "'") i++;
				else quoted = false;
			}
			continue;
		}
		if (c === "'") quoted = true;
		else if (c === '(' || c === '[' || c === '{') depth++;
		else if (c === ')' || c === ']' || c === '}') {
			if (depth === 0) return text.slice(open + 1, i);
			depth--;
		} else if (c === ',' && depth === 0) return text.slice(open + 1, i);
	}
	return '';
}

/** The identifier ending right before `end` (Bicep `hub` in `hub.listKeys()`), or ''. */
function identifierBefore(text: string, end: number): string {
	let start = end;
	while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
	return text.slice(start, end);
}

function bySymbol(resources: ResourceView[], symbol: string): ResourceView | undefined {
	if (symbol === '') return undefined;
	return resources.find((r) => r.resource.symbolicName !== undefined && r.resource.symbolicName.toLowerCase() === symbol.toLowerCase());
}

function targetOfResource(r: ResourceView): Target {
	// Child types (`IotHubs/IotHubKeys`, `provisioningServices/keys`) belong to their hub or DPS.
	const type = r.type.toLowerCase();
	if (type.startsWith('microsoft.devices/iothubs')) return { kind: 'devices', resource: r, dps: false };
	if (type.startsWith('microsoft.devices/provisioningservices')) return { kind: 'devices', resource: r, dps: true };
	return { kind: 'other' };
}

/** What a list*() call at `match` lists the keys of. */
function targetOf(text: string, match: RegExpExecArray, resources: ResourceView[]): Target {
	const open = match.index + match[0].length - 1;
	// Bicep member form: `hub.listKeys()`.
	if (match.index > 0 && text[match.index - 1] === '.') {
		const r = bySymbol(resources, identifierBefore(text, match.index - 1));
		return r ? targetOfResource(r) : { kind: 'unresolved' };
	}
	const arg = firstArgument(text, open).trim();
	const typed = devicesType.exec(arg);
	if (typed) return { kind: 'devices', dps: typed[1].toLowerCase() === 'provisioningservices' };
	if (otherProvider.test(arg)) return { kind: 'other' };
	// A symbolic name: ARM languageVersion 2.0 `listKeys('hub', ...)`, Bicep `listKeys(hub.id, ...)`.
	const quoted = arg.length > 2 && arg.startsWith("'") && arg.endsWith("'") ? arg.slice(1, -1) : undefined;
	const leading = /^[A-Za-z_][A-Za-z0-9_]*/.exec(arg)?.[0] ?? '';
	const r = bySymbol(resources, quoted ?? leading);
	return r ? targetOfResource(r) : { kind: 'unresolved' };
}

interface Exposure {
	what: string;
	target: Target & { kind: 'devices' };
}

/** Whether an output's expression exposes a hub or DPS key, and whose. */
function exposure(output: Output, resources: ResourceView[]): Exposure | undefined {
	const text = output.expressionText;
	const devices = resources.filter((r) => isHub(r) || isDps(r));
	// A resource id the text cannot name (a variable, a parameter) is taken to be the template's hub or DPS
	// when there is one: a key in an output is a leak either way. A DPS host name or name points at the DPS.
	const guess = (): (Target & { kind: 'devices' }) | undefined => {
		const dpsFirst = /provisioning|serviceoperationshostname|dps/i.test(text) && devices.some(isDps);
		const pool = devices.filter((r) => (dpsFirst ? isDps(r) : isHub(r)));
		const candidates = pool.length > 0 ? pool : devices;
		if (candidates.length === 0) return undefined;
		return { kind: 'devices', resource: candidates.length === 1 ? candidates[0] : undefined, dps: candidates.every(isDps) };
	};
	const connectionString = sharedAccessKey.test(text);
	const what = connectionString ? 'a connection string with a shared access key' : 'the keys returned by listKeys()';
	listCall.lastIndex = 0;
	for (let m = listCall.exec(text); m; m = listCall.exec(text)) {
		const t = targetOf(text, m, resources);
		if (t.kind === 'devices') {
			// `resourceId('Microsoft.Devices/IotHubs', ...)`: name the template's hub when it has just one.
			const same = devices.filter((r) => isDps(r) === t.dps);
			return { what, target: t.resource || same.length !== 1 ? t : { ...t, resource: same[0] } };
		}
		if (t.kind === 'unresolved') {
			const g = guess();
			if (g) return { what, target: g };
		}
	}
	if (connectionString) {
		const g = guess();
		if (g) return { what, target: g };
	}
	return undefined;
}

function describeTarget(t: Exposure['target']): string {
	const kind = t.dps ? 'DPS' : 'IoT Hub';
	return t.resource ? `${kind} '${t.resource.name}'` : t.dps ? 'a DPS' : 'an IoT Hub';
}

function fixes(template: Template, output: Output): Suggestion[] {
	const out: Suggestion[] = [];
	const type = (output.type ?? '').toLowerCase();
	if (type === 'string' || type === 'object') {
		const how = template.format === 'bicep' ? '@secure()' : type === 'object' ? 'secureObject' : 'securestring';
		out.push({ title: `Mark output '${output.name}' as ${how}`, edit: markOutputSecure(output.name) });
	}
	out.push({ title: `Remove output '${output.name}' (deployments that read it must get the key another way)`, edit: removeOutput(output.name) });
	return out;
}

export default defineRule({
	id: 'iothub-no-secrets-in-outputs',
	mcsb: 'IM-8',
	title: 'Template outputs should not expose IoT Hub or DPS keys',
	severity: 'error',
	resourceTypes: [],
	fix: 'suggestion',
	messages: {
		secretOutput:
			"IM-8: Output '{{output}}' (outputs.{{output}}) exposes {{what}} of {{target}} in plain text; deployment outputs can be read by anyone with read access to the deployment. {{remedy}}",
	},
	checkTemplate({ template, resources, report }) {
		for (const output of template.outputs) {
			if (output.secure) continue;
			const found = exposure(output, resources);
			if (!found) continue;
			report({
				messageId: 'secretOutput',
				node: { uri: template.uri, span: output.nameSpan },
				data: {
					output: output.name,
					what: found.what,
					target: describeTarget(found.target),
					remedy: template.format === 'bicep' ? 'Mark the output @secure() or remove it.' : 'Declare the output as securestring (or secureObject) or remove it.',
				},
				suggest: fixes(template, output),
			});
		}
	},
});
