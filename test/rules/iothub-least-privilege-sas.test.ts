import rule from '../../rules/iothub-least-privilege-sas';
import { ruleTester } from '../support/rule-tester';
import { armHubResource, armResource, armTemplate, bicep, bicepHub } from '../support/related-templates';
import { armHub, hub } from '../support/templates';

// `"authorizationPolicies"` value: one policy per `[keyName, rights]` pair.
function policies(entries: [string, string][]): string {
	return `[\n${entries.map(([name, rights]) => `          {\n            "keyName": "${name}",\n            "rights": ${rights}\n          }`).join(',\n')}\n        ]`;
}

const armPolicies = (entries: [string, string][]) => armHub({ authorizationPolicies: policies(entries) });

ruleTester.run(rule, {
	valid: [
		{ name: 'no policies in the template', arm: armHub({ minTlsVersion: '"1.2"' }) },
		{
			name: 'policies with the rights their clients need',
			arm: armPolicies([
				['service', '"ServiceConnect"'],
				['registryRead', '"RegistryRead"'],
				['registryReadWrite', '"RegistryRead, RegistryWrite"'],
				['device', '"DeviceConnect"'],
				['backend', '"RegistryRead, ServiceConnect, DeviceConnect"'],
			]),
		},
		{ name: 'two of the three are not owner-equivalent', arm: armPolicies([['provisioning', '"RegistryWrite, ServiceConnect"']]) },
		{
			name: 'rights from a parameter whose allowedValues are all narrow',
			arm: armHub({ authorizationPolicies: policies([['service', `"[parameters('rights')]"`]]) }, { parameters: ['"rights": { "type": "string", "allowedValues": ["ServiceConnect", "RegistryRead"] }'] }),
		},
		{
			name: 'rights from a parameter with no value are unknown: silent',
			arm: armHub({ authorizationPolicies: policies([['service', `"[parameters('rights')]"`]]) }, { parameters: ['"rights": { "type": "string" }'] }),
		},
	],
	invalid: [
		{
			name: 'RegistryWrite, ServiceConnect, DeviceConnect',
			arm: armPolicies([['service', '"ServiceConnect"'], ['automation', '"RegistryWrite, ServiceConnect, DeviceConnect"']]),
			errors: [{
				messageId: 'ownerEquivalentPolicy',
				message: "PA-7: IoT Hub 'contoso-hub' shared access policy 'automation' (properties.authorizationPolicies[1].rights: 'RegistryWrite, ServiceConnect, DeviceConnect') combines RegistryWrite, ServiceConnect and DeviceConnect, as broad as iothubowner. Give each policy only the rights its clients need (e.g. ServiceConnect for a back end, RegistryRead for monitoring), or use Microsoft Entra ID with the IoT Hub data roles.",
				severity: 'info',
				text: '"RegistryWrite, ServiceConnect, DeviceConnect"',
				suggestions: [],
			}],
		},
		{
			name: 'lower case, no spaces, all four rights',
			arm: armPolicies([['iothubowner', '"registryread,registrywrite,serviceconnect,deviceconnect"']]),
			errors: [{
				messageId: 'ownerEquivalentPolicy',
				text: '"registryread,registrywrite,serviceconnect,deviceconnect"',
				suggestions: [],
			}],
		},
		{
			name: 'any order and spacing',
			arm: armPolicies([['all', '"DeviceConnect ,ServiceConnect,  RegistryWrite"']]),
			errors: [{ messageId: 'ownerEquivalentPolicy', text: '"DeviceConnect ,ServiceConnect,  RegistryWrite"' }],
		},
		{
			name: 'rights from a parameter default: reported where the policy uses it',
			arm: armHub({ authorizationPolicies: policies([['automation', `"[parameters('rights')]"`]]) }, { parameters: ['"rights": { "type": "string", "defaultValue": "RegistryRead, RegistryWrite, ServiceConnect, DeviceConnect" }'] }),
			errors: [{
				messageId: 'ownerEquivalentPolicy',
				text: `"[parameters('rights')]"`,
				related: ['"RegistryRead, RegistryWrite, ServiceConnect, DeviceConnect"'],
			}],
		},
		{
			name: 'configured as a warning',
			arm: armPolicies([['automation', '"RegistryWrite, ServiceConnect, DeviceConnect"']]),
			options: { levels: { 'iothub-least-privilege-sas': 'warning' } },
			errors: [{ messageId: 'ownerEquivalentPolicy', severity: 'warning' }],
		},
	],
});

// Bicep twins.

const bicepPolicies = (entries: [string, string][]) =>
	hub({ authorizationPolicies: `[\n${entries.map(([name, rights]) => `      {\n        keyName: '${name}'\n        rights: ${rights}\n      }`).join('\n')}\n    ]` });

ruleTester.run(rule, {
	valid: [
		{ name: 'narrow policies', bicep: bicepPolicies([['service', "'ServiceConnect'"], ['device', "'DeviceConnect'"], ['registry', "'RegistryRead, RegistryWrite'"]]) },
	],
	invalid: [
		{
			name: 'RegistryWrite, ServiceConnect, DeviceConnect',
			bicep: bicepPolicies([['automation', "'RegistryWrite, ServiceConnect, DeviceConnect'"]]),
			errors: [{
				messageId: 'ownerEquivalentPolicy',
				message: "PA-7: IoT Hub 'contoso-hub' shared access policy 'automation' (properties.authorizationPolicies[0].rights: 'RegistryWrite, ServiceConnect, DeviceConnect') combines RegistryWrite, ServiceConnect and DeviceConnect, as broad as iothubowner. Give each policy only the rights its clients need (e.g. ServiceConnect for a back end, RegistryRead for monitoring), or use Microsoft Entra ID with the IoT Hub data roles.",
				text: "'RegistryWrite, ServiceConnect, DeviceConnect'",
				suggestions: [],
			}],
		},
		{
			name: 'lower case, no spaces',
			bicep: bicepPolicies([['iothubowner', "'registryread,registrywrite,serviceconnect,deviceconnect'"]]),
			errors: [{ messageId: 'ownerEquivalentPolicy', text: "'registryread,registrywrite,serviceconnect,deviceconnect'" }],
		},
	],
});

