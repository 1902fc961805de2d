import rule from '../../rules/iothub-least-privilege-sas';
import { ruleTester } from '../support/rule-tester';
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
