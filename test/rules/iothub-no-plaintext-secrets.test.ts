import rule from '../../rules/iothub-no-plaintext-secrets';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

// `"routing"` value with the given endpoint arrays; each entry is a list of raw JSON members.
function routing(groups: Record<string, string[][]>): string {
	const pad = (n: number) => ' '.repeat(n);
	const kinds = Object.entries(groups).map(
		([kind, entries]) => `${pad(12)}"${kind}": [\n${entries.map((m) => `${pad(14)}{\n${m.map((x) => `${pad(16)}${x}`).join(',\n')}\n${pad(14)}}`).join(',\n')}\n${pad(12)}]`,
	);
	return `{\n${pad(10)}"endpoints": {\n${kinds.join(',\n')}\n${pad(10)}}\n${pad(8)}}`;
}

// `"storageEndpoints"` value with a `$default` entry of the given raw JSON members.
function storage(members: string[]): string {
	return `{\n          "$default": {\n${members.map((m) => `            ${m}`).join(',\n')}\n          }\n        }`;
}

// `"authorizationPolicies"` value; each policy is a list of raw JSON members.
function policies(entries: string[][]): string {
	return `[\n${entries.map((m) => `          {\n${m.map((x) => `            ${x}`).join(',\n')}\n          }`).join(',\n')}\n        ]`;
}

