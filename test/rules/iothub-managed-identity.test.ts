import rule from '../../rules/iothub-managed-identity';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

/** A hub with the given raw `identity` member. */
const withIdentity = (identity: string, opts: Parameters<typeof armHub>[1] = {}) => armHub({}, { ...opts, extra: [`"identity": ${identity}`, ...(opts.extra ?? [])] });

/** What the fix writes when identity is missing: a new member after `properties`. */
const added = (key: string, opts: Parameters<typeof armHub>[1] = {}) =>
	armHub({}, opts).replace('"properties": {}', `"properties": {},\n      "identity": {\n        "${key}": "SystemAssigned"\n      }`);

/** languageVersion 2.0: resources keyed by symbolic name. */
const symbolic = (identityType: string) => `{
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
      "identity": { "type": ${identityType} },
      "properties": {}
    }
  }
}
`;

const addTitle = "Add a system-assigned managed identity (identity: { type: 'SystemAssigned' })";
const setTitle = "Set identity.type to 'SystemAssigned' (adds a system-assigned managed identity)";
const idType = `"[parameters('identityType')]"`;

ruleTester.run(rule, {
	valid: [
		{ arm: withIdentity('{ "type": "SystemAssigned" }') },
		{ name: 'user-assigned', arm: withIdentity(`{ "type": "UserAssigned", "userAssignedIdentities": { "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'hub-id')]": {} } }`) },
		{ name: 'both', arm: withIdentity('{ "type": "SystemAssigned, UserAssigned" }') },
		{ name: 'property names are case-insensitive', arm: armHub({}, { extra: ['"Identity": { "Type": "SystemAssigned" }'] }) },
		{ name: 'identityType in 2020-08-31-preview', arm: withIdentity('{ "identityType": "SystemAssigned" }', { apiVersion: '2020-08-31-preview' }) },
		{ name: 'from a parameter default', arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "defaultValue": "SystemAssigned" }'] }) },
		{ name: 'whole identity object from a parameter default', arm: armHub({}, { extra: [`"identity": "[parameters('identity')]"`], parameters: ['"identity": { "type": "object", "defaultValue": { "type": "SystemAssigned" } }'] }) },
		{
			name: 'from the parameter file (overrides an insecure default)',
			arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "defaultValue": "None" }'] }),
			files: { 'main.parameters.json': paramFile('"identityType": { "value": "SystemAssigned" }') },
		},
		{ name: 'from a variable', arm: withIdentity(`"[variables('identity')]"`, { variables: ['"identity": { "type": "SystemAssigned" }'] }) },
		{ name: 'computed: if()', arm: withIdentity(`{ "type": "[if(equals(parameters('env'), 'prod'), 'SystemAssigned', 'UserAssigned')]" }`, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) },
		{ name: 'parameter without default is unknown: silent', arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string" }'] }) },
		{ name: 'allowedValues admit only identities', arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "allowedValues": ["SystemAssigned", "UserAssigned"] }'] }) },
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic('"SystemAssigned"') },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }) },
	],
	invalid: [
		{
			name: "type 'None', compared case-insensitively",
			arm: withIdentity('{ "type": "none" }'),
			errors: [{
				messageId: 'identityNone',
				message: "IM-3: IoT Hub 'contoso-hub' has no managed identity (identity.type: 'none'). Set identity.type to 'SystemAssigned' (or 'UserAssigned') so the hub reaches routing endpoints and storage with Microsoft Entra ID instead of keys.",
				severity: 'warning',
				text: '"none"',
				suggestions: [{ title: setTitle, output: withIdentity('{ "type": "SystemAssigned" }') }],
			}],
		},
		{
			name: 'missing identity: reported on the type, fix adds a system-assigned identity',
			arm: armHub({}),
			errors: [{
				messageId: 'identityMissing',
				message: "IM-3: IoT Hub 'contoso-hub' does not set identity.type, so the hub has no managed identity. Add identity: { type: 'SystemAssigned' } so the hub reaches routing endpoints and storage with Microsoft Entra ID instead of keys.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: addTitle, output: added('type') }],
			}],
		},
		{
			name: 'identity without a type',
			arm: withIdentity('{}'),
			errors: [{
				messageId: 'identityMissing',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: setTitle, output: withIdentity('{\n        "type": "SystemAssigned"\n      }') }],
			}],
		},
		{
			name: 'property names are case-insensitive',
			arm: armHub({}, { extra: ['"Identity": { "Type": "None" }'] }),
			errors: [{ messageId: 'identityNone', text: '"None"', suggestions: [{ output: armHub({}, { extra: ['"Identity": { "Type": "SystemAssigned" }'] }) }] }],
		},
		{
			name: '2020-08-31-preview spells it identityType',
			arm: withIdentity('{ "identityType": "None" }', { apiVersion: '2020-08-31-preview' }),
			errors: [{
				messageId: 'identityNone',
				message: "IM-3: IoT Hub 'contoso-hub' has no managed identity (identity.identityType: 'None'). Set identity.identityType to 'SystemAssigned' (or 'UserAssigned') so the hub reaches routing endpoints and storage with Microsoft Entra ID instead of keys.",
				suggestions: [{
					title: "Set identity.identityType to 'SystemAssigned' (adds a system-assigned managed identity)",
					output: withIdentity('{ "identityType": "SystemAssigned" }', { apiVersion: '2020-08-31-preview' }),
				}],
			}],
		},
		{
			name: '2020-07-10-preview: the fix adds identityType',
			arm: armHub({}, { apiVersion: '2020-07-10-preview' }),
			errors: [{
				messageId: 'identityMissing',
				suggestions: [{ title: "Add a system-assigned managed identity (identity: { identityType: 'SystemAssigned' })", output: added('identityType', { apiVersion: '2020-07-10-preview' }) }],
			}],
		},
		{
			name: 'insecure parameter default: related information and fix at the default',
			arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "defaultValue": "None" }'] }),
			errors: [{
				messageId: 'identityNone',
				text: idType,
				related: ['"None"'],
				suggestions: [{ output: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "defaultValue": "SystemAssigned" }'] }) }],
			}],
		},
		{
			name: 'whole identity object from a parameter default',
			arm: armHub({}, { extra: [`"identity": "[parameters('identity')]"`], parameters: ['"identity": { "type": "object", "defaultValue": { "type": "None" } }'] }),
			errors: [{
				messageId: 'identityNone',
				text: `"[parameters('identity')]"`,
				related: ['"None"'],
				suggestions: [{ output: armHub({}, { extra: [`"identity": "[parameters('identity')]"`], parameters: ['"identity": { "type": "object", "defaultValue": { "type": "SystemAssigned" } }'] }) }],
			}],
		},
		{
			name: 'parameter file value: finding at the property, related information and fix in the parameter file',
			arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "defaultValue": "SystemAssigned" }'] }),
			files: { 'main.parameters.json': paramFile('"identityType": { "value": "None" }') },
			errors: [{
				messageId: 'identityNone',
				text: idType,
				related: ['"None"'],
				suggestions: [{
					output: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "defaultValue": "SystemAssigned" }'] }),
					files: { 'main.parameters.json': paramFile('"identityType": { "value": "SystemAssigned" }') },
				}],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			arm: withIdentity(`"[variables('identity')]"`, { variables: ['"identity": { "type": "None" }'] }),
			errors: [{
				messageId: 'identityNone',
				text: `"[variables('identity')]"`,
				related: ['"None"'],
				suggestions: [{ output: withIdentity(`"[variables('identity')]"`, { variables: ['"identity": { "type": "SystemAssigned" }'] }) }],
			}],
		},
		{
			name: 'if(): evaluated, fix replaces the expression with the literal',
			arm: withIdentity(`{ "type": "[if(equals(parameters('env'), 'prod'), 'SystemAssigned', 'None')]" }`, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }),
			errors: [{
				messageId: 'identityNone',
				text: `"[if(equals(parameters('env'), 'prod'), 'SystemAssigned', 'None')]"`,
				suggestions: [{ output: withIdentity('{ "type": "SystemAssigned" }', { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) }],
			}],
		},
		{
			name: 'unknown value reported as info when opted in',
			arm: withIdentity(`{ "type": ${idType} }`, { parameters: ['"identityType": { "type": "string", "allowedValues": ["SystemAssigned", "None"] }'] }),
			options: { reportUnknown: true },
			errors: [{
				message: "IM-3: Cannot verify identity.type of IoT Hub 'contoso-hub': depends on parameter 'identityType'.",
				severity: 'info',
				text: idType,
				suggestions: [],
			}],
		},
		{
			name: 'apiVersion without identity (2020-08-31 is stable but has none): fix raises it and adds the identity',
			arm: armHub({}, { apiVersion: '2020-08-31' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "IM-3: IoT Hub 'contoso-hub' uses apiVersion 2020-08-31, which has no identity property, so the hub gets no managed identity. Raise apiVersion to 2023-06-30 and set identity.type to 'SystemAssigned' (or 'UserAssigned').",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: `${addTitle} (raises apiVersion to 2023-06-30)`, output: added('type') }],
			}],
		},
		{
			name: 'apiVersion without identity ignores a written identity: fix raises the apiVersion',
			arm: withIdentity('{ "type": "SystemAssigned" }', { apiVersion: '2020-03-01' }),
			errors: [{
				messageId: 'apiTooOld',
				suggestions: [{ title: 'Raise apiVersion to 2023-06-30 (apiVersion 2020-03-01 ignores identity)', output: withIdentity('{ "type": "SystemAssigned" }') }],
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('"None"'),
			errors: [{ messageId: 'identityNone', text: '"None"', suggestions: [{ output: symbolic('"SystemAssigned"') }] }],
		},
	],
});

