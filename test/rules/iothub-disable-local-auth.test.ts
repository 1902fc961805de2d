import rule from '../../rules/iothub-disable-local-auth';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const SCHEMA = '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

/** languageVersion 2.0: resources keyed by symbolic name. */
const symbolic = (value: string) => `{
  ${SCHEMA},
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
        "disableLocalAuth": ${value}
      }
    }
  }
}
`;

/** A nested deployment with inner evaluation scope, fed by an outer parameter. */
const nested = (outerDefault: string) => `{
  ${SCHEMA},
  "contentVersion": "1.0.0.0",
  "parameters": {
    "disableLocalAuth": { "type": "bool", "defaultValue": ${outerDefault} }
  },
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "hub-deployment",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": {
          "disableLocalAuth": { "value": "[parameters('disableLocalAuth')]" }
        },
        "template": {
          ${SCHEMA},
          "contentVersion": "1.0.0.0",
          "parameters": {
            "disableLocalAuth": { "type": "bool" }
          },
          "resources": [
            {
              "type": "Microsoft.Devices/IotHubs",
              "apiVersion": "2023-06-30",
              "name": "nested-hub",
              "location": "westeurope",
              "sku": { "name": "S1", "capacity": 1 },
              "properties": {
                "disableLocalAuth": "[parameters('disableLocalAuth')]"
              }
            }
          ]
        }
      }
    }
  ]
}
`;

