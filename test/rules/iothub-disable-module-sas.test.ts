import rule from '../../rules/iothub-disable-module-sas';
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
        "disableModuleSAS": ${value}
      }
    }
  }
}
`;

const fixTitle = 'Set disableModuleSAS to true (modules must then authenticate with X.509 certificates)';
const param = `"[parameters('disableModuleSAS')]"`;
const decl = (rest: string) => `"disableModuleSAS": { "type": "bool"${rest} }`;

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ disableModuleSAS: 'true' }) },
		{ name: 'property names are case-insensitive', arm: armHub({ DisableModuleSAS: 'true' }) },
		{ name: 'from a parameter default', arm: armHub({ disableModuleSAS: param }, { parameters: [decl(', "defaultValue": true')] }) },
		{
			name: 'from the parameter file (overrides an insecure default)',
			arm: armHub({ disableModuleSAS: param }, { parameters: [decl(', "defaultValue": false')] }),
			files: { 'main.parameters.json': paramFile('"disableModuleSAS": { "value": true }') },
		},
		{ name: 'from a variable', arm: armHub({ disableModuleSAS: `"[variables('sasOff')]"` }, { variables: ['"sasOff": true'] }) },
		{ name: 'computed: if()', arm: armHub({ disableModuleSAS: `"[if(equals(parameters('env'), 'prod'), false, true)]"` }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) },
		{ name: 'parameter without default is unknown: silent', arm: armHub({ disableModuleSAS: param }, { parameters: [decl('')] }) },
		{ name: 'allowedValues admit only secure values', arm: armHub({ disableModuleSAS: param }, { parameters: [decl(', "allowedValues": [true]')] }) },
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic('true') },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }) },
	],
	invalid: [
		{
			arm: armHub({ disableModuleSAS: 'false' }),
			errors: [{
				messageId: 'moduleSasInsecure',
				message: "IM-1: IoT Hub 'contoso-hub' lets module identities authenticate with symmetric (SAS) keys (disableModuleSAS: false). Set properties.disableModuleSAS to true so modules use X.509 certificates.",
				severity: 'info',
				text: 'false',
				suggestions: [{ title: fixTitle, output: armHub({ disableModuleSAS: 'true' }) }],
			}],
		},
		{
			name: 'property names are case-insensitive',
			arm: armHub({ DisableModuleSAS: 'false' }),
			errors: [{ messageId: 'moduleSasInsecure', text: 'false', suggestions: [{ output: armHub({ DisableModuleSAS: 'true' }) }] }],
		},
		{
			name: 'missing property: reported on the type, fix inserts it',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }),
			errors: [{
				messageId: 'moduleSasMissing',
				message: "IM-1: IoT Hub 'contoso-hub' does not set properties.disableModuleSAS, so module identities may authenticate with symmetric (SAS) keys by default. Set properties.disableModuleSAS to true so modules use X.509 certificates.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: fixTitle, output: armHub({ publicNetworkAccess: '"Disabled"', disableModuleSAS: 'true' }) }],
			}],
		},
		{
			name: 'insecure parameter default: related information and fix at the default',
			arm: armHub({ disableModuleSAS: param }, { parameters: [decl(', "defaultValue": false')] }),
			errors: [{
				messageId: 'moduleSasInsecure',
				text: param,
				related: ['false'],
				suggestions: [{ output: armHub({ disableModuleSAS: param }, { parameters: [decl(', "defaultValue": true')] }) }],
			}],
		},
		{
			name: 'parameter file value: finding at the property, related information and fix in the parameter file',
			arm: armHub({ disableModuleSAS: param }, { parameters: [decl('')] }),
			files: { 'main.parameters.json': paramFile('"disableModuleSAS": { "value": false }') },
			errors: [{
				messageId: 'moduleSasInsecure',
				text: param,
				related: ['false'],
				suggestions: [{
					output: armHub({ disableModuleSAS: param }, { parameters: [decl('')] }),
					files: { 'main.parameters.json': paramFile('"disableModuleSAS": { "value": true }') },
				}],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			arm: armHub({ disableModuleSAS: `"[variables('sasOff')]"` }, { variables: ['"sasOff": false'] }),
			errors: [{
				messageId: 'moduleSasInsecure',
				text: `"[variables('sasOff')]"`,
				related: ['false'],
				suggestions: [{ output: armHub({ disableModuleSAS: `"[variables('sasOff')]"` }, { variables: ['"sasOff": true'] }) }],
			}],
		},
		{
			name: 'if(): evaluated, fix replaces the expression with the literal',
			arm: armHub({ disableModuleSAS: `"[if(equals(parameters('env'), 'prod'), true, false)]"` }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }),
			errors: [{
				messageId: 'moduleSasInsecure',
				text: `"[if(equals(parameters('env'), 'prod'), true, false)]"`,
				suggestions: [{ output: armHub({ disableModuleSAS: 'true' }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) }],
			}],
		},
		{
			name: 'unknown value reported as info when opted in',
			arm: armHub({ disableModuleSAS: param }, { parameters: [decl('')] }),
			options: { reportUnknown: true },
			errors: [{
				message: "IM-1: Cannot verify properties.disableModuleSAS of IoT Hub 'contoso-hub': depends on parameter 'disableModuleSAS'.",
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
				message: "IM-1: IoT Hub 'contoso-hub' uses apiVersion 2020-08-31, which cannot set properties.disableModuleSAS, so module SAS keys stay enabled. Raise apiVersion to 2023-06-30 and set properties.disableModuleSAS to true.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{
					title: `${fixTitle} (raises apiVersion to 2023-06-30)`,
					output: armHub({ publicNetworkAccess: '"Disabled"', disableModuleSAS: 'true' }),
				}],
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('false'),
			errors: [{ messageId: 'moduleSasInsecure', text: 'false', suggestions: [{ output: symbolic('true') }] }],
		},
	],
});

ruleTester.run(rule, {
	valid: [
		{ bicep: hub({ disableModuleSAS: 'true' }) },
		{ name: 'from a parameter default', bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool = true'] }) },
		{ name: 'from the .bicepparam file', bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool = false'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableModuleSAS = true\n" } },
		{ name: 'parameter without default is unknown: silent', bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool'] }) },
		{ name: '@allowed admits only secure values', bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['@allowed([\n  true\n])\nparam disableModuleSAS bool'] }) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {') },
	],
	invalid: [
		{
			bicep: hub({ disableModuleSAS: 'false' }),
			errors: [{ messageId: 'moduleSasInsecure', text: 'false', suggestions: [{ title: fixTitle, output: hub({ disableModuleSAS: 'true' }) }] }],
		},
		{
			name: 'property names are case-insensitive',
			bicep: hub({ DisableModuleSAS: 'false' }),
			errors: [{ messageId: 'moduleSasInsecure', suggestions: [{ output: hub({ DisableModuleSAS: 'true' }) }] }],
		},
		{
			name: 'missing property: reported on the resource type, fix inserts it',
			bicep: hub({ minTlsVersion: "'1.2'" }),
			errors: [{ messageId: 'moduleSasMissing', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [{ output: hub({ minTlsVersion: "'1.2'", disableModuleSAS: 'true' }) }] }],
		},
		{
			name: 'insecure parameter default: fix edits the default',
			bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool = false'] }),
			errors: [{ messageId: 'moduleSasInsecure', text: 'disableModuleSAS', related: ['false'], suggestions: [{ output: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool = true'] }) }] }],
		},
		{
			name: '.bicepparam value: fix edits the parameter file',
			bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool'] }),
			files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableModuleSAS = false\n" },
			errors: [{
				messageId: 'moduleSasInsecure',
				text: 'disableModuleSAS',
				related: ['false'],
				suggestions: [{ output: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam disableModuleSAS = true\n" } }],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			bicep: hub({ disableModuleSAS: 'sasOff' }, { before: ['var sasOff = false'] }),
			errors: [{ messageId: 'moduleSasInsecure', text: 'sasOff', related: ['false'], suggestions: [{ output: hub({ disableModuleSAS: 'sasOff' }, { before: ['var sasOff = true'] }) }] }],
		},
		{
			name: 'ternary: evaluated, fix replaces the expression with the literal',
			bicep: hub({ disableModuleSAS: "env == 'prod' ? true : false" }, { before: ["param env string = 'dev'"] }),
			errors: [{ messageId: 'moduleSasInsecure', text: "env == 'prod' ? true : false", suggestions: [{ output: hub({ disableModuleSAS: 'true' }, { before: ["param env string = 'dev'"] }) }] }],
		},
		{
			name: 'unknown value reported as info when opted in',
			bicep: hub({ disableModuleSAS: 'disableModuleSAS' }, { before: ['param disableModuleSAS bool'] }),
			options: { reportUnknown: true },
			errors: [{ severity: 'info', text: 'disableModuleSAS', suggestions: [] }],
		},
		{
			name: 'apiVersion too old: fix raises it and sets the property',
			bicep: hub({}, { apiVersion: '2021-03-31' }),
			errors: [{ messageId: 'apiTooOld', suggestions: [{ title: `${fixTitle} (raises apiVersion to 2023-06-30)`, output: hub({ disableModuleSAS: 'true' }) }] }],
		},
	],
});
