import rule from '../../rules/iothub-identity-based-endpoints';
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

const ehConn = '"connectionString": "Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;EntityPath=telemetry"';
const sbConn = '"connectionString": "Endpoint=sb://contoso-sb.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;EntityPath=alerts"';
const stConn = '"connectionString": "DefaultEndpointsProtocol=https;AccountName=contosoarchive;AccountKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;EndpointSuffix=core.windows.net"';
const ehIdentity = ['"authenticationType": "identityBased"', '"endpointUri": "sb://contoso-ns.servicebus.windows.net"', '"entityPath": "telemetry"'];
const storageKeyBased = ['"connectionString": "DefaultEndpointsProtocol=https;AccountName=contosouploads;EndpointSuffix=core.windows.net"', '"containerName": "uploads"'];

ruleTester.run(rule, {
	valid: [
		{ name: 'no custom endpoints', arm: armHub({ minTlsVersion: '"1.2"' }) },
		{ name: 'identity-based Event Hubs endpoint', arm: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ...ehIdentity]] }) }) },
		{
			name: 'enum values compare case-insensitively',
			arm: armHub({ routing: routing({ serviceBusQueues: [['"name": "alerts"', '"authenticationType": "IdentityBased"', '"endpointUri": "sb://contoso-sb.servicebus.windows.net"', '"entityPath": "alerts"']] }) }),
		},
		{
			name: 'identity-based storage container and Cosmos DB endpoints with a user-assigned identity',
			arm: armHub({
				routing: routing({
					storageContainers: [['"name": "archive"', '"authenticationType": "identityBased"', '"endpointUri": "https://contosoarchive.blob.core.windows.net/"', '"containerName": "telemetry"', '"identity": { "userAssignedIdentity": "[resourceId(\'Microsoft.ManagedIdentity/userAssignedIdentities\', \'hub-id\')]" }']],
					cosmosDBSqlContainers: [['"name": "cosmos"', '"authenticationType": "identityBased"', '"endpointUri": "https://contoso.documents.azure.com:443/"', '"databaseName": "iot"', '"containerName": "telemetry"']],
				}),
			}),
		},
		{ name: 'identity-based file upload endpoint', arm: armHub({ storageEndpoints: storage([...storageKeyBased, '"authenticationType": "identityBased"']) }) },
		{
			name: 'authenticationType from a parameter whose allowedValues admit only identityBased',
			arm: armHub(
				{ routing: routing({ eventHubs: [['"name": "telemetry"', `"authenticationType": "[parameters('auth')]"`, '"endpointUri": "sb://contoso-ns.servicebus.windows.net"', '"entityPath": "telemetry"']] }) },
				{ parameters: ['"auth": { "type": "string", "allowedValues": ["identityBased"] }'] },
			),
		},
		{
			name: 'authenticationType from a parameter with no value is unknown: silent',
			arm: armHub(
				{ routing: routing({ eventHubs: [['"name": "telemetry"', `"authenticationType": "[parameters('auth')]"`, '"endpointUri": "sb://contoso-ns.servicebus.windows.net"', '"entityPath": "telemetry"']] }) },
				{ parameters: ['"auth": { "type": "string" }'] },
			),
		},
		{
			name: 'identity-based from a parameter default',
			arm: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', `"authenticationType": "[parameters('auth')]"`, '"endpointUri": "sb://contoso-ns.servicebus.windows.net"', '"entityPath": "telemetry"']] }) }, { parameters: ['"auth": { "type": "string", "defaultValue": "identityBased" }'] }),
		},
	],
	invalid: [
		{
			name: 'Event Hubs endpoint with a literal connection string: endpointUri and entityPath are read from it',
			arm: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ehConn]] }) }),
			errors: [{
				messageId: 'keyBased',
				message: "IM-3: IoT Hub 'contoso-hub' Event Hubs routing endpoint 'telemetry' (properties.routing.endpoints.eventHubs[0]) authenticates with keys (authenticationType not set, so keyBased). Set properties.routing.endpoints.eventHubs[0].authenticationType to 'identityBased' and grant the hub's managed identity the Azure Event Hubs Data Sender role on the target.",
				severity: 'warning',
				text: '"telemetry"',
				suggestions: [{
					title: "Switch Event Hubs routing endpoint 'telemetry' to identity-based authentication (the hub's managed identity needs Azure Event Hubs Data Sender on the target)",
					output: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ...ehIdentity]] }) }),
				}],
			}],
		},
		{
			name: "authenticationType 'keyBased' with endpointUri and entityPath: reported at the value, fix replaces it",
			arm: armHub({ routing: routing({ serviceBusQueues: [['"name": "alerts"', '"authenticationType": "keyBased"', '"endpointUri": "sb://contoso-sb.servicebus.windows.net"', '"entityPath": "alerts"']] }) }),
			errors: [{
				messageId: 'keyBased',
				text: '"keyBased"',
				suggestions: [{
					title: "Switch Service Bus queue routing endpoint 'alerts' to identity-based authentication (the hub's managed identity needs Azure Service Bus Data Sender on the target)",
					output: armHub({ routing: routing({ serviceBusQueues: [['"name": "alerts"', '"authenticationType": "identityBased"', '"endpointUri": "sb://contoso-sb.servicebus.windows.net"', '"entityPath": "alerts"']] }) }),
				}],
			}],
		},
		{
			name: 'Service Bus topic with a literal connection string',
			arm: armHub({ routing: routing({ serviceBusTopics: [['"name": "alerts"', sbConn, '"subscriptionId": "00000000-0000-0000-0000-000000000000"']] }) }),
			errors: [{
				messageId: 'keyBased',
				text: '"alerts"',
				suggestions: [{
					output: armHub({ routing: routing({ serviceBusTopics: [['"name": "alerts"', '"subscriptionId": "00000000-0000-0000-0000-000000000000"', '"authenticationType": "identityBased"', '"endpointUri": "sb://contoso-sb.servicebus.windows.net"', '"entityPath": "alerts"']] }) }),
				}],
			}],
		},
		{
			name: 'connection string built at deployment with listKeys(): nothing to read endpointUri from, no fix',
			arm: armHub({
				routing: routing({
					eventHubs: [['"name": "telemetry"', `"connectionString": "[listKeys(resourceId('Microsoft.EventHub/namespaces/eventhubs/authorizationRules', 'contoso-ns', 'telemetry', 'send'), '2021-11-01').primaryConnectionString]"`]],
				}),
			}),
			errors: [{
				messageId: 'keyBasedNeeds',
				message: "IM-3: IoT Hub 'contoso-hub' Event Hubs routing endpoint 'telemetry' (properties.routing.endpoints.eventHubs[0]) authenticates with keys (authenticationType not set, so keyBased). Identity-based authentication needs endpointUri and entityPath on the endpoint and a hub managed identity with the Azure Event Hubs Data Sender role on the target: add them and set authenticationType to 'identityBased'.",
				text: '"telemetry"',
				suggestions: [],
			}],
		},
		{
			name: 'connection string from a parameter: its default is not copied into the resource, no fix',
			arm: armHub(
				{ routing: routing({ eventHubs: [['"name": "telemetry"', `"connectionString": "[parameters('ehConn')]"`]] }) },
				{ parameters: ['"ehConn": { "type": "securestring" }'] },
			),
			errors: [{ messageId: 'keyBasedNeeds', suggestions: [] }],
		},
		{
			name: 'storage container endpoint: endpointUri is the blob service of the account in the connection string',
			arm: armHub({ routing: routing({ storageContainers: [['"name": "archive"', stConn, '"containerName": "telemetry"', '"encoding": "avro"']] }) }),
			errors: [{
				messageId: 'keyBased',
				text: '"archive"',
				suggestions: [{
					title: "Switch storage container routing endpoint 'archive' to identity-based authentication (the hub's managed identity needs Storage Blob Data Contributor on the target)",
					output: armHub({ routing: routing({ storageContainers: [['"name": "archive"', '"containerName": "telemetry"', '"encoding": "avro"', '"authenticationType": "identityBased"', '"endpointUri": "https://contosoarchive.blob.core.windows.net/"']] }) }),
				}],
			}],
		},
		{
			name: 'Cosmos DB container endpoint: the fix drops the account keys',
			arm: armHub({
				routing: routing({
					cosmosDBSqlContainers: [['"name": "cosmos"', '"endpointUri": "https://contoso.documents.azure.com:443/"', '"primaryKey": "[parameters(\'cosmosKey\')]"', '"databaseName": "iot"', '"containerName": "telemetry"']],
				}),
			}, { parameters: ['"cosmosKey": { "type": "securestring" }'] }),
			errors: [{
				messageId: 'keyBased',
				suggestions: [{
					title: "Switch Cosmos DB routing endpoint 'cosmos' to identity-based authentication (the hub's managed identity needs Cosmos DB Built-in Data Contributor on the target)",
					output: armHub({
						routing: routing({
							cosmosDBSqlContainers: [['"name": "cosmos"', '"endpointUri": "https://contoso.documents.azure.com:443/"', '"databaseName": "iot"', '"containerName": "telemetry"', '"authenticationType": "identityBased"']],
						}),
					}, { parameters: ['"cosmosKey": { "type": "securestring" }'] }),
				}],
			}],
		},
		{
			name: 'Cosmos DB collection endpoint (preview apiVersion)',
			arm: armHub({ routing: routing({ cosmosDBSqlCollections: [['"name": "cosmos"', '"authenticationType": "keyBased"', '"endpointUri": "https://contoso.documents.azure.com:443/"', '"databaseName": "iot"', '"collectionName": "telemetry"']] }) }, { apiVersion: '2022-11-15-preview' }),
			errors: [{
				messageId: 'keyBased',
				text: '"keyBased"',
				suggestions: [{
					output: armHub({ routing: routing({ cosmosDBSqlCollections: [['"name": "cosmos"', '"authenticationType": "identityBased"', '"endpointUri": "https://contoso.documents.azure.com:443/"', '"databaseName": "iot"', '"collectionName": "telemetry"']] }) }, { apiVersion: '2022-11-15-preview' }),
				}],
			}],
		},
		{
			name: 'file upload endpoint: the connection string names the account and stays',
			arm: armHub({ storageEndpoints: storage([...storageKeyBased, '"sasTtlAsIso8601": "PT1H"']) }),
			errors: [{
				messageId: 'keyBased',
				message: "IM-3: IoT Hub 'contoso-hub' file upload storage endpoint '$default' (properties.storageEndpoints.$default) authenticates with keys (authenticationType not set, so keyBased). Set properties.storageEndpoints.$default.authenticationType to 'identityBased' and grant the hub's managed identity the Storage Blob Data Contributor role on the target.",
				text: `{\n            ${[...storageKeyBased, '"sasTtlAsIso8601": "PT1H"'].join(',\n            ')}\n          }`,
				suggestions: [{
					title: "Switch file upload storage endpoint '$default' to identity-based authentication (the hub's managed identity needs Storage Blob Data Contributor on the target)",
					output: armHub({ storageEndpoints: storage([...storageKeyBased, '"sasTtlAsIso8601": "PT1H"', '"authenticationType": "identityBased"']) }),
				}],
			}],
		},
		{
			name: 'file upload endpoint with keyBased and no container: no fix',
			arm: armHub({ storageEndpoints: storage(['"connectionString": "[parameters(\'uploads\')]"', '"authenticationType": "KeyBased"']) }, { parameters: ['"uploads": { "type": "securestring" }'] }),
			errors: [{
				messageId: 'keyBasedNeeds',
				message: "IM-3: IoT Hub 'contoso-hub' file upload storage endpoint '$default' (properties.storageEndpoints.$default) authenticates with keys (authenticationType: 'KeyBased'). Identity-based authentication needs connectionString and containerName on the endpoint and a hub managed identity with the Storage Blob Data Contributor role on the target: add them and set authenticationType to 'identityBased'.",
				text: '"KeyBased"',
				suggestions: [],
			}],
		},
		{
			name: 'every endpoint is reported; an entry without a name is shown as a whole',
			arm: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ...ehIdentity], [ehConn]], serviceBusQueues: [['"name": "alerts"', sbConn]] }) }),
			errors: [
				{
					messageId: 'keyBased',
					text: `{\n                ${ehConn}\n              }`,
					suggestions: [{
						title: "Switch Event Hubs routing endpoint '#1' to identity-based authentication (the hub's managed identity needs Azure Event Hubs Data Sender on the target)",
						// An entry of credentials only keeps them (emptying and filling one object in one fix is not safe).
						output: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ...ehIdentity], [ehConn, ...ehIdentity]], serviceBusQueues: [['"name": "alerts"', sbConn]] }) }),
					}],
				},
				{
					messageId: 'keyBased',
					text: '"alerts"',
					suggestions: [{
						output: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ...ehIdentity], [ehConn]], serviceBusQueues: [['"name": "alerts"', '"authenticationType": "identityBased"', '"endpointUri": "sb://contoso-sb.servicebus.windows.net"', '"entityPath": "alerts"']] }) }),
					}],
				},
			],
		},
		{
			name: 'apiVersion too old for authenticationType: the fix raises it',
			arm: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ehConn]] }) }, { apiVersion: '2018-04-01' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "IM-3: IoT Hub 'contoso-hub' uses apiVersion 2018-04-01, which cannot set authenticationType on the Event Hubs routing endpoint 'telemetry' (properties.routing.endpoints.eventHubs[0]), so it authenticates with keys. Raise apiVersion to 2023-06-30, set authenticationType to 'identityBased' with endpointUri and entityPath, and grant the hub's managed identity the Azure Event Hubs Data Sender role on the target.",
				suggestions: [{
					title: "Switch Event Hubs routing endpoint 'telemetry' to identity-based authentication (the hub's managed identity needs Azure Event Hubs Data Sender on the target) (raises apiVersion to 2023-06-30)",
					output: armHub({ routing: routing({ eventHubs: [['"name": "telemetry"', ...ehIdentity]] }) }, { apiVersion: '2023-06-30' }),
				}],
			}],
		},
		{
			name: 'endpoints from a parameter with no value: "cannot verify" when unknown values are reported',
			arm: armHub({ routing: `{ "endpoints": { "eventHubs": "[parameters('eventHubs')]" } }` }, { parameters: ['"eventHubs": { "type": "array" }'] }),
			options: { reportUnknown: true },
			errors: [{
				message: "IM-3: Cannot verify properties.routing.endpoints.eventHubs of IoT Hub 'contoso-hub': depends on parameter 'eventHubs'.",
				severity: 'info',
				text: `"[parameters('eventHubs')]"`,
				suggestions: [],
			}],
		},
		{
			name: 'endpoints from a parameter default: reported where the resource uses it, fixed in the default',
			arm: armHub(
				{ routing: `{ "endpoints": { "serviceBusQueues": "[parameters('queues')]" } }` },
				{ parameters: ['"queues": {\n      "type": "array",\n      "defaultValue": [\n        {\n          "name": "alerts",\n          "endpointUri": "sb://contoso-sb.servicebus.windows.net",\n          "entityPath": "alerts"\n        }\n      ]\n    }'] },
			),
			errors: [{
				messageId: 'keyBased',
				text: `"[parameters('queues')]"`,
				suggestions: [{
					output: armHub(
						{ routing: `{ "endpoints": { "serviceBusQueues": "[parameters('queues')]" } }` },
						{ parameters: ['"queues": {\n      "type": "array",\n      "defaultValue": [\n        {\n          "name": "alerts",\n          "endpointUri": "sb://contoso-sb.servicebus.windows.net",\n          "entityPath": "alerts",\n          "authenticationType": "identityBased"\n        }\n      ]\n    }'] },
					),
				}],
			}],
		},
	],
});