const fixTitle = 'Set disableLocalAuth to true (SAS tokens stop working; Device Update for IoT Hub needs local auth)';
const dla = `"[parameters('disableLocalAuth')]"`;

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ disableLocalAuth: 'true' }) },
		{ name: 'property names are case-insensitive', arm: armHub({ DisableLocalAuth: 'true' }) },
		{ name: 'from a parameter default', arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "defaultValue": true }'] }) },
		{
			name: 'from the parameter file (overrides an insecure default)',
			arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "defaultValue": false }'] }),
			files: { 'main.parameters.json': paramFile('"disableLocalAuth": { "value": true }') },
		},
		{ name: 'from a variable', arm: armHub({ disableLocalAuth: `"[variables('localAuthOff')]"` }, { variables: ['"localAuthOff": true'] }) },
		{ name: 'computed: bool()', arm: armHub({ disableLocalAuth: `"[bool('true')]"` }) },
		{ name: 'parameter without default is unknown: silent', arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool" }'] }) },
		{ name: 'allowedValues admit only secure values', arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "allowedValues": [true] }'] }) },
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic('true') },
		{ name: 'nested deployment fed by a secure outer default', arm: nested('true') },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }) },
		{ name: 'condition from a parameter that is false', arm: armHub({}, { extra: [`"condition": "[parameters('deployHub')]"`], parameters: ['"deployHub": { "type": "bool", "defaultValue": false }'] }) },
		{ name: 'existing hub is a reference, not a deployment', arm: armHub({}, { extra: ['"existing": true'] }) },
		{ name: 'other resource types are ignored', arm: armHub({}).replace('"Microsoft.Devices/IotHubs"', '"Microsoft.Devices/provisioningServices"') },
	],
	invalid: [
		{
			arm: armHub({ disableLocalAuth: 'false' }),
			errors: [{
				messageId: 'localAuthInsecure',
				message: "IM-1: IoT Hub 'contoso-hub' allows hub-level shared access policies and SAS tokens (disableLocalAuth: false). Set properties.disableLocalAuth to true and use Microsoft Entra ID for service APIs.",
				severity: 'warning',
				text: 'false',
				line: 12,
				column: 29,
				suggestions: [{ title: fixTitle, output: armHub({ disableLocalAuth: 'true' }) }],
			}],
		},
		{
			name: 'property names are case-insensitive',
			arm: armHub({ DisableLocalAuth: 'false' }),
			errors: [{ messageId: 'localAuthInsecure', text: 'false', suggestions: [{ output: armHub({ DisableLocalAuth: 'true' }) }] }],
		},
		{
			name: 'missing property: reported on the type, fix inserts it',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }),
			errors: [{
				messageId: 'localAuthMissing',
				message: "IM-1: IoT Hub 'contoso-hub' does not set properties.disableLocalAuth, so hub-level shared access policies and SAS tokens are accepted by default. Set properties.disableLocalAuth to true and use Microsoft Entra ID for service APIs.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: fixTitle, output: armHub({ publicNetworkAccess: '"Disabled"', disableLocalAuth: 'true' }) }],
			}],
		},
		{
			name: 'types match case-insensitively',
			arm: armHub({}).replace('"Microsoft.Devices/IotHubs"', '"microsoft.devices/iothubs"'),
			errors: [{
				messageId: 'localAuthMissing',
				text: '"microsoft.devices/iothubs"',
				suggestions: [{ output: armHub({ disableLocalAuth: 'true' }).replace('"Microsoft.Devices/IotHubs"', '"microsoft.devices/iothubs"') }],
			}],
		},
		{
			name: 'insecure parameter default: related information and fix at the default',
			arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "defaultValue": false }'] }),
			errors: [{
				messageId: 'localAuthInsecure',
				text: dla,
				related: ['false'],
				suggestions: [{ output: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "defaultValue": true }'] }) }],
			}],
		},
		{
			name: 'parameter file value: finding at the property, related information and fix in the parameter file',
			arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "defaultValue": true }'] }),
			files: { 'main.parameters.json': paramFile('"disableLocalAuth": { "value": false }') },
			errors: [{
				messageId: 'localAuthInsecure',
				text: dla,
				related: ['false'],
				suggestions: [{
					output: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool", "defaultValue": true }'] }),
					files: { 'main.parameters.json': paramFile('"disableLocalAuth": { "value": true }') },
				}],
			}],
		},
		{
			name: 'analysing the parameter file: the finding is at the value it sets',
			open: 'main.parameters.json',
			files: {
				'main.json': armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool" }'] }),
				'main.parameters.json': paramFile('"disableLocalAuth": { "value": false }'),
			},
			errors: [{
				messageId: 'localAuthInsecure',
				text: 'false',
				related: [dla],
				suggestions: [{ output: paramFile('"disableLocalAuth": { "value": true }') }],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			arm: armHub({ disableLocalAuth: `"[variables('localAuthOff')]"` }, { variables: ['"localAuthOff": false'] }),
			errors: [{
				messageId: 'localAuthInsecure',
				text: `"[variables('localAuthOff')]"`,
				related: ['false'],
				suggestions: [{ output: armHub({ disableLocalAuth: `"[variables('localAuthOff')]"` }, { variables: ['"localAuthOff": true'] }) }],
			}],
		},
		{
			name: 'if(): evaluated, fix replaces the expression with the literal',
			arm: armHub({ disableLocalAuth: `"[if(equals(parameters('env'), 'prod'), true, false)]"` }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }),
			errors: [{
				messageId: 'localAuthInsecure',
				text: `"[if(equals(parameters('env'), 'prod'), true, false)]"`,
				suggestions: [{ output: armHub({ disableLocalAuth: 'true' }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) }],
			}],
		},
		{
			name: 'unknown value reported as info when opted in',
			arm: armHub({ disableLocalAuth: dla }, { parameters: ['"disableLocalAuth": { "type": "bool" }'] }),
			options: { reportUnknown: true },
			errors: [{
				message: "IM-1: Cannot verify properties.disableLocalAuth of IoT Hub 'contoso-hub': depends on parameter 'disableLocalAuth'.",
				severity: 'info',
				text: dla,
				suggestions: [],
			}],
		},
		{
			name: 'apiVersion too old: fix raises it and sets the property',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }, { apiVersion: '2021-03-31' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "IM-1: IoT Hub 'contoso-hub' uses apiVersion 2021-03-31, which cannot set properties.disableLocalAuth, so hub-level SAS tokens stay enabled. Raise apiVersion to 2023-06-30 and set properties.disableLocalAuth to true.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{
					title: `${fixTitle} (raises apiVersion to 2023-06-30)`,
					output: armHub({ publicNetworkAccess: '"Disabled"', disableLocalAuth: 'true' }),
				}],
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('false'),
			errors: [{ messageId: 'localAuthInsecure', text: 'false', suggestions: [{ output: symbolic('true') }] }],
		},
		{
			name: 'nested deployment (inner scope): fix edits the outer parameter default',
			arm: nested('false'),
			errors: [{
				messageId: 'localAuthInsecure',
				message: "IM-1: IoT Hub 'nested-hub' allows hub-level shared access policies and SAS tokens (disableLocalAuth: false). Set properties.disableLocalAuth to true and use Microsoft Entra ID for service APIs.",
				text: dla,
				related: ['false'],
				suggestions: [{ output: nested('true') }],
			}],
		},
	],
});

/** A Bicep module that declares the hub; the caller passes disableLocalAuth. */
const hubModule = `param disableLocalAuth bool

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'module-hub'
  location: 'westeurope'
  sku: {
    name: 'S1'
    capacity: 1
  }
  properties: {
    disableLocalAuth: disableLocalAuth
  }
}
`;
const callModule = (value: string) => `module hubModule 'hub.bicep' = {\n  name: 'hub'\n  params: {\n    disableLocalAuth: ${value}\n  }\n}\n`;

