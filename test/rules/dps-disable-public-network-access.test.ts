import rule from '../../rules/dps-disable-public-network-access';
import { ruleTester } from '../support/rule-tester';
import { armDps, dps } from '../support/related-templates';

ruleTester.run(rule, {
	valid: [
		{ arm: armDps({ publicNetworkAccess: '"Disabled"' }) },
		{ name: 'enum values compare case-insensitively', arm: armDps({ publicNetworkAccess: '"disabled"' }) },
		{ name: 'a parameter whose allowed values are all secure', arm: armDps({ publicNetworkAccess: `"[parameters('access')]"` }, { parameters: ['"access": { "type": "string", "allowedValues": ["Disabled"] }'] }) },
		{ name: 'a parameter with no value: cannot verify, silent', arm: armDps({ publicNetworkAccess: `"[parameters('access')]"` }, { parameters: ['"access": { "type": "string" }'] }) },
		{ bicep: dps({ publicNetworkAccess: "'Disabled'" }) },
		{ name: 'bicep: a ternary that resolves to Disabled', bicep: dps({ publicNetworkAccess: "isPrivate ? 'Disabled' : 'Enabled'" }, { before: ['param isPrivate bool = true'] }) },
	],
	invalid: [
		{
			name: 'arm: Enabled',
			arm: armDps({ publicNetworkAccess: '"Enabled"' }),
			errors: [{
				messageId: 'publicEnabled',
				message: "NS-2: DPS 'contoso-dps' allows public network access (publicNetworkAccess: 'Enabled'). Set properties.publicNetworkAccess to 'Disabled' and reach the DPS through a private endpoint.",
				severity: 'warning',
				text: '"Enabled"',
				suggestions: [{ title: "Set publicNetworkAccess to 'Disabled' (devices then need a private endpoint to provision)", output: armDps({ publicNetworkAccess: '"Disabled"' }) }],
			}],
		},
		{
			name: 'arm: missing means the service default (Enabled)',
			arm: armDps({ allocationPolicy: '"Hashed"' }),
			errors: [{
				messageId: 'publicDefault',
				text: '"Microsoft.Devices/provisioningServices"',
				suggestions: [{ output: armDps({ allocationPolicy: '"Hashed"', publicNetworkAccess: '"Disabled"' }).replace('"Hashed",\n        "publicNetworkAccess"', '"Hashed",\n        "publicNetworkAccess"') }],
			}],
		},
		{
			name: 'arm: a parameter default: the fix edits the default',
			arm: armDps({ publicNetworkAccess: `"[parameters('access')]"` }, { parameters: ['"access": { "type": "string", "defaultValue": "Enabled" }'] }),
			errors: [{
				messageId: 'publicEnabled',
				text: `"[parameters('access')]"`,
				related: ['"Enabled"'],
				suggestions: [{ output: armDps({ publicNetworkAccess: `"[parameters('access')]"` }, { parameters: ['"access": { "type": "string", "defaultValue": "Disabled" }'] }) }],
			}],
		},
		{
			name: 'arm: apiVersion 2018-01-22 cannot set it: the fix raises apiVersion',
			arm: armDps({}, { apiVersion: '2018-01-22' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "NS-2: DPS 'contoso-dps' uses apiVersion 2018-01-22, which cannot set properties.publicNetworkAccess, so public network access stays enabled. Raise apiVersion to 2026-04-01 and set properties.publicNetworkAccess to 'Disabled'.",
				suggestions: [{ output: armDps({ publicNetworkAccess: '"Disabled"' }, { apiVersion: '2026-04-01' }) }],
			}],
		},
		{
			name: 'bicep: Enabled',
			bicep: dps({ publicNetworkAccess: "'Enabled'" }),
			errors: [{ messageId: 'publicEnabled', text: "'Enabled'", suggestions: [{ output: dps({ publicNetworkAccess: "'Disabled'" }) }] }],
		},
		{
			name: 'bicep: missing',
			bicep: dps({}),
			errors: [{ messageId: 'publicDefault', text: "'Microsoft.Devices/provisioningServices@2022-12-12'", suggestions: [{ output: dps({ publicNetworkAccess: "'Disabled'" }) }] }],
		},
	],
});