// Bicep twins.

// `routing` value with the given endpoint arrays; each entry is a list of raw Bicep members.
function bicepRouting(groups: Record<string, string[][]>): string {
	const pad = (n: number) => ' '.repeat(n);
	const kinds = Object.entries(groups).map(
		([kind, entries]) => `${pad(8)}${kind}: [\n${entries.map((m) => `${pad(10)}{\n${m.map((x) => `${pad(12)}${x}`).join('\n')}\n${pad(10)}}`).join('\n')}\n${pad(8)}]`,
	);
	return `{\n${pad(6)}endpoints: {\n${kinds.join('\n')}\n${pad(6)}}\n${pad(4)}}`;
}

// `storageEndpoints` value with a `$default` entry of the given raw Bicep members.
function bicepStorage(members: string[]): string {
	return `{\n      '$default': {\n${members.map((m) => `        ${m}`).join('\n')}\n      }\n    }`;
}

const bicepEhConn = "connectionString: 'Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;EntityPath=telemetry'";
const bicepEhIdentity = ["authenticationType: 'identityBased'", "endpointUri: 'sb://contoso-ns.servicebus.windows.net'", "entityPath: 'telemetry'"];
const bicepUploads = ["connectionString: 'DefaultEndpointsProtocol=https;AccountName=contosouploads;EndpointSuffix=core.windows.net'", "containerName: 'uploads'"];

