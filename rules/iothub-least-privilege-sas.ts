import { trimTrailingSlashes } from '../server/src/analysis/arm/expression';
import { builtInRoles, builtInRole } from '../server/src/analysis/data/roles';
import { defineRule, type RuleContext } from '../server/src/analysis/rule';
import { arrayEntries } from './support/hub-entries';
import { parseResourceId } from './support/references';
import { allowedValuesAllSecure } from './support/secure-property';

// RegistryWrite + ServiceConnect + DeviceConnect is what the built-in iothubowner policy grants: one key that
// can create devices, act as the back end and impersonate any device.
const ownerRights = ['registrywrite', 'serviceconnect', 'deviceconnect'];

/** The rights of a policy, lower-cased (`"RegistryWrite, ServiceConnect"` → `['registrywrite', 'serviceconnect']`). */
function rightsOf(value: string): string[] {
	return value
		.split(',')
		.map((r) => r.trim().toLowerCase())
		.filter((r) => r !== '');
}

const leastPrivilege = (v: unknown) => typeof v === 'string' && !ownerRights.every((r) => rightsOf(v).includes(r));

/** The shared access policies of the hub (`properties.authorizationPolicies[]`). */
function checkSasPolicies(ctx: RuleContext): void {
	const policies = arrayEntries(ctx, 'properties.authorizationPolicies', ['keyName']);
	for (const policy of policies.entries) {
		const rights = policy.get('rights');
		if (!rights) continue;
		if (!rights.known) {
			if (!allowedValuesAllSecure(ctx, rights, leastPrivilege)) ctx.unknown({ ...rights, path: `${policy.path}.rights` });
			continue;
		}
		if (typeof rights.value !== 'string' || leastPrivilege(rights.value)) continue;
		ctx.report({
			messageId: 'ownerEquivalentPolicy',
			node: rights,
			data: { name: ctx.resource.name, policy: policy.label, path: `${policy.path}.rights`, rights: rights.value },
		});
	}
	for (const prop of policies.unknown) ctx.unknown(prop);
}

const HUB_TYPE = 'microsoft.devices/iothubs';
const NESTED_ROLE_ASSIGNMENT = 'Microsoft.Devices/IotHubs/providers/roleAssignments';
const dataRoles = builtInRoles.filter((r) => r.iotHubData).map((r) => r.name);

/**
 * The IoT hub a role assignment is scoped to: its name; 'unknown' when the scope is known only at deployment;
 * undefined when it is not a hub. Bicep `scope: hub` and ARM `scope` evaluate to the hub's id; the old nested
 * form is `Microsoft.Devices/IotHubs/providers/roleAssignments` named `hub/Microsoft.Authorization/<guid>`.
 */
function hubOf(ctx: RuleContext): { hub: string } | 'unknown' | undefined {
	const r = ctx.resource.resource;
	if (ctx.resource.isType(NESTED_ROLE_ASSIGNMENT)) {
		return r.name.kind === 'string' ? { hub: r.name.value.split('/')[0] } : 'unknown';
	}
	const scope = r.scope;
	if (!scope || scope.kind === 'null') return undefined;
	if (scope.kind === 'unknown') return 'unknown';
	if (scope.kind !== 'string') return undefined;
	const id = parseResourceId(scope.value);
	if (id) {
		const segments = id.path.split('/');
		return segments.length === 3 && `${segments[0]}/${segments[1]}` === HUB_TYPE ? { hub: trimTrailingSlashes(scope.value.trim()).split('/').pop() as string } : undefined;
	}
	// languageVersion 2.0: a symbolic name of the template.
	const target = ctx.template.resources.find((x) => x.symbolicName === scope.value && x.site.uri === r.site.uri);
	if (!target || target.type.toLowerCase() !== HUB_TYPE) return undefined;
	return target.name.kind === 'string' ? { hub: target.name.value } : { hub: target.symbolicName ?? scope.value };
}

/** Role assignments scoped to a hub: Owner and Contributor are more than data-plane clients need. */
function checkRoleAssignment(ctx: RuleContext): void {
	const role = ctx.resource.get('properties.roleDefinitionId');
	if (!role) return;
	if (!role.known) {
		if (hubOf(ctx) !== undefined) ctx.unknown(role);
		return;
	}
	const builtIn = typeof role.value === 'string' ? builtInRole(role.value) : undefined;
	if (!builtIn?.broad) return;
	const hub = hubOf(ctx);
	if (hub === undefined) return;
	if (hub === 'unknown') {
		const scope = ctx.resource.get('scope') ?? ctx.resource.get('name');
		if (scope) ctx.unknown(scope);
		return;
	}
	ctx.report({
		messageId: 'broadRoleAssignment',
		node: role,
		data: { assignment: ctx.resource.name, role: builtIn.name, hub: hub.hub, roles: dataRoles.join(', ') },
	});
}

export default defineRule({
	id: 'iothub-least-privilege-sas',
	mcsb: 'PA-7',
	title: 'IoT Hub shared access policies and role assignments should grant only the access their clients need',
	severity: 'info',
	resourceTypes: ['Microsoft.Devices/IotHubs', 'Microsoft.Authorization/roleAssignments', NESTED_ROLE_ASSIGNMENT],
	fix: 'none',
	messages: {
		ownerEquivalentPolicy:
			"PA-7: IoT Hub '{{name}}' shared access policy '{{policy}}' ({{path}}: '{{rights}}') combines RegistryWrite, ServiceConnect and DeviceConnect, as broad as iothubowner. Give each policy only the rights its clients need (e.g. ServiceConnect for a back end, RegistryRead for monitoring), or use Microsoft Entra ID with the IoT Hub data roles.",
		broadRoleAssignment:
			"PA-7: Role assignment '{{assignment}}' gives {{role}} on IoT Hub '{{hub}}' (properties.roleDefinitionId). {{role}} also manages the hub itself (keys, network rules, access, deletion); for data-plane access assign the IoT Hub data role the client needs instead ({{roles}}).",
	},
	check(ctx) {
		// Two parts of PA-7: the hub's shared access policies, and role assignments scoped to a hub.
		if (ctx.resource.isType('Microsoft.Devices/IotHubs')) checkSasPolicies(ctx);
		else checkRoleAssignment(ctx);
	},
});
