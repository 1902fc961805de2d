// A hub that follows the IoT Hub security baseline: no public access (devices connect through the
// private endpoint), Entra ID only, TLS 1.2, a managed identity for routing, logs to a workspace.
param location string = resourceGroup().location
param hubName string = 'contoso-secure-hub'
param subnetId string
param logAnalyticsWorkspaceId string
param eventHubNamespaceFqdn string = 'contoso-telemetry.servicebus.windows.net'

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: hubName
  location: location
  sku: {
    name: 'S1'
    capacity: 1
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    publicNetworkAccess: 'Disabled'
    minTlsVersion: '1.2'
    disableLocalAuth: true
    disableDeviceSAS: true
    disableModuleSAS: true
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      eventHubNamespaceFqdn
    ]
    networkRuleSets: {
      defaultAction: 'Deny'
      applyToBuiltInEventHubEndpoint: true
      ipRules: []
    }
    routing: {
      endpoints: {
        eventHubs: [
          {
            name: 'telemetry'
            authenticationType: 'identityBased'
            endpointUri: 'sb://${eventHubNamespaceFqdn}'
            entityPath: 'telemetry'
          }
        ]
      }
      routes: [
        {
          name: 'all'
          source: 'DeviceMessages'
          condition: 'true'
          endpointNames: [
            'telemetry'
          ]
          isEnabled: true
        }
      ]
    }
  }
}

resource hubPrivateEndpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: '${hubName}-pe'
  location: location
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: '${hubName}-pe'
        properties: {
          privateLinkServiceId: hub.id
          groupIds: [
            'iotHub'
          ]
        }
      }
    ]
  }
}

resource hubDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'hub-logs'
  scope: hub
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}