/** A Bicep hub with `identity: { type: <type> }`. */
const bicepIdentity = (type: string, opts: Parameters<typeof hub>[1] = {}) => hub({}, { ...opts, extra: ['identity: {', `  type: ${type}`, '}'] });
/** What the fix writes when identity is missing: a new member at the end of the resource body. */
const bicepAdded = (opts: Parameters<typeof hub>[1] = {}) => hub({}, opts).replace(/\n}\n$/, "\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n");

ruleTester.run(rule, {
	valid: [
		{ bicep: bicepIdentity("'SystemAssigned'") },
		{ name: 'from a parameter default', bicep: bicepIdentity('identityType', { before: ["param identityType string = 'UserAssigned'"] }) },
		{ name: 'from the .bicepparam file', bicep: bicepIdentity('identityType', { before: ["param identityType string = 'None'"] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam identityType = 'SystemAssigned'\n" } },
		{ name: 'parameter without default is unknown: silent', bicep: bicepIdentity('identityType', { before: ['param identityType string'] }) },
		{ name: '@allowed admits only identities', bicep: bicepIdentity('identityType', { before: ["@allowed([\n  'SystemAssigned'\n  'UserAssigned'\n])\nparam identityType string"] }) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {') },
	],
	invalid: [
		{
			name: "type 'none', compared case-insensitively",
			bicep: bicepIdentity("'none'"),
			errors: [{ messageId: 'identityNone', text: "'none'", suggestions: [{ title: setTitle, output: bicepIdentity("'SystemAssigned'") }] }],
		},
		{
			name: 'missing identity: reported on the resource type, fix adds it',
			bicep: hub({ minTlsVersion: "'1.2'" }),
			errors: [{ messageId: 'identityMissing', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [{ title: addTitle, output: bicepAdded().replace('properties: {}', "properties: {\n    minTlsVersion: '1.2'\n  }") }] }],
		},
		{
			name: 'insecure parameter default: fix edits the default',
			bicep: bicepIdentity('identityType', { before: ["param identityType string = 'None'"] }),
			errors: [{ messageId: 'identityNone', text: 'identityType', related: ["'None'"], suggestions: [{ output: bicepIdentity('identityType', { before: ["param identityType string = 'SystemAssigned'"] }) }] }],
		},
		{
			name: '.bicepparam value: fix edits the parameter file',
			bicep: bicepIdentity('identityType', { before: ['param identityType string'] }),
			files: { 'main.bicepparam': "using 'main.bicep'\n\nparam identityType = 'None'\n" },
			errors: [{
				messageId: 'identityNone',
				related: ["'None'"],
				suggestions: [{ output: bicepIdentity('identityType', { before: ['param identityType string'] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam identityType = 'SystemAssigned'\n" } }],
			}],
		},
		{
			name: 'ternary: evaluated, fix replaces the expression with the literal',
			bicep: bicepIdentity("env == 'prod' ? 'SystemAssigned' : 'None'", { before: ["param env string = 'dev'"] }),
			errors: [{ messageId: 'identityNone', text: "env == 'prod' ? 'SystemAssigned' : 'None'", suggestions: [{ output: bicepIdentity("'SystemAssigned'", { before: ["param env string = 'dev'"] }) }] }],
		},
		{
			name: 'unknown value reported as info when opted in',
			bicep: bicepIdentity('identityType', { before: ['param identityType string'] }),
			options: { reportUnknown: true },
			errors: [{ severity: 'info', text: 'identityType', suggestions: [] }],
		},
		{
			name: 'apiVersion without identity (2020-08-31): fix raises it and adds the identity',
			bicep: hub({}, { apiVersion: '2020-08-31' }),
			errors: [{ messageId: 'apiTooOld', text: "'Microsoft.Devices/IotHubs@2020-08-31'", suggestions: [{ output: bicepAdded() }] }],
		},
	],
});