const KEY = 'c2VjcmV0LWtleS1mb3ItdGVzdHM=';
const EH = `Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=telemetry`;
const eh = (cs: string) => armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', `"connectionString": ${cs}`]] }) });
const ehWith = (cs: string, opts: Parameters<typeof armHub>[1]) => armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', `"connectionString": ${cs}`]] }) }, opts);
const listKeysEh = `"[listKeys(resourceId('Microsoft.EventHub/namespaces/eventhubs/authorizationRules', 'contoso-ns', 'telemetry', 'send'), '2021-11-01').primaryConnectionString]"`;
const paramFile = (members: string[]) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n${members.map((m) => `    ${m}`).join(',\n')}\n  }\n}\n`;

ruleTester.run(rule, {
	valid: [
		{ name: 'no secrets', arm: armHub({ minTlsVersion: '"1.2"' }) },
		{ name: 'securestring parameter', arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "securestring" }'] }) },
		{ name: 'secure type names compare case-insensitively', arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "secureString" }'] }) },
		{ name: 'listKeys() at deployment time', arm: eh(listKeysEh) },
		{
			name: 'connection string assembled around listKeys()',
			arm: eh(`"[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', listKeys(resourceId('Microsoft.EventHub/namespaces/eventhubs/authorizationRules', 'contoso-ns', 'telemetry', 'send'), '2021-11-01').primaryKey, ';EntityPath=telemetry')]"`),
		},
		{
			name: 'listKeys() with a namespace parameter that has no value',
			arm: ehWith(`"[concat('Endpoint=sb://', parameters('ns'), '.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', listKeys(resourceId('Microsoft.EventHub/namespaces/eventhubs/authorizationRules', parameters('ns'), 'telemetry', 'send'), '2021-11-01').primaryKey)]"`, { parameters: ['"ns": { "type": "string" }'] }),
		},
		{
			name: 'a key from a secure parameter, with a plain namespace parameter',
			arm: ehWith(`"[concat('Endpoint=sb://', parameters('ns'), '.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', parameters('ehKey'), ';EntityPath=telemetry')]"`, {
				parameters: ['"ns": { "type": "string", "defaultValue": "contoso-ns" }', '"ehKey": { "type": "securestring" }'],
			}),
		},
		{
			name: 'a key from a secure parameter with a default (another rule\'s business)',
			arm: ehWith(`"[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', parameters('ehKey'))]"`, { parameters: [`"ehKey": { "type": "securestring", "defaultValue": "${KEY}" }`] }),
		},
		{
			name: 'a variable that passes a secure parameter through',
			arm: ehWith(`"[variables('ehConn')]"`, { parameters: ['"ehConn": { "type": "securestring" }'], variables: [`"ehConn": "[parameters('ehConn')]"`] }),
		},
		{
			name: 'Key Vault reference in the parameter file',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "string" }'] }),
			files: { 'main.parameters.json': paramFile(['"ehConn": { "reference": { "keyVault": { "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, "secretName": "eh-conn" } }']) },
		},
		{
			name: 'identity-based file upload: a connection string without a key holds no secret',
			arm: armHub({ storageEndpoints: storage(['"connectionString": "DefaultEndpointsProtocol=https;AccountName=contosouploads;EndpointSuffix=core.windows.net"', '"containerName": "uploads"', '"authenticationType": "identityBased"']) }),
		},
		{ name: 'identity-based routing endpoint', arm: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', '"authenticationType": "identityBased"', '"endpointUri": "sb://contoso-ns.servicebus.windows.net"', '"entityPath": "telemetry"']] }) }) },
		{ name: 'authorization policies without keys', arm: armHub({ authorizationPolicies: policies([['"keyName": "service"', '"rights": "ServiceConnect"']]) }) },
		{ name: 'empty key placeholders', arm: armHub({ authorizationPolicies: policies([['"keyName": "service"', '"rights": "ServiceConnect"', '"primaryKey": ""']]) }) },
	],
	invalid: [
		{
			name: 'literal Event Hubs connection string',
			arm: eh(JSON.stringify(EH)),
			errors: [{
				messageId: 'literalSecret',
				message: "IM-8: IoT Hub 'contoso-hub' properties.routing.endpoints.eventHubs[0].connectionString (routing endpoint 'telemetry') is a literal secret. Anyone who can read the template or its deployment history can use it: move it to a secure parameter (securestring / @secure()) or a Key Vault reference, or build it at deployment time with listKeys().",
				severity: 'error',
				text: JSON.stringify(EH),
				suggestions: [],
			}],
		},
		{
			name: 'literal keys of a shared access policy',
			arm: armHub({ authorizationPolicies: policies([['"keyName": "service"', '"rights": "ServiceConnect"', `"primaryKey": "${KEY}"`, '"secondaryKey": "b3RoZXIta2V5LWZvci10ZXN0cw=="']]) }),
			errors: [
				{ messageId: 'literalSecret', severity: 'error', text: `"${KEY}"`, suggestions: [] },
				{
					messageId: 'literalSecret',
					message: "IM-8: IoT Hub 'contoso-hub' properties.authorizationPolicies[0].secondaryKey (shared access policy 'service') is a literal secret. Anyone who can read the template or its deployment history can use it: move it to a secure parameter (securestring / @secure()) or a Key Vault reference, or build it at deployment time with listKeys().",
					text: '"b3RoZXIta2V5LWZvci10ZXN0cw=="',
				},
			],
		},
		{
			name: 'literal Cosmos DB key, Service Bus and storage connection strings',
			arm: armHub({
				routing: routing({
					serviceBusQueues: [['"name": "alerts"', `"connectionString": "Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=alerts"`]],
					serviceBusTopics: [['"name": "events"', `"connectionString": "Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=events"`]],
					storageContainers: [['"name": "archive"', `"connectionString": "DefaultEndpointsProtocol=https;AccountName=contosoarchive;AccountKey=${KEY}"`, '"containerName": "telemetry"']],
					cosmosDBSqlContainers: [['"name": "cosmos"', '"endpointUri": "https://contoso.documents.azure.com:443/"', `"primaryKey": "${KEY}"`, '"databaseName": "iot"', '"containerName": "telemetry"']],
				}),
			}),
			errors: [
				{ messageId: 'literalSecret', text: `"Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=alerts"` },
				{ messageId: 'literalSecret', text: `"Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=events"` },
				{ messageId: 'literalSecret', text: `"DefaultEndpointsProtocol=https;AccountName=contosoarchive;AccountKey=${KEY}"` },
				{ messageId: 'literalSecret', text: `"${KEY}"` },
			],
		},
		{
			name: 'literal file upload connection string with an account key',
			arm: armHub({ storageEndpoints: storage([`"connectionString": "DefaultEndpointsProtocol=https;AccountName=contosouploads;AccountKey=${KEY};EndpointSuffix=core.windows.net"`, '"containerName": "uploads"']) }),
			errors: [{
				messageId: 'literalSecret',
				message: "IM-8: IoT Hub 'contoso-hub' properties.storageEndpoints.$default.connectionString (storage endpoint '$default') is a literal secret. Anyone who can read the template or its deployment history can use it: move it to a secure parameter (securestring / @secure()) or a Key Vault reference, or build it at deployment time with listKeys().",
				text: `"DefaultEndpointsProtocol=https;AccountName=contosouploads;AccountKey=${KEY};EndpointSuffix=core.windows.net"`,
				suggestions: [],
			}],
		},
		{
			name: 'a literal in a variable',
			arm: ehWith(`"[variables('ehConn')]"`, { variables: [`"ehConn": ${JSON.stringify(EH)}`] }),
			errors: [{
				messageId: 'literalSecret',
				message: "IM-8: IoT Hub 'contoso-hub' properties.routing.endpoints.eventHubs[0].connectionString (routing endpoint 'telemetry') is a literal secret (written in variable 'ehConn'). Anyone who can read the template or its deployment history can use it: move it to a secure parameter (securestring / @secure()) or a Key Vault reference, or build it at deployment time with listKeys().",
				text: `"[variables('ehConn')]"`,
				related: [JSON.stringify(EH)],
				suggestions: [],
			}],
		},
		{
			name: 'a literal key concatenated with a namespace parameter',
			arm: ehWith(`"[concat('Endpoint=sb://', parameters('ns'), '.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY}')]"`, { parameters: ['"ns": { "type": "string", "defaultValue": "contoso-ns" }'] }),
			errors: [{ messageId: 'literalSecret', severity: 'error', suggestions: [] }],
		},
		{
			name: 'non-secure parameter with a default: warning, the fix marks it securestring and drops the default',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: [`"ehConn": {\n      "type": "string",\n      "defaultValue": ${JSON.stringify(EH)}\n    }`] }),
			errors: [{
				messageId: 'nonSecureParameter',
				message: "IM-8: IoT Hub 'contoso-hub' properties.routing.endpoints.eventHubs[0].connectionString (routing endpoint 'telemetry') takes a secret from parameter 'ehConn', which is not secure, so the value is shown in the deployment history and kept in the template as its default value. Declare 'ehConn' as securestring (Bicep: @secure()) and pass the value from a Key Vault reference.",
				severity: 'warning',
				text: `"[parameters('ehConn')]"`,
				related: [JSON.stringify(EH)],
				suggestions: [{
					title: "Mark parameter 'ehConn' as securestring and remove its default value (deployments must then pass it)",
					output: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": {\n      "type": "securestring"\n    }'] }),
				}],
			}],
		},
		{
			name: 'non-secure parameter without a value: warning, the fix marks it securestring',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "string" }'] }),
			errors: [{
				messageId: 'nonSecureParameter',
				message: "IM-8: IoT Hub 'contoso-hub' properties.routing.endpoints.eventHubs[0].connectionString (routing endpoint 'telemetry') takes a secret from parameter 'ehConn', which is not secure, so the value is shown in the deployment history. Declare 'ehConn' as securestring (Bicep: @secure()) and pass the value from a Key Vault reference.",
				severity: 'warning',
				suggestions: [{
					title: "Mark parameter 'ehConn' as securestring",
					output: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "securestring" }'] }),
				}],
			}],
		},
		{
			name: 'non-secure parameter with an empty default: a placeholder for the secret',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "string", "defaultValue": "" }'] }),
			errors: [{
				messageId: 'nonSecureParameter',
				message: "IM-8: IoT Hub 'contoso-hub' properties.routing.endpoints.eventHubs[0].connectionString (routing endpoint 'telemetry') takes a secret from parameter 'ehConn', which is not secure, so the value is shown in the deployment history. Declare 'ehConn' as securestring (Bicep: @secure()) and pass the value from a Key Vault reference.",
				severity: 'warning',
				suggestions: [{
					title: "Mark parameter 'ehConn' as securestring and remove its default value (deployments must then pass it)",
					output: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "securestring" }'] }),
				}],
			}],
		},
		{
			name: 'non-secure parameter set in the parameter file',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "string" }'] }),
			files: { 'main.parameters.json': paramFile([`"ehConn": { "value": ${JSON.stringify(EH)} }`]) },
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				text: `"[parameters('ehConn')]"`,
				related: [JSON.stringify(EH)],
				suggestions: [{ output: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "securestring" }'] }) }],
			}],
		},
		{
			name: 'the parameter file itself shows the finding at the value it sets',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "string" }'] }),
			files: { 'main.parameters.json': paramFile([`"ehConn": { "value": ${JSON.stringify(EH)} }`]) },
			open: 'main.parameters.json',
			errors: [{ messageId: 'nonSecureParameter', severity: 'warning', text: JSON.stringify(EH) }],
		},
		{
			name: 'a variable built from a non-secure parameter with a default',
			arm: ehWith(`"[variables('ehConn')]"`, {
				parameters: [`"ehKey": { "type": "string", "defaultValue": "${KEY}" }`],
				variables: [`"ehConn": "[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', parameters('ehKey'), ';EntityPath=telemetry')]"`],
			}),
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				text: `"[variables('ehConn')]"`,
				related: ['ehKey'],
				suggestions: [{
					title: "Mark parameter 'ehKey' as securestring and remove its default value (deployments must then pass it)",
					output: ehWith(`"[variables('ehConn')]"`, {
						parameters: ['"ehKey": { "type": "securestring" }'],
						variables: [`"ehConn": "[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', parameters('ehKey'), ';EntityPath=telemetry')]"`],
					}),
				}],
			}],
		},
		{
			name: 'a variable built from a non-secure parameter without a value',
			arm: ehWith(`"[variables('ehConn')]"`, {
				parameters: ['"ehKey": { "type": "string" }'],
				variables: [`"ehConn": "[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', parameters('ehKey'))]"`],
			}),
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				suggestions: [{
					output: ehWith(`"[variables('ehConn')]"`, {
						parameters: ['"ehKey": { "type": "securestring" }'],
						variables: [`"ehConn": "[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=', parameters('ehKey'))]"`],
					}),
				}],
			}],
		},
		{
			name: 'authorization policy keys from a non-secure parameter',
			arm: armHub({ authorizationPolicies: policies([['"keyName": "service"', '"rights": "ServiceConnect"', `"primaryKey": "[parameters('serviceKey')]"`]]) }, { parameters: [`"serviceKey": { "type": "string", "defaultValue": "${KEY}" }`] }),
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				text: `"[parameters('serviceKey')]"`,
				suggestions: [{
					output: armHub({ authorizationPolicies: policies([['"keyName": "service"', '"rights": "ServiceConnect"', `"primaryKey": "[parameters('serviceKey')]"`]]) }, { parameters: ['"serviceKey": { "type": "securestring" }'] }),
				}],
			}],
		},
		{
			name: 'endpoints in a non-secure array parameter: no secure array type exists, no fix',
			arm: armHub(
				{ routing: `{ "endpoints": { "eventHubs": "[parameters('eventHubs')]" } }` },
				{ parameters: [`"eventHubs": { "type": "array", "defaultValue": [ { "name": "telemetry", "connectionString": ${JSON.stringify(EH)} } ] }`] },
			),
			errors: [{ messageId: 'nonSecureParameter', severity: 'warning', text: `"[parameters('eventHubs')]"`, suggestions: [] }],
		},
		{
			name: 'a value built by an unsupported function: "cannot verify" when unknown values are reported',
			arm: eh(`"[concat('Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKey=', someFunction())]"`),
			options: { reportUnknown: true },
			errors: [{ severity: 'info', suggestions: [] }],
		},
		{
			name: 'configured at warning: a literal secret is a warning too',
			arm: eh(JSON.stringify(EH)),
			options: { levels: { 'iothub-no-plaintext-secrets': 'warning' } },
			errors: [{ messageId: 'literalSecret', severity: 'warning' }],
		},
		{
			name: 'configured at info: the parameter finding is never raised above the configured level',
			arm: ehWith(`"[parameters('ehConn')]"`, { parameters: ['"ehConn": { "type": "string" }'] }),
			options: { levels: { 'iothub-no-plaintext-secrets': 'info' } },
			errors: [{ messageId: 'nonSecureParameter', severity: 'info' }],
		},
	],
});

// Bicep twins.

// `routing` value with one Event Hubs endpoint whose connectionString is the given Bicep expression.
function bicepEh(cs: string): Record<string, string> {
	return { routing: `{\n      endpoints: {\n        eventHubs: [\n          {\n            name: 'telemetry'\n            connectionString: ${cs}\n          }\n        ]\n      }\n    }` };
}

const bicepEhLiteral = `'${EH}'`;
const bicepPolicies = (members: string[]) => ({ authorizationPolicies: `[\n      {\n${members.map((m) => `        ${m}`).join('\n')}\n      }\n    ]` });

ruleTester.run(rule, {
	valid: [
		{ name: '@secure() parameter', bicep: hub(bicepEh('ehConn'), { before: ['@secure()', 'param ehConn string'] }) },
		{
			name: 'interpolation around listKeys()',
			bicep: hub(bicepEh("'Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${rule.listKeys().primaryKey};EntityPath=telemetry'"), {
				before: ["resource rule 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2021-11-01' existing = {", "  name: 'contoso-ns/telemetry/send'", '}'],
			}),
		},
		{ name: 'a key from a @secure() parameter in an interpolation', bicep: hub(bicepEh("'Endpoint=sb://${ns}.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${ehKey};EntityPath=telemetry'"), { before: ['param ns string', '@secure()', 'param ehKey string'] }) },
		{ name: 'policy without keys', bicep: hub(bicepPolicies(["keyName: 'service'", "rights: 'ServiceConnect'"])) },
	],
	invalid: [
		{
			name: 'literal connection string',
			bicep: hub(bicepEh(bicepEhLiteral)),
			errors: [{
				messageId: 'literalSecret',
				message: "IM-8: IoT Hub 'contoso-hub' properties.routing.endpoints.eventHubs[0].connectionString (routing endpoint 'telemetry') is a literal secret. Anyone who can read the template or its deployment history can use it: move it to a secure parameter (securestring / @secure()) or a Key Vault reference, or build it at deployment time with listKeys().",
				severity: 'error',
				text: bicepEhLiteral,
				suggestions: [],
			}],
		},
		{
			name: 'a literal in a variable',
			bicep: hub(bicepEh('ehConn'), { before: [`var ehConn = ${bicepEhLiteral}`] }),
			errors: [{ messageId: 'literalSecret', severity: 'error', text: 'ehConn', related: [bicepEhLiteral], suggestions: [] }],
		},
		{
			name: 'literal policy key',
			bicep: hub(bicepPolicies(["keyName: 'service'", "rights: 'ServiceConnect'", `primaryKey: '${KEY}'`])),
			errors: [{ messageId: 'literalSecret', text: `'${KEY}'` }],
		},
		{
			name: 'non-secure parameter with a default: the fix adds @secure() and drops the default',
			bicep: hub(bicepEh('ehConn'), { before: [`param ehConn string = ${bicepEhLiteral}`] }),
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				text: 'ehConn',
				related: [bicepEhLiteral],
				suggestions: [{
					title: "Mark parameter 'ehConn' as @secure() and remove its default value (deployments must then pass it)",
					output: hub(bicepEh('ehConn'), { before: ['@secure()', 'param ehConn string'] }),
				}],
			}],
		},
		{
			name: 'an interpolation with a non-secure parameter that has no value',
			bicep: hub(bicepEh("'Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${ehKey};EntityPath=telemetry'"), { before: ['param ehKey string'] }),
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				related: ['ehKey'],
				suggestions: [{
					title: "Mark parameter 'ehKey' as @secure()",
					output: hub(bicepEh("'Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${ehKey};EntityPath=telemetry'"), { before: ['@secure()', 'param ehKey string'] }),
				}],
			}],
		},
		{
			name: 'a variable built from a non-secure parameter with a default',
			bicep: hub(bicepEh('ehConn'), { before: [`param ehKey string = '${KEY}'`, "var ehConn = 'Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${ehKey}'"] }),
			errors: [{
				messageId: 'nonSecureParameter',
				suggestions: [{ output: hub(bicepEh('ehConn'), { before: ['@secure()', 'param ehKey string', "var ehConn = 'Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${ehKey}'"] }) }],
			}],
		},
	],
});
