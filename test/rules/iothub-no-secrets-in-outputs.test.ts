import rule from '../../rules/iothub-no-secrets-in-outputs';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const hubProps = { minTlsVersion: '"1.2"' };
const withOutputs = (outputs: string[], extra: Parameters<typeof armHub>[1] = {}) => armHub(hubProps, { ...extra, outputs });

// The template once its only output is removed: the (now empty) outputs object stays.
const noOutputs = (extra: Parameters<typeof armHub>[1] = {}) => armHub(hubProps, extra).replace(/\n {2}\]\n\}\n$/, '\n  ],\n  "outputs": {}\n}\n');

// The hub template with a DPS beside the hub, and the given outputs.
const dpsResource = `    {
      "type": "Microsoft.Devices/provisioningServices",
      "apiVersion": "2022-12-12",
      "name": "contoso-dps",
      "location": "westeurope",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": {}
    }`;
const withHubAndDps = (outputs: string[]) =>
	withOutputs(outputs, { variables: [`"dpsId": "[resourceId('Microsoft.Devices/provisioningServices', 'contoso-dps')]"`] }).replace(/\n {4}\}\n {2}\],\n {2}"outputs"/, `\n    },\n${dpsResource}\n  ],\n  "outputs"`);

const hubKey = `"[listKeys(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30').value[0].primaryKey]"`;
const ownerKey = `"[listKeys(resourceId('Microsoft.Devices/IotHubs/IotHubKeys', 'contoso-hub', 'iothubowner'), '2023-06-30').primaryKey]"`;
const connectionString = `"[concat('HostName=', reference(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30').hostName, ';SharedAccessKeyName=iothubowner;SharedAccessKey=', listKeys(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30').value[0].primaryKey)]"`;

ruleTester.run(rule, {
	valid: [
		{ name: 'the hub name', arm: withOutputs(['"hubName": { "type": "string", "value": "contoso-hub" }']) },
		{ name: 'the host name from reference()', arm: withOutputs([`"hostName": { "type": "string", "value": "[reference(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30').hostName]" }`]) },
		{ name: 'a securestring output', arm: withOutputs([`"hubKey": { "type": "securestring", "value": ${hubKey} }`]) },
		{ name: 'a secureObject output', arm: withOutputs([`"hubKeys": { "type": "secureObject", "value": "[listKeys(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30')]" }`]) },
		{ name: 'type names compare case-insensitively', arm: withOutputs([`"hubKey": { "type": "SecureString", "value": ${connectionString} }`]) },
		{
			name: 'keys of another service are not this rule\'s business',
			arm: withOutputs([`"storageKey": { "type": "string", "value": "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'contosouploads'), '2023-01-01').keys[0].value]" }`]),
		},
		{ name: 'no outputs', arm: armHub(hubProps) },
	],
	invalid: [
		{
			name: 'primary key of the hub: mark it securestring, or remove it',
			arm: withOutputs([`"hubKey": { "type": "string", "value": ${hubKey} }`]),
			errors: [{
				messageId: 'secretOutput',
				message: "IM-8: Output 'hubKey' (outputs.hubKey) exposes the keys returned by listKeys() of IoT Hub 'contoso-hub' in plain text; deployment outputs can be read by anyone with read access to the deployment. Declare the output as securestring (or secureObject) or remove it.",
				severity: 'error',
				text: 'hubKey',
				suggestions: [
					{ title: "Mark output 'hubKey' as securestring", output: withOutputs([`"hubKey": { "type": "securestring", "value": ${hubKey} }`]) },
					{ title: "Remove output 'hubKey' (deployments that read it must get the key another way)", output: noOutputs() },
				],
			}],
		},
		{
			name: 'a connection string built with listKeys(); the other outputs stay',
			arm: withOutputs([
				'"hubName": { "type": "string", "value": "contoso-hub" }',
				`"hubConnectionString": {\n      "type": "string",\n      "value": ${connectionString}\n    }`,
			]),
			errors: [{
				messageId: 'secretOutput',
				message: "IM-8: Output 'hubConnectionString' (outputs.hubConnectionString) exposes a connection string with a shared access key of IoT Hub 'contoso-hub' in plain text; deployment outputs can be read by anyone with read access to the deployment. Declare the output as securestring (or secureObject) or remove it.",
				text: 'hubConnectionString',
				suggestions: [
					{
						output: withOutputs([
							'"hubName": { "type": "string", "value": "contoso-hub" }',
							`"hubConnectionString": {\n      "type": "securestring",\n      "value": ${connectionString}\n    }`,
						]),
					},
					{ output: withOutputs(['"hubName": { "type": "string", "value": "contoso-hub" }']) },
				],
			}],
		},
		{
			name: 'a policy key through IotHubKeys',
			arm: withOutputs([`"ownerKey": { "type": "string", "value": ${ownerKey} }`, '"hubName": { "type": "string", "value": "contoso-hub" }']),
			errors: [{
				messageId: 'secretOutput',
				text: 'ownerKey',
				suggestions: [
					{ output: withOutputs([`"ownerKey": { "type": "securestring", "value": ${ownerKey} }`, '"hubName": { "type": "string", "value": "contoso-hub" }']) },
					{ output: withOutputs(['"hubName": { "type": "string", "value": "contoso-hub" }']) },
				],
			}],
		},
		{
			name: 'an object output of all keys: mark it secureObject',
			arm: withOutputs([`"hubKeys": { "type": "object", "value": "[listkeys(variables('hubId'), '2023-06-30')]" }`], { variables: [`"hubId": "[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`] }),
			errors: [{
				messageId: 'secretOutput',
				suggestions: [
					{
						title: "Mark output 'hubKeys' as secureObject",
						output: withOutputs([`"hubKeys": { "type": "secureObject", "value": "[listkeys(variables('hubId'), '2023-06-30')]" }`], { variables: [`"hubId": "[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`] }),
					},
					{ output: noOutputs({ variables: [`"hubId": "[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`] }) },
				],
			}],
		},
		{
			name: 'an array output cannot be made secure: only removal is offered',
			arm: withOutputs([`"policies": { "type": "array", "value": "[listKeys(resourceId('Microsoft.Devices/IotHubs', 'contoso-hub'), '2023-06-30').value]" }`]),
			errors: [{ messageId: 'secretOutput', suggestions: [{ title: "Remove output 'policies' (deployments that read it must get the key another way)", output: noOutputs() }] }],
		},
		{
			name: 'DPS keys',
			arm: withOutputs([`"dpsKey": { "type": "string", "value": "[listKeys(resourceId('Microsoft.Devices/provisioningServices/keys', 'contoso-dps', 'provisioningserviceowner'), '2022-12-12').primaryKey]" }`]),
			errors: [{
				messageId: 'secretOutput',
				message: "IM-8: Output 'dpsKey' (outputs.dpsKey) exposes the keys returned by listKeys() of a DPS in plain text; deployment outputs can be read by anyone with read access to the deployment. Declare the output as securestring (or secureObject) or remove it.",
			}],
		},
		{
			name: 'a key through a variable in a template with a hub and a DPS: the DPS host name points at the DPS',
			arm: withHubAndDps([`"dpsConnection": { "type": "string", "value": "[concat('HostName=', reference(variables('dpsId'), '2022-12-12').serviceOperationsHostName, ';SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=', listKeys(variables('dpsId'), '2022-12-12').value[0].primaryKey)]" }`]),
			errors: [{
				messageId: 'secretOutput',
				message: "IM-8: Output 'dpsConnection' (outputs.dpsConnection) exposes a connection string with a shared access key of DPS 'contoso-dps' in plain text; deployment outputs can be read by anyone with read access to the deployment. Declare the output as securestring (or secureObject) or remove it.",
			}],
		},
		{
			name: 'a connection string with a key from a parameter',
			arm: withOutputs([`"deviceConnection": { "type": "string", "value": "[format('HostName=contoso-hub.azure-devices.net;DeviceId=dev1;SharedAccessKey={0}', parameters('deviceKey'))]" }`], { parameters: ['"deviceKey": { "type": "securestring" }'] }),
			errors: [{ messageId: 'secretOutput', text: 'deviceConnection' }],
		},
	],
});

