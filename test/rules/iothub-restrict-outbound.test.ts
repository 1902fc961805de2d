import rule from '../../rules/iothub-restrict-outbound';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

/** languageVersion 2.0: resources keyed by symbolic name. */
const symbolic = (restrict: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "hub": {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "2023-06-30",
      "name": "contoso-hub",
      "location": "westeurope",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": {
        "restrictOutboundNetworkAccess": ${restrict},
        "allowedFqdnList": ["contoso-ns.servicebus.windows.net"]
      }
    }
  }
}
`;

const fqdns = '["contoso-ns.servicebus.windows.net", "contosostorage.blob.core.windows.net"]';
const restrict = `"[parameters('restrictOutbound')]"`;

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: fqdns }) },
		{ name: 'property names are case-insensitive', arm: armHub({ RestrictOutboundNetworkAccess: 'true', AllowedFqdnList: fqdns }) },
		{ name: 'from parameter defaults', arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: `"[parameters('fqdns')]"` }, { parameters: ['"restrictOutbound": { "type": "bool", "defaultValue": true }', `"fqdns": { "type": "array", "defaultValue": ${fqdns} }`] }) },
		{
			name: 'from the parameter file (overrides an insecure default)',
			arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: fqdns }, { parameters: ['"restrictOutbound": { "type": "bool", "defaultValue": false }'] }),
			files: { 'main.parameters.json': paramFile('"restrictOutbound": { "value": true }') },
		},
		{ name: 'from variables', arm: armHub({ restrictOutboundNetworkAccess: `"[variables('egress').restrict]"`, allowedFqdnList: `"[variables('egress').fqdns]"` }, { variables: [`"egress": { "restrict": true, "fqdns": ${fqdns} }`] }) },
		{ name: 'computed: if()', arm: armHub({ restrictOutboundNetworkAccess: `"[if(equals(parameters('env'), 'dev'), true, false)]"`, allowedFqdnList: fqdns }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) },
		{ name: 'parameter without default is unknown: silent', arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: fqdns }, { parameters: ['"restrictOutbound": { "type": "bool" }'] }) },
		{ name: 'allowedValues admit only true', arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: fqdns }, { parameters: ['"restrictOutbound": { "type": "bool", "allowedValues": [true] }'] }) },
		{ name: 'list entries known only at deployment still make a non-empty list', arm: armHub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: `["[parameters('eventHubHost')]"]` }, { parameters: ['"eventHubHost": { "type": "string" }'] }) },
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic('true') },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }) },
	],
	invalid: [
		{
			arm: armHub({ restrictOutboundNetworkAccess: 'false', allowedFqdnList: fqdns }),
			errors: [{
				messageId: 'outboundInsecure',
				message: "NS-2: IoT Hub 'contoso-hub' does not restrict outbound network access (restrictOutboundNetworkAccess: false). Set properties.restrictOutboundNetworkAccess to true and list the destinations the hub may reach in properties.allowedFqdnList.",
				severity: 'info',
				text: 'false',
				suggestions: [],
			}],
		},
		{
			name: 'missing property: reported on the type',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }),
			errors: [{
				messageId: 'outboundMissing',
				message: "NS-2: IoT Hub 'contoso-hub' does not set properties.restrictOutboundNetworkAccess, so the hub may send data to any destination by default. Set properties.restrictOutboundNetworkAccess to true and list the destinations the hub may reach in properties.allowedFqdnList.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [],
			}],
		},
		{
			name: 'restricted with an empty list',
			arm: armHub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: '[]' }),
			errors: [{
				messageId: 'fqdnListEmpty',
				message: "NS-2: IoT Hub 'contoso-hub' restricts outbound network access but properties.allowedFqdnList is empty, so routing endpoints, file upload and other egress are blocked. List the FQDNs the hub may reach in properties.allowedFqdnList.",
				text: '[]',
				suggestions: [],
			}],
		},
		{
			name: 'restricted without a list: reported on the type',
			arm: armHub({ RestrictOutboundNetworkAccess: 'true' }),
			errors: [{
				messageId: 'fqdnListMissing',
				message: "NS-2: IoT Hub 'contoso-hub' restricts outbound network access but does not set properties.allowedFqdnList, so routing endpoints, file upload and other egress are blocked. List the FQDNs the hub may reach in properties.allowedFqdnList.",
				text: '"Microsoft.Devices/IotHubs"',
			}],
		},
		{
			name: 'insecure parameter default: related information at the default',
			arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: fqdns }, { parameters: ['"restrictOutbound": { "type": "bool", "defaultValue": false }'] }),
			errors: [{ messageId: 'outboundInsecure', text: restrict, related: ['false'], suggestions: [] }],
		},
		{
			name: 'empty list from a parameter default',
			arm: armHub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: `"[parameters('fqdns')]"` }, { parameters: ['"fqdns": { "type": "array", "defaultValue": [] }'] }),
			errors: [{ messageId: 'fqdnListEmpty', text: `"[parameters('fqdns')]"`, related: ['[]'] }],
		},
		{
			name: 'parameter file value: finding at the property, related information in the parameter file',
			arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: fqdns }, { parameters: ['"restrictOutbound": { "type": "bool", "defaultValue": true }'] }),
			files: { 'main.parameters.json': paramFile('"restrictOutbound": { "value": false }') },
			errors: [{ messageId: 'outboundInsecure', text: restrict, related: ['false'], suggestions: [] }],
		},
		{
			name: 'from a variable',
			arm: armHub({ restrictOutboundNetworkAccess: `"[variables('restrict')]"` }, { variables: ['"restrict": false'] }),
			errors: [{ messageId: 'outboundInsecure', text: `"[variables('restrict')]"`, related: ['false'] }],
		},
		{
			name: 'if() is evaluated',
			arm: armHub({ restrictOutboundNetworkAccess: `"[if(equals(parameters('env'), 'prod'), true, false)]"` }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }),
			errors: [{ messageId: 'outboundInsecure', text: `"[if(equals(parameters('env'), 'prod'), true, false)]"` }],
		},
		{
			name: 'unknown value reported as info when opted in',
			arm: armHub({ restrictOutboundNetworkAccess: restrict, allowedFqdnList: fqdns }, { parameters: ['"restrictOutbound": { "type": "bool" }'] }),
			options: { reportUnknown: true },
			errors: [{
				message: "NS-2: Cannot verify properties.restrictOutboundNetworkAccess of IoT Hub 'contoso-hub': depends on parameter 'restrictOutbound'.",
				severity: 'info',
				text: restrict,
				suggestions: [],
			}],
		},
		{
			name: 'unknown list reported as info when opted in',
			arm: armHub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: `"[parameters('fqdns')]"` }, { parameters: ['"fqdns": { "type": "array" }'] }),
			options: { reportUnknown: true },
			errors: [{ message: "NS-2: Cannot verify properties.allowedFqdnList of IoT Hub 'contoso-hub': depends on parameter 'fqdns'.", text: `"[parameters('fqdns')]"` }],
		},
		{
			name: 'apiVersion too old: says which version has the setting, no fix',
			arm: armHub({}, { apiVersion: '2021-03-31' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "NS-2: IoT Hub 'contoso-hub' uses apiVersion 2021-03-31, which cannot set properties.restrictOutboundNetworkAccess, so outbound network access stays unrestricted. Raise apiVersion to 2023-06-30, set properties.restrictOutboundNetworkAccess to true and list the allowed FQDNs in properties.allowedFqdnList.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [],
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('false'),
			errors: [{ messageId: 'outboundInsecure', text: 'false' }],
		},
	],
});

const bicepFqdns = "[\n      'contoso-ns.servicebus.windows.net'\n    ]";

ruleTester.run(rule, {
	valid: [
		{ bicep: hub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: bicepFqdns }) },
		{ name: 'from a parameter default', bicep: hub({ restrictOutboundNetworkAccess: 'restrictOutbound', allowedFqdnList: bicepFqdns }, { before: ['param restrictOutbound bool = true'] }) },
		{ name: 'from the .bicepparam file', bicep: hub({ restrictOutboundNetworkAccess: 'restrictOutbound', allowedFqdnList: 'fqdns' }, { before: ['param restrictOutbound bool', 'param fqdns array'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam restrictOutbound = true\nparam fqdns = ['contoso-ns.servicebus.windows.net']\n" } },
		{ name: 'parameter without default is unknown: silent', bicep: hub({ restrictOutboundNetworkAccess: 'restrictOutbound', allowedFqdnList: bicepFqdns }, { before: ['param restrictOutbound bool'] }) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {') },
	],
	invalid: [
		{
			bicep: hub({ restrictOutboundNetworkAccess: 'false', allowedFqdnList: bicepFqdns }),
			errors: [{ messageId: 'outboundInsecure', text: 'false', suggestions: [] }],
		},
		{
			name: 'missing property: reported on the resource type',
			bicep: hub({}),
			errors: [{ messageId: 'outboundMissing', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [] }],
		},
		{
			name: 'restricted with an empty list from a parameter default',
			bicep: hub({ restrictOutboundNetworkAccess: 'true', allowedFqdnList: 'fqdns' }, { before: ['param fqdns array = []'] }),
			errors: [{ messageId: 'fqdnListEmpty', text: 'fqdns', related: ['[]'] }],
		},
		{
			name: '.bicepparam value',
			bicep: hub({ restrictOutboundNetworkAccess: 'restrictOutbound', allowedFqdnList: bicepFqdns }, { before: ['param restrictOutbound bool'] }),
			files: { 'main.bicepparam': "using 'main.bicep'\n\nparam restrictOutbound = false\n" },
			errors: [{ messageId: 'outboundInsecure', text: 'restrictOutbound', related: ['false'] }],
		},
		{
			name: 'apiVersion too old',
			bicep: hub({}, { apiVersion: '2021-03-31' }),
			errors: [{ messageId: 'apiTooOld', text: "'Microsoft.Devices/IotHubs@2021-03-31'", suggestions: [] }],
		},
	],
});