ruleTester.run(rule, {
	valid: [
		{ name: 'identity-based Event Hubs endpoint', bicep: hub({ routing: bicepRouting({ eventHubs: [["name: 'telemetry'", ...bicepEhIdentity]] }) }) },
		{ name: 'identity-based file upload endpoint', bicep: hub({ storageEndpoints: bicepStorage([...bicepUploads, "authenticationType: 'IdentityBased'"]) }) },
		{
			name: 'authenticationType from a parameter that allows only identityBased',
			bicep: hub({ routing: bicepRouting({ eventHubs: [["name: 'telemetry'", 'authenticationType: auth', "endpointUri: 'sb://contoso-ns.servicebus.windows.net'", "entityPath: 'telemetry'"]] }) }, { before: ["@allowed(['identityBased'])", 'param auth string'] }),
		},
	],
	invalid: [
		{
			name: 'Event Hubs endpoint with a literal connection string',
			bicep: hub({ routing: bicepRouting({ eventHubs: [["name: 'telemetry'", bicepEhConn]] }) }),
			errors: [{
				messageId: 'keyBased',
				message: "IM-3: IoT Hub 'contoso-hub' Event Hubs routing endpoint 'telemetry' (properties.routing.endpoints.eventHubs[0]) authenticates with keys (authenticationType not set, so keyBased). Set properties.routing.endpoints.eventHubs[0].authenticationType to 'identityBased' and grant the hub's managed identity the Azure Event Hubs Data Sender role on the target.",
				text: "'telemetry'",
				suggestions: [{
					title: "Switch Event Hubs routing endpoint 'telemetry' to identity-based authentication (the hub's managed identity needs Azure Event Hubs Data Sender on the target)",
					output: hub({ routing: bicepRouting({ eventHubs: [["name: 'telemetry'", ...bicepEhIdentity]] }) }),
				}],
			}],
		},
		{
			name: "keyBased storage container endpoint with an endpointUri",
			bicep: hub({ routing: bicepRouting({ storageContainers: [["name: 'archive'", "authenticationType: 'keyBased'", "endpointUri: 'https://contosoarchive.blob.core.windows.net/'", "containerName: 'telemetry'"]] }) }),
			errors: [{
				messageId: 'keyBased',
				text: "'keyBased'",
				suggestions: [{ output: hub({ routing: bicepRouting({ storageContainers: [["name: 'archive'", "authenticationType: 'identityBased'", "endpointUri: 'https://contosoarchive.blob.core.windows.net/'", "containerName: 'telemetry'"]] }) }) }],
			}],
		},
		{
			name: 'connection string from listKeys(): no fix',
			bicep: hub({ routing: bicepRouting({ serviceBusQueues: [["name: 'alerts'", "connectionString: listKeys(resourceId('Microsoft.ServiceBus/namespaces/queues/authorizationRules', 'contoso-sb', 'alerts', 'send'), '2021-11-01').primaryConnectionString"]] }) }),
			errors: [{
				messageId: 'keyBasedNeeds',
				message: "IM-3: IoT Hub 'contoso-hub' Service Bus queue routing endpoint 'alerts' (properties.routing.endpoints.serviceBusQueues[0]) authenticates with keys (authenticationType not set, so keyBased). Identity-based authentication needs endpointUri and entityPath on the endpoint and a hub managed identity with the Azure Service Bus Data Sender role on the target: add them and set authenticationType to 'identityBased'.",
				suggestions: [],
			}],
		},
		{
			name: 'file upload endpoint',
			bicep: hub({ storageEndpoints: bicepStorage(bicepUploads) }),
			errors: [{
				messageId: 'keyBased',
				suggestions: [{ output: hub({ storageEndpoints: bicepStorage([...bicepUploads, "authenticationType: 'identityBased'"]) }) }],
			}],
		},
		{
			name: 'apiVersion too old: the fix raises it',
			bicep: hub({ routing: bicepRouting({ eventHubs: [["name: 'telemetry'", bicepEhConn]] }) }, { apiVersion: '2018-04-01' }),
			errors: [{
				messageId: 'apiTooOld',
				suggestions: [{ output: hub({ routing: bicepRouting({ eventHubs: [["name: 'telemetry'", ...bicepEhIdentity]] }) }, { apiVersion: '2023-06-30' }) }],
			}],
		},
	],
});
