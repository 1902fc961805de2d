import rule from '../../rules/iothub-private-endpoint';
import { ruleTester } from '../support/rule-tester';
import { armDpsResource, armHubResource, armPrivateEndpoint, armResource, armTemplate, bicep, bicepHub, bicepPrivateEndpoint } from '../support/related-templates';

const hubId = `"[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`;
const subnetParameter = '"privateEndpointSubnetId": {\n      "type": "string",\n      "metadata": {\n        "description": "Resource id of the subnet the private endpoints get their addresses from."\n      }\n    }';

// What the quick fix appends to an ARM template's resources for the hub 'contoso-hub' (literal name).
const insertedArmPe = `    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2023-11-01",
      "name": "contoso-hub-pe",
      "location": "westeurope",
      "dependsOn": [
        "[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"
      ],
      "properties": {
        "subnet": {
          "id": "[parameters('privateEndpointSubnetId')]"
        },
        "privateLinkServiceConnections": [
          {
            "name": "contoso-hub-pe",
            "properties": {
              "privateLinkServiceId": "[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]",
              "groupIds": [
                "iotHub"
              ]
            }
          }
        ]
      }
    }`;

// The same for a hub named by a parameter, in a languageVersion 2.0 template (symbolic dependsOn).
const insertedSymbolicPe = `    "hubPrivateEndpoint": {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2023-11-01",
      "name": "[format('{0}-pe', parameters('hubName'))]",
      "location": "[parameters('location')]",
      "dependsOn": [
        "hub"
      ],
      "properties": {
        "subnet": {
          "id": "[parameters('privateEndpointSubnetId')]"
        },
        "privateLinkServiceConnections": [
          {
            "name": "[format('{0}-pe', parameters('hubName'))]",
            "properties": {
              "privateLinkServiceId": "[resourceId('Microsoft.Devices/IotHubs', parameters('hubName'))]",
              "groupIds": [
                "iotHub"
              ]
            }
          }
        ]
      }
    }`;

const insertedBicepPe = `resource hubPrivateEndpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '\${hub.name}-pe'
  location: location
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: '\${hub.name}-pe'
        properties: {
          privateLinkServiceId: hub.id
          groupIds: [
            'iotHub'
          ]
        }
      }
    ]
  }
}`;
const subnetParam = "@description('Resource id of the subnet the private endpoints get their addresses from.')\nparam privateEndpointSubnetId string";
const locationParam = "param location string = 'westeurope'";
const hubAtLocation = bicepHub('hub', "'contoso-hub'").replace("location: 'westeurope'", 'location: location');