// Role assignments scoped to a hub.

const owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const contributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const dataContributor = '4fc6c259-987e-4a07-842e-c321cc9d413f';
const roleId = (guid: string) => `"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${guid}')]"`;
const armAssignment = (scope: string | undefined, role: string, opts: { type?: string; name?: string } = {}) =>
	armResource([
		`"type": "${opts.type ?? 'Microsoft.Authorization/roleAssignments'}"`,
		'"apiVersion": "2022-04-01"',
		`"name": ${opts.name ?? `"[guid('contoso-hub', 'app')]"`}`,
		...(scope ? [`"scope": ${scope}`] : []),
		`"properties": { "roleDefinitionId": ${role}, "principalId": "00000000-0000-0000-0000-000000000001" }`,
	]);
const bicepAssignment = (scope: string, role: string) =>
	["resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", "  name: guid(hub.id, 'app')", `  scope: ${scope}`, '  properties: {', `    roleDefinitionId: ${role}`, "    principalId: '00000000-0000-0000-0000-000000000001'", '  }', '}'].join('\n');
const broadMessage = (assignment: string, role: string) =>
	`PA-7: Role assignment '${assignment}' gives ${role} on IoT Hub 'contoso-hub' (properties.roleDefinitionId). ${role} also manages the hub itself (keys, network rules, access, deletion); for data-plane access assign the IoT Hub data role the client needs instead (IoT Hub Data Contributor, IoT Hub Data Reader, IoT Hub Registry Contributor, IoT Hub Twin Contributor).`;

ruleTester.run(rule, {
	valid: [
		{ name: 'arm: an IoT Hub data role on the hub', arm: armTemplate([armHubResource(), armAssignment(`"[format('Microsoft.Devices/IotHubs/{0}', 'contoso-hub')]"`, roleId(dataContributor))]) },
		{ name: 'arm: Owner on the resource group is not about the hub', arm: armTemplate([armHubResource(), armAssignment(undefined, roleId(owner))]) },
		{ name: 'arm: Contributor on a storage account', arm: armTemplate([armHubResource(), armAssignment(`"[resourceId('Microsoft.Storage/storageAccounts', 'logs')]"`, roleId(contributor))]) },
		{ name: 'arm: a role known only at deployment: cannot verify, silent', arm: armTemplate([armHubResource(), armAssignment(`"[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`, `"[parameters('role')]"`)], { parameters: ['"role": { "type": "string" }'] }) },
		{ name: 'bicep: IoT Hub Data Contributor with scope: hub', bicep: bicep(bicepHub(), bicepAssignment('hub', `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${dataContributor}')`)) },
	],
	invalid: [
		{
			name: 'arm: Contributor scoped to the hub (provider-relative scope)',
			arm: armTemplate([armHubResource(), armAssignment(`"[format('Microsoft.Devices/IotHubs/{0}', 'contoso-hub')]"`, roleId(contributor))]),
			errors: [{
				messageId: 'broadRoleAssignment',
				message: broadMessage("[guid('contoso-hub', 'app')]", 'Contributor'),
				severity: 'info',
				text: roleId(contributor),
				suggestions: [],
			}],
		},
		{
			name: 'arm: Owner by a full role definition id, scope resourceId()',
			arm: armTemplate([armHubResource(), armAssignment(`"[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`, `"/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/${owner.toUpperCase()}"`)]),
			errors: [{ messageId: 'broadRoleAssignment', message: broadMessage("[guid('contoso-hub', 'app')]", 'Owner') }],
		},
		{
			name: 'arm: the old nested form hub/Microsoft.Authorization/<guid>',
			arm: armTemplate([armHubResource(), armAssignment(undefined, roleId(owner), { type: 'Microsoft.Devices/IotHubs/providers/roleAssignments', name: '"contoso-hub/Microsoft.Authorization/00000000-0000-0000-0000-0000000000aa"' })]),
			errors: [{ messageId: 'broadRoleAssignment', message: broadMessage('contoso-hub/Microsoft.Authorization/00000000-0000-0000-0000-0000000000aa', 'Owner') }],
		},
		{
			name: 'arm: a hub that is not deployed here (existing) is still a hub',
			arm: armTemplate([armAssignment(`"[resourceId('other-rg', 'Microsoft.Devices/IotHubs', 'contoso-hub')]"`, roleId(owner))]),
			errors: [{ messageId: 'broadRoleAssignment' }],
		},
		{
			name: 'bicep: Contributor with scope: hub',
			bicep: bicep(bicepHub(), bicepAssignment('hub', `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${contributor}')`)),
			errors: [{ messageId: 'broadRoleAssignment', message: broadMessage('appAccess', 'Contributor'), text: `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${contributor}')` }],
		},
		{
			name: 'bicep: Owner from an existing role definition resource',
			bicep: bicep(bicepHub(), `resource ownerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {\n  scope: subscription()\n  name: '${owner}'\n}`, bicepAssignment('hub', 'ownerRole.id')),
			errors: [{ messageId: 'broadRoleAssignment', message: broadMessage('appAccess', 'Owner') }],
		},
	],
});
