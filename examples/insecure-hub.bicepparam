using './insecure-hub.bicep'

param hubName = 'contoso-edge-prod'
param publicNetworkAccess = 'Enabled'
