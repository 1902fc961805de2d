// NS-2 private link for IoT Hub and DPS: a private endpoint in the deployment that targets the resource with
// the right group id, or an Approved private endpoint connection (inline or as a child resource).

import { privateLinkGroupId } from '../../server/src/analysis/api-versions';
import type { Suggestion } from '../../server/src/analysis/findings';
import { insertResource, type Prop, type RuleContext } from '../../server/src/analysis/rule';
import { childOf, refersTo, type Verdict } from './references';
import { both, canInsertNextTo, deployedOfType, externalCandidates, isDeployed, itemsOf, named, symbolBase } from './related';

export interface PrivateLinkSpec {
	/** `IoT Hub` / `DPS`, for titles. */
	kind: string;
	messages: { missing: string; wrongGroupId: string };
}

/** A stable Microsoft.Network version with `privateLinkServiceConnections[].properties.groupIds`. */
export const PRIVATE_ENDPOINT_API_VERSION = '2023-11-01';
export const SUBNET_PARAMETER = 'privateEndpointSubnetId';

const approved = (v: unknown) => typeof v === 'string' && v.trim().toLowerCase() === 'approved';

interface Scan {
	covered: boolean;
	wrong: { prop: Prop; pe: string; groups: string }[];
	unknown: Prop[];
}

/** Fold one candidate's verdict into the scan. */
function note(scan: Scan, verdict: Verdict, prop: Prop | undefined): void {
	if (verdict === 'yes') scan.covered = true;
	else if (verdict === 'unknown' && prop) scan.unknown.push(prop);
}

/** Approved entries of `properties.privateEndpointConnections` on the resource itself. */
function inlineConnections(ctx: RuleContext, scan: Scan): void {
	const { items, unknown } = itemsOf(ctx.resource, 'properties.privateEndpointConnections');
	if (unknown) scan.unknown.push(unknown);
	for (const item of items) {
		const status = item.get('properties.privateLinkServiceConnectionState.status');
		if (!status) continue;
		note(scan, status.known ? (approved(status.value) ? 'yes' : 'no') : 'unknown', { ...status, path: `${item.path}.properties.privateLinkServiceConnectionState.status` });
	}
}

/** Child resources `<type>/privateEndpointConnections` with an Approved state. */
function childConnections(ctx: RuleContext, scan: Scan): void {
	for (const child of deployedOfType(ctx, `${ctx.resource.type}/privateEndpointConnections`)) {
		const isChild = both(childOf(child, ctx.resource), isDeployed(child.resource));
		if (isChild === 'no') continue;
		const status = child.get('properties.privateLinkServiceConnectionState.status');
		const path = 'properties.privateLinkServiceConnectionState.status';
		if (!status) continue;
		const state: Verdict = status.known ? (approved(status.value) ? 'yes' : 'no') : 'unknown';
		note(scan, both(isChild, state), named(status, child, 'private endpoint connection', path));
	}
}

function privateEndpoints(ctx: RuleContext, scan: Scan, groupId: string): void {
	for (const pe of deployedOfType(ctx, 'Microsoft.Network/privateEndpoints')) {
		const deployed = isDeployed(pe.resource);
		for (const list of ['properties.privateLinkServiceConnections', 'properties.manualPrivateLinkServiceConnections']) {
			const { items, unknown } = itemsOf(pe, list);
			if (unknown) scan.unknown.push(named(unknown, pe, 'private endpoint', list));
			for (const item of items) {
				const target = item.get('properties.privateLinkServiceId');
				const groups = item.get('properties.groupIds');
				const groupValues = groups?.known && Array.isArray(groups.value) ? (groups.value as unknown[]) : undefined;
				const hasGroup = groupValues?.some((g) => typeof g === 'string' && g.trim().toLowerCase() === groupId.toLowerCase());
				const targetPath = `${item.path}.properties.privateLinkServiceId`;
				if (item.value.kind === 'unknown' || !target) {
					if (item.value.kind === 'unknown') scan.unknown.push(named({ path: item.path, raw: item.value, value: undefined, known: false, site: pe.node, origin: item.value.origin }, pe, 'private endpoint', item.path));
					continue;
				}
				const refers = both(refersTo(target.raw, ctx.resource, pe.resource), deployed);
				if (refers === 'no') continue;
				// A connection for another service (groupIds written and without ours) does not cover this one,
				// whatever it targets; when it does target this resource, its group id is wrong.
				if (refers === 'unknown') {
					if (groupValues && !hasGroup) continue;
					scan.unknown.push(named(target, pe, 'private endpoint', targetPath));
					continue;
				}
				if (!groups || !groups.known) {
					if (groups) scan.unknown.push(named(groups, pe, 'private endpoint', `${item.path}.properties.groupIds`));
					else scan.wrong.push({ prop: target, pe: pe.name, groups: 'not set' });
					continue;
				}
				if (hasGroup) scan.covered = true;
				else scan.wrong.push({ prop: groups, pe: pe.name, groups: JSON.stringify(groups.value).replace(/"/g, "'") });
			}
		}
	}
}

/** The quick fix: a private endpoint for the resource, in a subnet given by a (new) parameter. */
function insertFix(ctx: RuleContext, spec: PrivateLinkSpec, groupId: string): Suggestion[] {
	if (!canInsertNextTo(ctx)) return [];
	const at = ctx.resource.resource.site;
	const name = { $ref: 'name' as const, resource: at, suffix: '-pe' };
	return [{
		title: `Add a private endpoint for ${spec.kind} '${ctx.resource.name}' (group id '${groupId}'; the subnet id comes from parameter '${SUBNET_PARAMETER}')`,
		edit: insertResource({
			symbolicName: `${symbolBase(ctx.resource, 'resource')}PrivateEndpoint`,
			type: 'Microsoft.Network/privateEndpoints',
			apiVersion: PRIVATE_ENDPOINT_API_VERSION,
			name,
			body: {
				location: { $ref: 'location', resource: at },
				properties: {
					subnet: { id: { $ref: 'parameter', name: SUBNET_PARAMETER } },
					privateLinkServiceConnections: [{
						name,
						properties: {
							privateLinkServiceId: { $ref: 'id', resource: at },
							groupIds: [groupId],
						},
					}],
				},
			},
			after: at,
			parameters: [{ name: SUBNET_PARAMETER, type: 'string', description: 'Resource id of the subnet the private endpoints get their addresses from.' }],
		}),
	}];
}

export function checkPrivateEndpoint(ctx: RuleContext, spec: PrivateLinkSpec): void {
	const groupId = privateLinkGroupId(ctx.resource.type) ?? '';
	const scan: Scan = { covered: false, wrong: [], unknown: [] };
	inlineConnections(ctx, scan);
	childConnections(ctx, scan);
	privateEndpoints(ctx, scan, groupId);
	if (scan.covered) return;
	const name = ctx.resource.name;
	if (scan.wrong.length > 0) {
		for (const w of scan.wrong) {
			ctx.report({ messageId: spec.messages.wrongGroupId, node: w.prop, data: { name, pe: w.pe, groups: w.groups, groupId } });
		}
		return;
	}
	const unknown = [...scan.unknown, ...externalCandidates(ctx)];
	if (unknown.length > 0) {
		ctx.unknown(unknown[0]);
		return;
	}
	ctx.report({ messageId: spec.messages.missing, data: { name, groupId }, suggest: insertFix(ctx, spec, groupId) });
}