ruleTester.run(rule, {
	valid: [
		// ARM reference forms.
		{ name: 'arm: resourceId(type, name)', arm: armTemplate([armHubResource(), armPrivateEndpoint(hubId)]) },
		{ name: 'arm: resourceId with subscription and resource group', arm: armTemplate([armHubResource(), armPrivateEndpoint(`"[resourceId(subscription().subscriptionId, resourceGroup().name, 'Microsoft.Devices/IotHubs', 'contoso-hub')]"`)]) },
		{ name: 'arm: a literal resource id, type in another case', arm: armTemplate([armHubResource(), armPrivateEndpoint('"/subscriptions/0000/resourceGroups/rg/providers/microsoft.devices/iothubs/Contoso-Hub"')]) },
		{
			name: 'arm: concat/format-built names on both sides',
			arm: armTemplate([armHubResource(`"[concat(parameters('prefix'), '-hub')]"`), armPrivateEndpoint(`"[resourceId('Microsoft.Devices/IotHubs', format('{0}-hub', parameters('prefix')))]"`)], { parameters: ['"prefix": { "type": "string", "defaultValue": "contoso" }'] }),
		},
		{ name: 'arm: manualPrivateLinkServiceConnections', arm: armTemplate([armHubResource(), armPrivateEndpoint(hubId, '["iotHub"]', { list: 'manualPrivateLinkServiceConnections' })]) },
		{ name: 'arm: groupIds compare case-insensitively', arm: armTemplate([armHubResource(), armPrivateEndpoint(hubId, '["IOTHUB"]')]) },
		{
			name: 'arm: an Approved inline privateEndpointConnections entry',
			arm: armTemplate([armHubResource('"contoso-hub"').replace('"properties": {}', '"properties": {\n        "privateEndpointConnections": [ { "properties": { "privateEndpoint": {}, "privateLinkServiceConnectionState": { "status": "Approved", "description": "ok" } } } ]\n      }')]),
		},
		{
			name: 'arm: an Approved child privateEndpointConnections declared in the hub',
			arm: armTemplate([armHubResource('"contoso-hub"', ['"resources": [ { "type": "privateEndpointConnections", "apiVersion": "2023-06-30", "name": "pec", "properties": { "privateLinkServiceConnectionState": { "status": "Approved", "description": "ok" } } } ]'])]),
		},
		{
			name: 'arm: an Approved top-level child with the nested name',
			arm: armTemplate([armHubResource(), armResource(['"type": "Microsoft.Devices/IotHubs/privateEndpointConnections"', '"apiVersion": "2023-06-30"', '"name": "contoso-hub/pec"', '"properties": { "privateLinkServiceConnectionState": { "status": "approved", "description": "ok" } }'])]),
		},
		{
			name: 'arm: languageVersion 2.0 with an existing hub reference',
			arm: armTemplate([armHubResource('"contoso-hub"', [], 'hub'), armResource(['"type": "Microsoft.Devices/IotHubs"', '"apiVersion": "2023-06-30"', '"existing": true', '"name": "contoso-hub"'], 'hubRef'), armPrivateEndpoint(hubId, '["iotHub"]', { key: 'pe', extra: ['"dependsOn": ["hub"]'] })], { symbolic: true }),
		},
		{
			name: 'arm: a nested deployment (inner scope) that receives the hub name',
			arm: armTemplate([
				armHubResource(),
				armResource([
					'"type": "Microsoft.Resources/deployments"',
					'"apiVersion": "2022-09-01"',
					'"name": "network"',
					`"properties": {\n  "mode": "Incremental",\n  "expressionEvaluationOptions": { "scope": "inner" },\n  "parameters": { "hub": { "value": "contoso-hub" } },\n  "template": {\n    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n    "contentVersion": "1.0.0.0",\n    "parameters": { "hub": { "type": "string" } },\n    "resources": [\n      {\n        "type": "Microsoft.Network/privateEndpoints",\n        "apiVersion": "2023-11-01",\n        "name": "pe",\n        "location": "westeurope",\n        "properties": { "privateLinkServiceConnections": [ { "name": "c", "properties": { "privateLinkServiceId": "[resourceId('Microsoft.Devices/IotHubs', parameters('hub'))]", "groupIds": [ "iotHub" ] } } ] }\n      }\n    ]\n  }\n}`,
				]),
			]),
		},
		{
			name: 'arm: a hub name known only at deployment, targeted by a private endpoint: cannot verify, silent',
			arm: armTemplate([armHubResource(`"[concat('hub-', uniqueString(resourceGroup().id))]"`), armPrivateEndpoint(`"[resourceId('Microsoft.Devices/IotHubs', concat('hub-', uniqueString(resourceGroup().id)))]"`)]),
		},
		{
			name: 'arm: copy loops over hubs and private endpoints: cannot verify, silent',
			arm: armTemplate([
				armHubResource(`"[concat('hub-', copyIndex())]"`, ['"copy": { "name": "hubs", "count": 2 }']),
				armPrivateEndpoint(`"[resourceId('Microsoft.Devices/IotHubs', concat('hub-', copyIndex()))]"`, '["iotHub"]', { extra: ['"copy": { "name": "pes", "count": 2 }'], name: `"[concat('pe-', copyIndex())]"` }),
			]),
		},
		{
			name: 'arm: a linked template given the hub id may create the endpoint: cannot verify, silent',
			arm: armTemplate([armHubResource(), armResource(['"type": "Microsoft.Resources/deployments"', '"apiVersion": "2022-09-01"', '"name": "pe"', `"properties": { "mode": "Incremental", "templateLink": { "uri": "https://example.invalid/pe.json" }, "parameters": { "target": { "value": ${hubId} } } }`])]),
		},
		// Bicep reference forms.
		{ name: 'bicep: hub.id', bicep: bicep(bicepHub(), bicepPrivateEndpoint('hub.id')) },
		{ name: 'bicep: resourceId()', bicep: bicep(bicepHub(), bicepPrivateEndpoint("resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')")) },
		{ name: 'bicep: manual connection', bicep: bicep(bicepHub(), bicepPrivateEndpoint('hub.id', "['iotHub']", { list: 'manualPrivateLinkServiceConnections' })) },
		{
			name: 'bicep: an existing reference to the same hub',
			bicep: bicep(bicepHub(), "resource hubRef 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: 'contoso-hub'\n}", bicepPrivateEndpoint('hubRef.id')),
		},
		{
			name: 'bicep: an interpolated name from a parameter',
			bicep: bicep("param prefix string = 'contoso'", bicepHub('hub', "'${prefix}-hub'"), bicepPrivateEndpoint("resourceId('Microsoft.Devices/IotHubs', '${prefix}-hub')")),
		},
		{
			name: 'bicep: a child privateEndpointConnections with parent: hub, Approved',
			bicep: bicep(bicepHub(), "resource pec 'Microsoft.Devices/IotHubs/privateEndpointConnections@2023-06-30' = {\n  parent: hub\n  name: 'pec'\n  properties: {\n    privateLinkServiceConnectionState: {\n      status: 'Approved'\n      description: 'ok'\n    }\n  }\n}"),
		},
		{
			name: 'bicep: a local module given the hub id',
			bicep: bicep(bicepHub(), "module pe './pe.bicep' = {\n  name: 'pe'\n  params: {\n    targetId: hub.id\n  }\n}"),
			files: { 'pe.bicep': bicep('param targetId string', bicepPrivateEndpoint('targetId')) },
		},
		{
			name: 'bicep: a local module given the hub name, with an existing reference inside',
			bicep: bicep(bicepHub(), "module pe './pe.bicep' = {\n  name: 'pe'\n  params: {\n    hubName: hub.name\n  }\n}"),
			files: { 'pe.bicep': bicep('param hubName string', "resource target 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: hubName\n}", bicepPrivateEndpoint('target.id')) },
		},
		{
			name: 'bicep: a for loop over hubs, private endpoints by index: cannot verify, silent',
			bicep: bicep("param names array = [\n  'a'\n  'b'\n]", "resource hubs 'Microsoft.Devices/IotHubs@2023-06-30' = [for n in names: {\n  name: n\n  location: 'westeurope'\n  sku: {\n    name: 'S1'\n    capacity: 1\n  }\n  properties: {}\n}]", bicepPrivateEndpoint('hubs[i].id', "['iotHub']", { head: '[for (n, i) in names: ' })),
		},
		{
			name: 'bicep: a registry module given the hub id may create the endpoint: cannot verify, silent',
			bicep: bicep(bicepHub(), "module pe 'br/public:avm/res/network/private-endpoint:0.12.1' = {\n  name: 'pe'\n  params: {\n    name: 'hub-pe'\n    subnetResourceId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe'\n    privateLinkServiceConnections: [\n      {\n        name: 'hub'\n        properties: {\n          privateLinkServiceId: hub.id\n          groupIds: [\n            'iotHub'\n          ]\n        }\n      }\n    ]\n  }\n}"),
		},
		{
			name: 'bicep: the hub is only referenced (existing): nothing to check',
			bicep: bicep("resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: 'contoso-hub'\n}"),
		},
	],
	invalid: [
		{
			name: 'arm: no private endpoint: insert one (literal hub name)',
			arm: armTemplate([armHubResource()]),
			errors: [{
				messageId: 'missing',
				message: "NS-2: IoT Hub 'contoso-hub' has no private endpoint in this deployment, so devices and services reach it only over its public endpoint. Add a Microsoft.Network/privateEndpoints whose privateLinkServiceConnections[].properties.privateLinkServiceId is the hub's id with groupIds ['iotHub'].",
				severity: 'warning',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{
					title: "Add a private endpoint for IoT Hub 'contoso-hub' (group id 'iotHub'; the subnet id comes from parameter 'privateEndpointSubnetId')",
					output: armTemplate([armHubResource(), insertedArmPe], { parameters: [subnetParameter] }),
				}],
			}],
		},
		{
			name: 'arm: languageVersion 2.0, hub named by a parameter: symbolic dependsOn, parameters kept in order',
			arm: armTemplate([armHubResource(`"[parameters('hubName')]"`, [], 'hub').replace('"location": "westeurope"', `"location": "[parameters('location')]"`)], {
				symbolic: true,
				parameters: ['"hubName": { "type": "string", "defaultValue": "contoso-hub" }', '"location": { "type": "string", "defaultValue": "westeurope" }'],
			}),
			errors: [{
				messageId: 'missing',
				suggestions: [{
					output: armTemplate([armHubResource(`"[parameters('hubName')]"`, [], 'hub').replace('"location": "westeurope"', `"location": "[parameters('location')]"`), insertedSymbolicPe], {
						symbolic: true,
						parameters: ['"hubName": { "type": "string", "defaultValue": "contoso-hub" }', '"location": { "type": "string", "defaultValue": "westeurope" }', subnetParameter],
					}),
				}],
			}],
		},
		{
			name: 'arm: an existing subnet parameter is used, not declared again',
			arm: armTemplate([armHubResource()], { parameters: ['"privateEndpointSubnetId": { "type": "string" }'] }),
			errors: [{ messageId: 'missing', suggestions: [{ output: armTemplate([armHubResource(), insertedArmPe], { parameters: ['"privateEndpointSubnetId": { "type": "string" }'] }) }] }],
		},
		{
			name: 'arm: a private endpoint with the wrong group id',
			arm: armTemplate([armHubResource(), armPrivateEndpoint(hubId, '["iotDps"]')]),
			errors: [{
				messageId: 'wrongGroupId',
				message: "NS-2: Private endpoint 'hub-pe' targets IoT Hub 'contoso-hub' with groupIds ['iotDps'], which does not include 'iotHub', so it does not connect to the hub. Set properties.groupIds to ['iotHub'].",
				text: '["iotDps"]',
				suggestions: [],
			}],
		},
		{
			name: 'arm: a private endpoint for another hub',
			arm: armTemplate([armHubResource(), armPrivateEndpoint(`"[resourceId('Microsoft.Devices/IotHubs', 'other-hub')]"`)]),
			errors: [{ messageId: 'missing', text: '"Microsoft.Devices/IotHubs"' }],
		},
		{
			name: 'arm: a private endpoint for the DPS does not cover the hub',
			arm: armTemplate([armHubResource(), armDpsResource(), armPrivateEndpoint(`"[resourceId('Microsoft.Devices/provisioningServices', 'contoso-dps')]"`, '["iotDps"]')]),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'arm: a private endpoint that is not deployed (condition false)',
			arm: armTemplate([armHubResource(), armPrivateEndpoint(hubId, '["iotHub"]', { extra: ['"condition": false'] })]),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'arm: a Pending inline connection does not count',
			arm: armTemplate([armHubResource('"contoso-hub"').replace('"properties": {}', '"properties": {\n        "privateEndpointConnections": [ { "properties": { "privateEndpoint": {}, "privateLinkServiceConnectionState": { "status": "Pending", "description": "ok" } } } ]\n      }')]),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'arm: two hubs, only one covered',
			arm: armTemplate([armHubResource(), armHubResource('"second-hub"'), armPrivateEndpoint(hubId)]),
			errors: [{ messageId: 'missing', message: "NS-2: IoT Hub 'second-hub' has no private endpoint in this deployment, so devices and services reach it only over its public endpoint. Add a Microsoft.Network/privateEndpoints whose privateLinkServiceConnections[].properties.privateLinkServiceId is the hub's id with groupIds ['iotHub']." }],
		},
		{
			name: 'arm: hubs in a copy loop with no private endpoint at all: reported, no fix',
			arm: armTemplate([armHubResource(`"[concat('hub-', copyIndex())]"`, ['"copy": { "name": "hubs", "count": 2 }'])]),
			errors: [{ messageId: 'missing', suggestions: [] }],
		},
		{
			name: 'arm: a target known only at deployment, with "report unknown values": info on the private endpoint',
			arm: armTemplate([armHubResource(), armPrivateEndpoint(`"[resourceId('Microsoft.Devices/IotHubs', parameters('target'))]"`)], { parameters: ['"target": { "type": "string" }'] }),
			options: { reportUnknown: true },
			errors: [{
				message: "NS-2: Cannot verify private endpoint 'hub-pe' properties.privateLinkServiceConnections[0].properties.privateLinkServiceId of IoT Hub 'contoso-hub': depends on parameter 'target'.",
				severity: 'info',
				text: `"[resourceId('Microsoft.Devices/IotHubs', parameters('target'))]"`,
				suggestions: [],
			}],
		},
		{
			name: 'bicep: no private endpoint: insert one after the hub, the parameter after the others',
			bicep: bicep(locationParam, hubAtLocation, "output hubId string = hub.id"),
			errors: [{
				messageId: 'missing',
				text: "'Microsoft.Devices/IotHubs@2023-06-30'",
				suggestions: [{
					title: "Add a private endpoint for IoT Hub 'contoso-hub' (group id 'iotHub'; the subnet id comes from parameter 'privateEndpointSubnetId')",
					output: bicep(locationParam, subnetParam, hubAtLocation, insertedBicepPe, 'output hubId string = hub.id'),
				}],
			}],
		},
		{
			name: 'bicep: no parameters yet: the new one goes to the top',
			bicep: bicep(bicepHub()),
			errors: [{
				messageId: 'missing',
				suggestions: [{ output: bicep(subnetParam, bicepHub(), insertedBicepPe.replace('location: location', "location: 'westeurope'")) }],
			}],
		},
		{
			name: 'bicep: a private endpoint with the wrong group id',
			bicep: bicep(bicepHub(), bicepPrivateEndpoint('hub.id', "['iotDps']")),
			errors: [{ messageId: 'wrongGroupId', text: "['iotDps']" }],
		},
		{
			name: 'bicep: a private endpoint for another hub in the same file',
			bicep: bicep(bicepHub(), bicepHub('other', "'other-hub'"), bicepPrivateEndpoint('other.id')),
			errors: [{ messageId: 'missing', line: 1 }],
		},
		{
			name: 'bicep: a registry module looped over an empty list deploys nothing',
			bicep: bicep('param endpoints array = []', bicepHub(), "module pe 'br/public:avm/res/network/private-endpoint:0.12.1' = [for e in endpoints: {\n  name: e\n  params: {\n    target: hub.id\n  }\n}]"),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'bicep: a registry module given something else',
			bicep: bicep(bicepHub(), "module storage 'br/public:avm/res/storage/storage-account:0.9.0' = {\n  name: 'st'\n  params: {\n    name: 'contosologs'\n  }\n}"),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'arm: private endpoints in a copy loop with count 0',
			arm: armTemplate([armHubResource(), armPrivateEndpoint(hubId, '["iotHub"]', { extra: ['"copy": { "name": "pes", "count": 0 }'] })]),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'bicep: a conditional private endpoint whose condition is false',
			bicep: bicep('param deployPe bool = false', bicepHub(), bicepPrivateEndpoint('hub.id', "['iotHub']", { head: 'if (deployPe) ' })),
			errors: [{ messageId: 'missing' }],
		},
	],
});
