import rule from '../../rules/dps-no-plaintext-secrets';
import { ruleTester } from '../support/rule-tester';
import { armDps, dps } from '../support/related-templates';

const KEY = 'c2VjcmV0LWtleS1mb3ItdGVzdHM=';
const CS = `HostName=contoso-hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`;
const linked = (cs: string) => `[\n          {\n            "connectionString": ${cs},\n            "location": "westeurope"\n          }\n        ]`;
const bicepLinked = (cs: string) => `[\n      {\n        connectionString: ${cs}\n        location: 'westeurope'\n      }\n    ]`;
const listKeysCs = `"[concat('HostName=contoso-hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=', listKeys(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30').value[0].primaryKey)]"`;

ruleTester.run(rule, {
	valid: [
		{ name: 'no linked hubs', arm: armDps({}) },
		{ name: 'listKeys() at deployment time', arm: armDps({ iotHubs: linked(listKeysCs) }) },
		{ name: 'a securestring parameter', arm: armDps({ iotHubs: linked(`"[parameters('hubConnection')]"`) }, { parameters: ['"hubConnection": { "type": "securestring" }'] }) },
		{
			name: 'bicep: hub.listKeys()',
			bicep: dps({ iotHubs: bicepLinked("'HostName=${hub.properties.hostName};SharedAccessKeyName=iothubowner;SharedAccessKey=${hub.listKeys().value[0].primaryKey}'") }, {
				before: ["resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: 'contoso-hub'\n}"],
			}),
		},
		{ name: 'bicep: a @secure() parameter', bicep: dps({ iotHubs: bicepLinked('hubConnection') }, { before: ['@secure()\nparam hubConnection string'] }) },
	],
	invalid: [
		{
			name: 'arm: a literal connection string',
			arm: armDps({ iotHubs: linked(`"${CS}"`) }),
			errors: [{
				messageId: 'literalSecret',
				message: "IM-8: DPS 'contoso-dps' properties.iotHubs[0].connectionString (linked IoT hub #0) is a literal secret. Anyone who can read the template or its deployment history can use it: build it at deployment time from the hub's keys (listKeys()), or move it to a secure parameter (securestring / @secure()) fed from Key Vault.",
				severity: 'error',
				text: `"${CS}"`,
				suggestions: [],
			}],
		},
		{
			name: 'arm: a plain parameter with a default: warning, mark it secure',
			arm: armDps({ iotHubs: linked(`"[parameters('hubConnection')]"`) }, { parameters: [`"hubConnection": { "type": "string", "defaultValue": "${CS}" }`] }),
			errors: [{
				messageId: 'nonSecureParameter',
				severity: 'warning',
				text: `"[parameters('hubConnection')]"`,
				suggestions: [{
					title: "Mark parameter 'hubConnection' as securestring and remove its default value (deployments must then pass it)",
					output: armDps({ iotHubs: linked(`"[parameters('hubConnection')]"`) }, { parameters: ['"hubConnection": { "type": "securestring" }'] }),
				}],
			}],
		},
		{
			name: 'bicep: a literal',
			bicep: dps({ iotHubs: bicepLinked(`'${CS}'`) }),
			errors: [{ messageId: 'literalSecret', text: `'${CS}'` }],
		},
		{
			name: 'bicep: a plain parameter without default',
			bicep: dps({ iotHubs: bicepLinked('hubConnection') }, { before: ['param hubConnection string'] }),
			errors: [{ messageId: 'nonSecureParameter', severity: 'warning', suggestions: [{ title: "Mark parameter 'hubConnection' as @secure()", output: dps({ iotHubs: bicepLinked('hubConnection') }, { before: ['@secure()\nparam hubConnection string'] }) }] }],
		},
	],
});
