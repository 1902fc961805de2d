import rule from '../../rules/iothub-disable-device-sas';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

/** languageVersion 2.0: resources keyed by symbolic name. */
const symbolic = (value: string) => `{
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
        "disableDeviceSAS": ${value}
      }
    }
  }
}
`;

const fixTitle = 'Set disableDeviceSAS to true (devices must then authenticate with X.509 certificates)';
const param = `"[parameters('disableDeviceSAS')]"`;
const decl = (rest: string) => `"disableDeviceSAS": { "type": "bool"${rest} }`;

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ disableDeviceSAS: 'true' }) },
		{ name: 'property names are case-insensitive', arm: armHub({ DisableDeviceSAS: 'true' }) },
		{ name: 'from a parameter default', arm: armHub({ disableDeviceSAS: param }, { parameters: [decl(', "defaultValue": true')] }) },
		{
			name: 'from the parameter file (overrides an insecure default)',
			arm: armHub({ disableDeviceSAS: param }, { parameters: [decl(', "defaultValue": false')] }),
			files: { 'main.parameters.json': paramFile('"disableDeviceSAS": { "value": true }') },
		},
		{ name: 'from a variable', arm: armHub({ disableDeviceSAS: `"[variables('sasOff')]"` }, { variables: ['"sasOff": true'] }) },
		{ name: 'computed: if()', arm: armHub({ disableDeviceSAS: `"[if(equals(parameters('env'), 'prod'), false, true)]"` }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) },
		{ name: 'parameter without default is unknown: silent', arm: armHub({ disableDeviceSAS: param }, { parameters: [decl('')] }) },
		{ name: 'allowedValues admit only secure values', arm: armHub({ disableDeviceSAS: param }, { parameters: [decl(', "allowedValues": [true]')] }) },
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic('true') },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }) },
	],
	invalid: [
		{
			arm: armHub({ disableDeviceSAS: 'false' }),
			errors: [{
				messageId: 'deviceSasInsecure',
				message: "IM-1: IoT Hub 'contoso-hub' lets devices authenticate with symmetric (SAS) keys (disableDeviceSAS: false). Set properties.disableDeviceSAS to true so devices use X.509 certificates.",
				severity: 'info',
				text: 'false',
				suggestions: [{ title: fixTitle, output: armHub({ disableDeviceSAS: 'true' }) }],
			}],
		},
		{
			name: 'property names are case-insensitive',
			arm: armHub({ DisableDeviceSAS: 'false' }),
			errors: [{ messageId: 'deviceSasInsecure', text: 'false', suggestions: [{ output: armHub({ DisableDeviceSAS: 'true' }) }] }],
		},
		{
			name: 'missing property: reported on the type, fix inserts it',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }),
			errors: [{
				messageId: 'deviceSasMissing',
				message: "IM-1: IoT Hub 'contoso-hub' does not set properties.disableDeviceSAS, so devices may authenticate with symmetric (SAS) keys by default. Set properties.disableDeviceSAS to true so devices use X.509 certificates.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: fixTitle, output: armHub({ publicNetworkAccess: '"Disabled"', disableDeviceSAS: 'true' }) }],
			}],
		},
		{
			name: 'insecure parameter default: related information and fix at the default',
			arm: armHub({ disableDeviceSAS: param }, { parameters: [decl(', "defaultValue": false')] }),
			errors: [{
				messageId: 'deviceSasInsecure',
				text: param,
				related: ['false'],
				suggestions: [{ output: armHub({ disableDeviceSAS: param }, { parameters: [decl(', "defaultValue": true')] }) }],
			}],
		},
		{
			name: 'parameter file value: finding at the property, related information and fix in the parameter file',
			arm: armHub({ disableDeviceSAS: param }, { parameters: [decl('')] }),
			files: { 'main.parameters.json': paramFile('"disableDeviceSAS": { "value": false }') },
			errors: [{
				messageId: 'deviceSasInsecure',
				text: param,
				related: ['false'],
				suggestions: [{
					output: armHub({ disableDeviceSAS: param }, { parameters: [decl('')] }),
					files: { 'main.parameters.json': paramFile('"disableDeviceSAS": { "value": true }') },
				}],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			arm: armHub({ disableDeviceSAS: `"[variables('sasOff')]"` }, { variables: ['"sasOff": false'] }),
			errors: [{
				messageId: 'deviceSasInsecure',
				text: `"[variables('sasOff')]"`,
				related: ['false'],
				suggestions: [{ output: armHub({ disableDeviceSAS: `"[variables('sasOff')]"` }, { variables: ['"sasOff": true'] }) }],
			}],
		},
		{
			name: 'if(): evaluated, fix replaces the expression with the literal',
			arm: armHub({ disableDeviceSAS: `"[if(equals(parameters('env'), 'prod'), true, false)]"` }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }),
			errors: [{
				messageId: 'deviceSasInsecure',
				text: `"[if(equals(parameters('env'), 'prod'), true, false)]"`,
				suggestions: [{ output: armHub({ disableDeviceSAS: 'true' }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) }],
			}],
		},
		{
			name: 'unknown value reported as info when opted in',
			arm: armHub({ disableDeviceSAS: param }, { parameters: [decl('')] }),
			options: { reportUnknown: true },
			errors: [{
				message: "IM-1: Cannot verify properties.disableDeviceSAS of IoT Hub 'contoso-hub': depends on parameter 'disableDeviceSAS'.",
				severity: 'info',
				text: param,
				suggestions: [],
			}],
		},
		{
			name: 'apiVersion too old: fix raises it and sets the property',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }, { apiVersion: '2020-08-31' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "IM-1: IoT Hub 'contoso-hub' uses apiVersion 2020-08-31, which cannot set properties.disableDeviceSAS, so device SAS keys stay enabled. Raise apiVersion to 2023-06-30 and set properties.disableDeviceSAS to true.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{
					title: `${fixTitle} (raises apiVersion to 2023-06-30)`,
					output: armHub({ publicNetworkAccess: '"Disabled"', disableDeviceSAS: 'true' }),
				}],
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('false'),
			errors: [{ messageId: 'deviceSasInsecure', text: 'false', suggestions: [{ output: symbolic('true') }] }],
		},
	],
});