ruleTester.run(rule, {
	valid: [
		{ bicep: hub({ disableLocalAuth: 'true' }) },
		{ name: 'from a parameter default', bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool = true'] }) },
		{ name: 'from the .bicepparam file', bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool = false'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableLocalAuth = true\n" } },
		{ name: 'from a variable', bicep: hub({ disableLocalAuth: 'localAuthOff' }, { before: ['var localAuthOff = true'] }) },
		{ name: 'parameter without default is unknown: silent', bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool'] }) },
		{ name: '@allowed admits only secure values', bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['@allowed([\n  true\n])\nparam disableLocalAuth bool'] }) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {') },
		{ name: 'existing hub is a reference', bicep: "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: 'contoso-hub'\n}\n" },
		{ name: 'module argument', bicep: callModule('true'), files: { 'hub.bicep': hubModule } },
	],
	invalid: [
		{
			bicep: hub({ disableLocalAuth: 'false' }),
			errors: [{
				messageId: 'localAuthInsecure',
				message: "IM-1: IoT Hub 'contoso-hub' allows hub-level shared access policies and SAS tokens (disableLocalAuth: false). Set properties.disableLocalAuth to true and use Microsoft Entra ID for service APIs.",
				text: 'false',
				suggestions: [{ title: fixTitle, output: hub({ disableLocalAuth: 'true' }) }],
			}],
		},
		{
			name: 'property names are case-insensitive',
			bicep: hub({ DisableLocalAuth: 'false' }),
			errors: [{ messageId: 'localAuthInsecure', text: 'false', suggestions: [{ output: hub({ DisableLocalAuth: 'true' }) }] }],
		},
		{
			name: 'missing property: reported on the resource type, fix inserts it',
			bicep: hub({ minTlsVersion: "'1.2'" }),
			errors: [{
				messageId: 'localAuthMissing',
				text: "'Microsoft.Devices/IotHubs@2023-06-30'",
				suggestions: [{ output: hub({ minTlsVersion: "'1.2'", disableLocalAuth: 'true' }) }],
			}],
		},
		{
			name: 'insecure parameter default: fix edits the default',
			bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool = false'] }),
			errors: [{
				messageId: 'localAuthInsecure',
				text: 'disableLocalAuth',
				related: ['false'],
				suggestions: [{ output: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool = true'] }) }],
			}],
		},
		{
			name: '.bicepparam value: fix edits the parameter file',
			bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool'] }),
			files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableLocalAuth = false\n" },
			errors: [{
				messageId: 'localAuthInsecure',
				text: 'disableLocalAuth',
				related: ['false'],
				suggestions: [{
					output: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool'] }),
					files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableLocalAuth = true\n" },
				}],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			bicep: hub({ disableLocalAuth: 'localAuthOff' }, { before: ['var localAuthOff = false'] }),
			errors: [{ messageId: 'localAuthInsecure', text: 'localAuthOff', related: ['false'], suggestions: [{ output: hub({ disableLocalAuth: 'localAuthOff' }, { before: ['var localAuthOff = true'] }) }] }],
		},
		{
			name: 'ternary: evaluated, fix replaces the expression with the literal',
			bicep: hub({ disableLocalAuth: "env == 'prod' ? true : false" }, { before: ["param env string = 'dev'"] }),
			errors: [{ messageId: 'localAuthInsecure', text: "env == 'prod' ? true : false", suggestions: [{ output: hub({ disableLocalAuth: 'true' }, { before: ["param env string = 'dev'"] }) }] }],
		},
		{
			name: 'unknown value reported as info when opted in',
			bicep: hub({ disableLocalAuth: 'disableLocalAuth' }, { before: ['param disableLocalAuth bool'] }),
			options: { reportUnknown: true },
			errors: [{ severity: 'info', text: 'disableLocalAuth', suggestions: [] }],
		},
		{
			name: 'apiVersion too old: fix raises it and sets the property',
			bicep: hub({}, { apiVersion: '2021-03-31' }),
			errors: [{
				messageId: 'apiTooOld',
				text: "'Microsoft.Devices/IotHubs@2021-03-31'",
				suggestions: [{ title: `${fixTitle} (raises apiVersion to 2023-06-30)`, output: hub({ disableLocalAuth: 'true' }) }],
			}],
		},
		{
			name: 'module argument: finding and fix at the caller',
			bicep: callModule('false'),
			files: { 'hub.bicep': hubModule },
			errors: [{ messageId: 'localAuthInsecure', text: 'false', suggestions: [{ output: callModule('true') }] }],
		},
	],
});
