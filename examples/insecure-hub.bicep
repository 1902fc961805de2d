// The same hub in Bicep: the findings show in the .bicep file itself, no compile step needed.
param hubName string = 'contoso-edge-hub'
param location string = resourceGroup().location

@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

resource hub 'Microsoft.Devices/IotHubs@2021-03-31' = {
  name: hubName
  location: location
  sku: {
    name: 'S1'
    capacity: 1
  }
  properties: {
    publicNetworkAccess: publicNetworkAccess
    minTlsVersion: '1.0'
  }
}

output hubName string = hub.name
