import rule from '../../rules/iothub-customer-managed-key';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

// The rule is off by default (customer-managed keys are a preview feature): the cases turn it on.
const on = { levels: { 'iothub-customer-managed-key': 'warning' as const } };
const preview = '2023-06-30-preview';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

const key = '{ "keyIdentifier": "https://contoso-kv.vault.azure.net/keys/hub-key", "identity": { "userAssignedIdentity": "[resourceId(\'Microsoft.ManagedIdentity/userAssignedIdentities\', \'hub-id\')]" } }';
const encryption = (keys: string) => `{ "keySource": "Microsoft.KeyVault", "keyVaultProperties": ${keys} }`;

/** languageVersion 2.0: resources keyed by symbolic name. */
const symbolic = (keys: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "hub": {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "${preview}",
      "name": "contoso-hub",
      "location": "westeurope",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": {
        "encryption": { "keyVaultProperties": ${keys} }
      }
    }
  }
}
`;

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ encryption: encryption(`[${key}]`) }, { apiVersion: preview }), options: on },
		{ name: 'off by default', arm: armHub({}) },
		{ name: 'property names are case-insensitive', arm: armHub({ Encryption: `{ "KeyVaultProperties": [${key}] }` }, { apiVersion: preview }), options: on },
		{ name: 'keys from a parameter default', arm: armHub({ encryption: encryption(`"[parameters('keys')]"`) }, { apiVersion: preview, parameters: [`"keys": { "type": "array", "defaultValue": [${key}] }`] }), options: on },
		{
			name: 'keys from the parameter file (overrides an empty default)',
			arm: armHub({ encryption: encryption(`"[parameters('keys')]"`) }, { apiVersion: preview, parameters: ['"keys": { "type": "array", "defaultValue": [] }'] }),
			files: { 'main.parameters.json': paramFile(`"keys": { "value": [{ "keyIdentifier": "https://contoso-kv.vault.azure.net/keys/hub-key" }] }`) },
			options: on,
		},
		{ name: 'from a variable', arm: armHub({ encryption: `"[variables('encryption')]"` }, { apiVersion: preview, variables: [`"encryption": ${encryption(`[${key}]`)}`] }), options: on },
		{ name: 'keys known only at deployment are silent', arm: armHub({ encryption: encryption(`"[parameters('keys')]"`) }, { apiVersion: preview, parameters: ['"keys": { "type": "array" }'] }), options: on },
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic(`[${key}]`), options: on },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }), options: on },
	],
	invalid: [
		{
			name: 'stable apiVersion: no encryption property',
			arm: armHub({}),
			options: on,
			errors: [{
				messageId: 'cmkApiStable',
				message: "DP-6: IoT Hub 'contoso-hub' uses apiVersion 2023-06-30, which has no properties.encryption (customer-managed keys exist only in preview apiVersions), so data at rest is encrypted with Microsoft-managed keys. To use a customer-managed key, deploy with a preview apiVersion such as 2023-06-30-preview and set properties.encryption.keyVaultProperties.",
				severity: 'warning',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [],
			}],
		},
		{
			name: 'stable apiVersion ignores a written encryption',
			arm: armHub({ encryption: encryption(`[${key}]`) }, { apiVersion: '2021-07-02' }),
			options: on,
			errors: [{ messageId: 'cmkApiStable', message: "DP-6: IoT Hub 'contoso-hub' uses apiVersion 2021-07-02, which has no properties.encryption (customer-managed keys exist only in preview apiVersions), so data at rest is encrypted with Microsoft-managed keys. To use a customer-managed key, deploy with a preview apiVersion such as 2021-07-02-preview and set properties.encryption.keyVaultProperties." }],
		},
		{
			name: 'an old stable apiVersion points at the preview of the newest stable one',
			arm: armHub({}, { apiVersion: '2018-04-01' }),
			options: on,
			errors: [{ messageId: 'cmkApiStable', message: "DP-6: IoT Hub 'contoso-hub' uses apiVersion 2018-04-01, which has no properties.encryption (customer-managed keys exist only in preview apiVersions), so data at rest is encrypted with Microsoft-managed keys. To use a customer-managed key, deploy with a preview apiVersion such as 2023-06-30-preview and set properties.encryption.keyVaultProperties." }],
		},
		{
			name: 'preview apiVersion without keys: reported on the type',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }, { apiVersion: preview }),
			options: on,
			errors: [{
				messageId: 'cmkMissing',
				message: "DP-6: IoT Hub 'contoso-hub' does not set properties.encryption.keyVaultProperties, so data at rest is encrypted with Microsoft-managed keys. Add a Key Vault key to properties.encryption.keyVaultProperties (with properties.encryption.keySource 'Microsoft.KeyVault').",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [],
			}],
		},
		{
			name: 'empty key list',
			arm: armHub({ encryption: encryption('[]') }, { apiVersion: preview }),
			options: on,
			errors: [{
				messageId: 'cmkEmpty',
				message: "DP-6: IoT Hub 'contoso-hub' has an empty properties.encryption.keyVaultProperties, so data at rest is encrypted with Microsoft-managed keys. Add a Key Vault key to properties.encryption.keyVaultProperties.",
				text: '[]',
			}],
		},
		{
			name: 'empty list from a parameter default: related information at the default',
			arm: armHub({ encryption: encryption(`"[parameters('keys')]"`) }, { apiVersion: preview, parameters: ['"keys": { "type": "array", "defaultValue": [] }'] }),
			options: on,
			errors: [{ messageId: 'cmkEmpty', text: `"[parameters('keys')]"`, related: ['[]'] }],
		},
		{
			name: 'empty list from the parameter file: related information in the parameter file',
			arm: armHub({ encryption: encryption(`"[parameters('keys')]"`) }, { apiVersion: preview, parameters: ['"keys": { "type": "array" }'] }),
			files: { 'main.parameters.json': paramFile('"keys": { "value": [] }') },
			options: on,
			errors: [{ messageId: 'cmkEmpty', text: `"[parameters('keys')]"`, related: ['[]'] }],
		},
		{
			name: 'if() is evaluated',
			arm: armHub({ encryption: encryption(`"[if(equals(parameters('env'), 'prod'), variables('keys'), createArray())]"`) }, { apiVersion: preview, parameters: ['"env": { "type": "string", "defaultValue": "dev" }'], variables: [`"keys": [${key}]`] }),
			options: on,
			errors: [{ messageId: 'cmkEmpty', text: `"[if(equals(parameters('env'), 'prod'), variables('keys'), createArray())]"` }],
		},
		{
			name: 'unknown keys reported as info when opted in',
			arm: armHub({ encryption: encryption(`"[parameters('keys')]"`) }, { apiVersion: preview, parameters: ['"keys": { "type": "array" }'] }),
			options: { ...on, reportUnknown: true },
			errors: [{
				message: "DP-6: Cannot verify properties.encryption.keyVaultProperties of IoT Hub 'contoso-hub': depends on parameter 'keys'.",
				severity: 'info',
				text: `"[parameters('keys')]"`,
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('[]'),
			options: on,
			errors: [{ messageId: 'cmkEmpty', text: '[]' }],
		},
	],
});

const bicepKeys = "[\n        {\n          keyIdentifier: 'https://contoso-kv.vault.azure.net/keys/hub-key'\n        }\n      ]";

ruleTester.run(rule, {
	valid: [
		{ bicep: hub({ encryption: `{\n      keySource: 'Microsoft.KeyVault'\n      keyVaultProperties: ${bicepKeys}\n    }` }, { apiVersion: preview }), options: on },
		{ name: 'off by default', bicep: hub({}) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {'), options: on },
	],
	invalid: [
		{
			name: 'stable apiVersion',
			bicep: hub({}),
			options: on,
			errors: [{ messageId: 'cmkApiStable', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [] }],
		},
		{
			name: 'preview apiVersion without keys',
			bicep: hub({}, { apiVersion: preview }),
			options: on,
			errors: [{ messageId: 'cmkMissing', text: `'Microsoft.Devices/IotHubs@${preview}'` }],
		},
		{
			name: 'empty key list from a parameter default',
			bicep: hub({ encryption: '{\n      keyVaultProperties: keys\n    }' }, { apiVersion: preview, before: ['param keys array = []'] }),
			options: on,
			errors: [{ messageId: 'cmkEmpty', text: 'keys', related: ['[]'] }],
		},
	],
});