ruleTester.run(rule, {
	valid: [
		{ bicep: hub({ disableDeviceSAS: 'true' }) },
		{ name: 'from a parameter default', bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool = true'] }) },
		{ name: 'from the .bicepparam file', bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool = false'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableDeviceSAS = true\n" } },
		{ name: 'parameter without default is unknown: silent', bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool'] }) },
		{ name: '@allowed admits only secure values', bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['@allowed([\n  true\n])\nparam disableDeviceSAS bool'] }) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {') },
	],
	invalid: [
		{
			bicep: hub({ disableDeviceSAS: 'false' }),
			errors: [{ messageId: 'deviceSasInsecure', text: 'false', suggestions: [{ title: fixTitle, output: hub({ disableDeviceSAS: 'true' }) }] }],
		},
		{
			name: 'property names are case-insensitive',
			bicep: hub({ DisableDeviceSAS: 'false' }),
			errors: [{ messageId: 'deviceSasInsecure', suggestions: [{ output: hub({ DisableDeviceSAS: 'true' }) }] }],
		},
		{
			name: 'missing property: reported on the resource type, fix inserts it',
			bicep: hub({ minTlsVersion: "'1.2'" }),
			errors: [{ messageId: 'deviceSasMissing', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [{ output: hub({ minTlsVersion: "'1.2'", disableDeviceSAS: 'true' }) }] }],
		},
		{
			name: 'insecure parameter default: fix edits the default',
			bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool = false'] }),
			errors: [{ messageId: 'deviceSasInsecure', text: 'disableDeviceSAS', related: ['false'], suggestions: [{ output: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool = true'] }) }] }],
		},
		{
			name: '.bicepparam value: fix edits the parameter file',
			bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool'] }),
			files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableDeviceSAS = false\n" },
			errors: [{
				messageId: 'deviceSasInsecure',
				text: 'disableDeviceSAS',
				related: ['false'],
				suggestions: [{ output: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableDeviceSAS = true\n" } }],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			bicep: hub({ disableDeviceSAS: 'sasOff' }, { before: ['var sasOff = false'] }),
			errors: [{ messageId: 'deviceSasInsecure', text: 'sasOff', related: ['false'], suggestions: [{ output: hub({ disableDeviceSAS: 'sasOff' }, { before: ['var sasOff = true'] }) }] }],
		},
		{
			name: 'ternary: evaluated, fix replaces the expression with the literal',
			bicep: hub({ disableDeviceSAS: "env == 'prod' ? true : false" }, { before: ["param env string = 'dev'"] }),
			errors: [{ messageId: 'deviceSasInsecure', text: "env == 'prod' ? true : false", suggestions: [{ output: hub({ disableDeviceSAS: 'true' }, { before: ["param env string = 'dev'"] }) }] }],
		},
		{
			name: 'unknown value reported as info when opted in',
			bicep: hub({ disableDeviceSAS: 'disableDeviceSAS' }, { before: ['param disableDeviceSAS bool'] }),
			options: { reportUnknown: true },
			errors: [{ severity: 'info', text: 'disableDeviceSAS', suggestions: [] }],
		},
		{
			name: 'apiVersion too old: fix raises it and sets the property',
			bicep: hub({}, { apiVersion: '2021-03-31' }),
			errors: [{ messageId: 'apiTooOld', suggestions: [{ title: `${fixTitle} (raises apiVersion to 2023-06-30)`, output: hub({ disableDeviceSAS: 'true' }) }] }],
		},
	],
});
