import rule from '../../rules/iothub-disable-public-network-access';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

const FIX = "Set publicNetworkAccess to 'Disabled' (devices and services then need a private endpoint)";

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ publicNetworkAccess: '"Disabled"' }) },
		{ name: 'enum values compare case-insensitively', arm: armHub({ publicNetworkAccess: '"disabled"' }) },
		{ name: 'property names compare case-insensitively', arm: armHub({ PublicNetworkAccess: '"Disabled"' }) },
		{ name: 'secure parameter default', arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string", "defaultValue": "Disabled" }'] }) },
		{ name: 'parameter without a value is unknown: silent', arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string" }'] }) },
		{ name: 'allowedValues admit only Disabled', arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string", "allowedValues": ["Disabled"] }'] }) },
		{ name: 'runtime value is unknown: silent', arm: armHub({ publicNetworkAccess: `"[reference('x').pna]"` }) },
		{
			name: 'parameter file sets the secure value',
			arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string", "defaultValue": "Enabled" }'] }),
			files: { 'main.parameters.json': paramFile('"pna": { "value": "Disabled" }') },
		},
		{ bicep: hub({ publicNetworkAccess: "'Disabled'" }) },
		{ name: 'bicep @allowed only Disabled', bicep: hub({ publicNetworkAccess: 'pna' }, { before: ["@allowed(['Disabled'])", 'param pna string'] }) },
	],
	invalid: [
		{
			arm: armHub({ publicNetworkAccess: '"Enabled"' }),
			errors: [{
				messageId: 'publicEnabled',
				message: "NS-2: IoT Hub 'contoso-hub' allows public network access (publicNetworkAccess: 'Enabled'). Set properties.publicNetworkAccess to 'Disabled' and reach the hub through a private endpoint.",
				text: '"Enabled"',
				line: 12,
				column: 32,
				severity: 'warning',
				suggestions: [{ title: FIX, output: armHub({ publicNetworkAccess: '"Disabled"' }) }],
			}],
		},
		{
			name: 'missing property: on the type string, the fix inserts it',
			arm: armHub({ minTlsVersion: '"1.2"' }),
			errors: [{
				messageId: 'publicDefault',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ output: armHub({ minTlsVersion: '"1.2"', publicNetworkAccess: '"Disabled"' }) }],
			}],
		},
		{
			name: 'from a parameter file: shown at the property, related to the file, the fix edits the file',
			arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string", "defaultValue": "Disabled" }'] }),
			files: { 'main.parameters.json': paramFile('"pna": { "value": "Enabled" }') },
			errors: [{
				messageId: 'publicEnabled',
				text: `"[parameters('pna')]"`,
				related: ['"Enabled"'],
				suggestions: [{ files: { 'main.parameters.json': paramFile('"pna": { "value": "Disabled" }') } }],
			}],
		},
		{
			name: 'the open parameter file gets its own finding at the value',
			arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string" }'] }),
			files: { 'main.parameters.json': paramFile('"pna": { "value": "Enabled" }') },
			open: 'main.parameters.json',
			errors: [{ messageId: 'publicEnabled', text: '"Enabled"' }],
		},
		{
			name: 'if() expression: the fix replaces the expression',
			arm: armHub({ publicNetworkAccess: `"[if(parameters('prod'), 'Disabled', 'Enabled')]"` }, { parameters: ['"prod": { "type": "bool", "defaultValue": false }'] }),
			errors: [{
				messageId: 'publicEnabled',
				suggestions: [{ output: armHub({ publicNetworkAccess: '"Disabled"' }, { parameters: ['"prod": { "type": "bool", "defaultValue": false }'] }) }],
			}],
		},
		{
			name: 'apiVersion too old: the fix raises it and sets the property',
			arm: armHub({}, { apiVersion: '2019-03-22' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "NS-2: IoT Hub 'contoso-hub' uses apiVersion 2019-03-22, which cannot set properties.publicNetworkAccess, so public network access stays enabled. Raise apiVersion to 2023-06-30 and set properties.publicNetworkAccess to 'Disabled'.",
				suggestions: [{ output: armHub({ publicNetworkAccess: '"Disabled"' }, { apiVersion: '2023-06-30' }) }],
			}],
		},
		{
			name: 'unknown value reported when opted in',
			arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string" }'] }),
			options: { reportUnknown: true },
			errors: [{ severity: 'info', text: `"[parameters('pna')]"`, suggestions: [] }],
		},
		{
			bicep: hub({ publicNetworkAccess: "'Enabled'" }),
			errors: [{ messageId: 'publicEnabled', text: "'Enabled'", line: 9, column: 26, suggestions: [{ title: FIX, output: hub({ publicNetworkAccess: "'Disabled'" }) }] }],
		},
		{
			name: 'bicep: missing property, the fix inserts it',
			bicep: hub({ minTlsVersion: "'1.2'" }),
			errors: [{ messageId: 'publicDefault', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [{ output: hub({ minTlsVersion: "'1.2'", publicNetworkAccess: "'Disabled'" }) }] }],
		},
		{
			name: 'bicep: insecure parameter default, the fix edits the default',
			bicep: hub({ publicNetworkAccess: 'pna' }, { before: ["param pna string = 'Enabled'"] }),
			errors: [{ messageId: 'publicEnabled', text: 'pna', related: ["'Enabled'"], suggestions: [{ output: hub({ publicNetworkAccess: 'pna' }, { before: ["param pna string = 'Disabled'"] }) }] }],
		},
	],
});