// Bicep twins.

const bicepHub = (after: string[], before: string[] = []) => hub(hubBicepProps, { after, before });
const hubBicepProps = { minTlsVersion: "'1.2'" };
const storage = ["resource uploads 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {", "  name: 'contosouploads'", '}'];

ruleTester.run(rule, {
	valid: [
		{ name: 'the hub name and host name', bicep: bicepHub(['output hubName string = hub.name', 'output hostName string = hub.properties.hostName']) },
		{ name: '@secure() output', bicep: bicepHub(['@secure()', 'output hubKey string = hub.listKeys().value[0].primaryKey']) },
		{ name: 'keys of another resource', bicep: bicepHub(['output storageKey string = uploads.listKeys().keys[0].value'], storage) },
	],
	invalid: [
		{
			name: 'hub.listKeys(): mark it @secure(), or remove it',
			bicep: bicepHub(['output hubName string = hub.name', '', 'output hubKey string = hub.listKeys().value[0].primaryKey']),
			errors: [{
				messageId: 'secretOutput',
				message: "IM-8: Output 'hubKey' (outputs.hubKey) exposes the keys returned by listKeys() of IoT Hub 'contoso-hub' in plain text; deployment outputs can be read by anyone with read access to the deployment. Mark the output @secure() or remove it.",
				severity: 'error',
				text: 'hubKey',
				suggestions: [
					{ title: "Mark output 'hubKey' as @secure()", output: bicepHub(['output hubName string = hub.name', '', '@secure()', 'output hubKey string = hub.listKeys().value[0].primaryKey']) },
					{ title: "Remove output 'hubKey' (deployments that read it must get the key another way)", output: bicepHub(['output hubName string = hub.name', '']) },
				],
			}],
		},
		{
			name: 'a connection string in an interpolation',
			bicep: bicepHub(["output hubConnectionString string = 'HostName=${hub.properties.hostName};SharedAccessKeyName=iothubowner;SharedAccessKey=${hub.listKeys().value[0].primaryKey}'"]),
			errors: [{
				messageId: 'secretOutput',
				message: "IM-8: Output 'hubConnectionString' (outputs.hubConnectionString) exposes a connection string with a shared access key of IoT Hub 'contoso-hub' in plain text; deployment outputs can be read by anyone with read access to the deployment. Mark the output @secure() or remove it.",
				suggestions: [
					{ output: bicepHub(['@secure()', "output hubConnectionString string = 'HostName=${hub.properties.hostName};SharedAccessKeyName=iothubowner;SharedAccessKey=${hub.listKeys().value[0].primaryKey}'"]) },
					{ output: `${hub(hubBicepProps)}\n` },
				],
			}],
		},
		{
			name: 'listKeys() function form with an object output',
			bicep: bicepHub(['output hubKeys object = listKeys(hub.id, hub.apiVersion)']),
			errors: [{ messageId: 'secretOutput', suggestions: [{ title: "Mark output 'hubKeys' as @secure()", output: bicepHub(['@secure()', 'output hubKeys object = listKeys(hub.id, hub.apiVersion)']) }, { output: `${hub(hubBicepProps)}\n` }] }],
		},
	],
});
