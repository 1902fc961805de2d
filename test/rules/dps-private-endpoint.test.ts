import rule from '../../rules/dps-private-endpoint';
import { ruleTester } from '../support/rule-tester';
import { armDpsResource, armHubResource, armPrivateEndpoint, armResource, armTemplate, bicep, bicepDps, bicepHub, bicepPrivateEndpoint } from '../support/related-templates';

const dpsId = `"[resourceId('Microsoft.Devices/provisioningServices', 'contoso-dps')]"`;
const subnetParameter = '"privateEndpointSubnetId": {\n      "type": "string",\n      "metadata": {\n        "description": "Resource id of the subnet the private endpoints get their addresses from."\n      }\n    }';

const insertedArmPe = `    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2023-11-01",
      "name": "contoso-dps-pe",
      "location": "westeurope",
      "dependsOn": [
        "[resourceId('Microsoft.Devices/provisioningServices', 'contoso-dps')]"
      ],
      "properties": {
        "subnet": {
          "id": "[parameters('privateEndpointSubnetId')]"
        },
        "privateLinkServiceConnections": [
          {
            "name": "contoso-dps-pe",
            "properties": {
              "privateLinkServiceId": "[resourceId('Microsoft.Devices/provisioningServices', 'contoso-dps')]",
              "groupIds": [
                "iotDps"
              ]
            }
          }
        ]
      }
    }`;

const insertedBicepPe = `resource dpsPrivateEndpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '\${dps.name}-pe'
  location: 'westeurope'
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: '\${dps.name}-pe'
        properties: {
          privateLinkServiceId: dps.id
          groupIds: [
            'iotDps'
          ]
        }
      }
    ]
  }
}`;
const subnetParam = "@description('Resource id of the subnet the private endpoints get their addresses from.')\nparam privateEndpointSubnetId string";

ruleTester.run(rule, {
	valid: [
		{ name: 'arm: resourceId(type, name), iotDps', arm: armTemplate([armDpsResource(), armPrivateEndpoint(dpsId, '["iotDps"]')]) },
		{ name: 'arm: manual connection', arm: armTemplate([armDpsResource(), armPrivateEndpoint(dpsId, '["iotDps"]', { list: 'manualPrivateLinkServiceConnections' })]) },
		{
			name: 'arm: an Approved child privateEndpointConnections',
			arm: armTemplate([armDpsResource(), armResource(['"type": "Microsoft.Devices/provisioningServices/privateEndpointConnections"', '"apiVersion": "2022-12-12"', '"name": "contoso-dps/pec"', '"properties": { "privateLinkServiceConnectionState": { "status": "Approved", "description": "ok" } }'])]),
		},
		{ name: 'bicep: dps.id', bicep: bicep(bicepDps(), bicepPrivateEndpoint('dps.id', "['iotDps']")) },
		{
			name: 'bicep: an Approved inline connection',
			bicep: bicep(bicepDps().replace('  properties: {}', "  properties: {\n    privateEndpointConnections: [\n      {\n        properties: {\n          privateEndpoint: {}\n          privateLinkServiceConnectionState: {\n            status: 'Approved'\n            description: 'ok'\n          }\n        }\n      }\n    ]\n  }")),
		},
	],
	invalid: [
		{
			name: 'arm: no private endpoint: insert one with group id iotDps',
			arm: armTemplate([armDpsResource()]),
			errors: [{
				messageId: 'missing',
				message: "NS-2: DPS 'contoso-dps' has no private endpoint in this deployment, so devices reach it only over its public endpoint. Add a Microsoft.Network/privateEndpoints whose privateLinkServiceConnections[].properties.privateLinkServiceId is the DPS id with groupIds ['iotDps'].",
				text: '"Microsoft.Devices/provisioningServices"',
				suggestions: [{
					title: "Add a private endpoint for DPS 'contoso-dps' (group id 'iotDps'; the subnet id comes from parameter 'privateEndpointSubnetId')",
					output: armTemplate([armDpsResource(), insertedArmPe], { parameters: [subnetParameter] }),
				}],
			}],
		},
		{
			name: 'arm: the group id of the hub is wrong for a DPS',
			arm: armTemplate([armDpsResource(), armPrivateEndpoint(dpsId, '["iotHub"]')]),
			errors: [{
				messageId: 'wrongGroupId',
				message: "NS-2: Private endpoint 'hub-pe' targets DPS 'contoso-dps' with groupIds ['iotHub'], which does not include 'iotDps', so it does not connect to the DPS. Set properties.groupIds to ['iotDps'].",
				text: '["iotHub"]',
			}],
		},
		{
			name: 'arm: the hub has a private endpoint, the DPS does not',
			arm: armTemplate([armHubResource(), armDpsResource(), armPrivateEndpoint(`"[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`)]),
			errors: [{ messageId: 'missing' }],
		},
		{
			name: 'bicep: no private endpoint: insert one',
			bicep: bicep(bicepDps()),
			errors: [{ messageId: 'missing', suggestions: [{ output: bicep(subnetParam, bicepDps(), insertedBicepPe) }] }],
		},
		{
			name: 'bicep: a private endpoint for the hub only',
			bicep: bicep(bicepHub(), bicepDps(), bicepPrivateEndpoint('hub.id')),
			errors: [{ messageId: 'missing' }],
		},
	],
});
