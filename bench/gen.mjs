// Deterministic benchmark workloads (issue 7). Everything is generated from a seeded PRNG and written to a
// temporary folder: nothing here is committed. The same seed always gives byte-identical files.
//
//   ARM templates of ~10 KB, 100 KB, 1 MB and 10 MB: parameters, variables, many resources of several types,
//   a few IoT Hubs, nested deployments (inner and outer scope), copy loops, child resources, outputs.
//   Bicep files of ~200, 2,000 and 10,000 lines: params, vars, hubs, modules, loops, conditions,
//   string interpolation and member access (`hub.properties.hostName`).
//   A repository of 2,000 small templates (ARM JSON with some parameter files, and Bicep).

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SEED = 0x10_7_b0;

/** mulberry32: tiny, fast, good enough for workload shapes. */
export function rng(seed) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: (xs) => xs[Math.floor(next() * xs.length)],
		bool: (p = 0.5) => next() < p,
	};
}

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
const LOCATIONS = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'westus2', 'uksouth', 'swedencentral'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

// ---------------------------------------------------------------------------------------------- ARM

function armParameters(r) {
	return {
		location: { type: 'string', defaultValue: '[resourceGroup().location]', metadata: { description: 'Location for all resources.' } },
		prefix: { type: 'string', defaultValue: 'contoso', minLength: 3, maxLength: 11 },
		environment: { type: 'string', defaultValue: 'prod', allowedValues: ['dev', 'test', 'prod'] },
		minTlsVersion: { type: 'string', defaultValue: '1.2', allowedValues: ['1.0', '1.1', '1.2'] },
		publicNetworkAccess: { type: 'string', defaultValue: 'Disabled', allowedValues: ['Enabled', 'Disabled'] },
		hubSku: { type: 'string', defaultValue: 'S1' },
		hubCapacity: { type: 'int', defaultValue: 1, minValue: 1, maxValue: 200 },
		storageCount: { type: 'int', defaultValue: r.int(2, 6) },
		adminPassword: { type: 'securestring' },
		tags: { type: 'object', defaultValue: { owner: 'platform-team', costCenter: String(r.int(1000, 9999)), environment: 'prod' } },
		enableDiagnostics: { type: 'bool', defaultValue: true },
		subnetPrefixes: { type: 'array', defaultValue: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'] },
	};
}

function armVariables() {
	return {
		suffix: "[uniqueString(resourceGroup().id, parameters('prefix'))]",
		baseName: "[toLower(concat(parameters('prefix'), '-', parameters('environment')))]",
		storageName: "[take(toLower(replace(concat(parameters('prefix'), 'st', variables('suffix')), '-', '')), 24)]",
		hubName: "[format('{0}-hub-{1}', variables('baseName'), variables('suffix'))]",
		vnetName: "[concat(variables('baseName'), '-vnet')]",
		commonTags: "[union(parameters('tags'), createObject('deployedBy', 'arm', 'environment', parameters('environment')))]",
		hubProperties: {
			minTlsVersion: "[parameters('minTlsVersion')]",
			publicNetworkAccess: "[parameters('publicNetworkAccess')]",
			disableLocalAuth: true,
			enableFileUploadNotifications: false,
		},
		diagnosticsEnabled: "[and(parameters('enableDiagnostics'), equals(parameters('environment'), 'prod'))]",
		retentionDays: "[if(equals(parameters('environment'), 'prod'), 90, 7)]",
		firstSubnet: "[first(parameters('subnetPrefixes'))]",
		subnetCount: "[length(parameters('subnetPrefixes'))]",
	};
}

function armHub(r, i, nameExpr) {
	const secure = r.bool(0.5);
	return {
		type: 'Microsoft.Devices/IotHubs',
		apiVersion: r.pick(['2023-06-30', '2022-04-30-preview', '2021-07-02']),
		name: nameExpr ?? `[concat(variables('hubName'), '-${i}')]`,
		location: "[parameters('location')]",
		tags: "[variables('commonTags')]",
		sku: { name: "[parameters('hubSku')]", capacity: "[parameters('hubCapacity')]" },
		identity: { type: 'SystemAssigned' },
		properties: {
			minTlsVersion: secure ? "[parameters('minTlsVersion')]" : '1.0',
			publicNetworkAccess: secure ? "[variables('hubProperties').publicNetworkAccess]" : 'Enabled',
			disableLocalAuth: secure,
			disableDeviceSAS: secure,
			disableModuleSAS: secure,
			eventHubEndpoints: { events: { retentionTimeInDays: 1, partitionCount: r.int(2, 8) } },
			routing: {
				endpoints: {
					storageContainers: [
						{
							name: `archive${i}`,
							authenticationType: 'identityBased',
							endpointUri: "[format('https://{0}.blob.core.windows.net/', variables('storageName'))]",
							containerName: 'telemetry',
							fileNameFormat: '{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}',
							batchFrequencyInSeconds: 100,
							maxChunkSizeInBytes: 104857600,
							encoding: 'JSON',
						},
					],
				},
				routes: [{ name: 'toArchive', source: 'DeviceMessages', condition: 'true', endpointNames: [`archive${i}`], isEnabled: true }],
				fallbackRoute: { name: '$fallback', source: 'DeviceMessages', condition: 'true', endpointNames: ['events'], isEnabled: true },
			},
			networkRuleSets: secure
				? { defaultAction: 'Deny', applyToBuiltInEventHubEndpoint: true, ipRules: [{ filterName: 'corp', action: 'Allow', ipMask: `10.${i % 250}.0.0/16` }] }
				: undefined,
			cloudToDevice: { maxDeliveryCount: 10, defaultTtlAsIso8601: 'PT1H', feedback: { lockDurationAsIso8601: 'PT1M', ttlAsIso8601: 'PT1H', maxDeliveryCount: 10 } },
		},
		dependsOn: ["[resourceId('Microsoft.Storage/storageAccounts', variables('storageName'))]"],
	};
}

function armStorage(r, i) {
	return {
		type: 'Microsoft.Storage/storageAccounts',
		apiVersion: '2023-01-01',
		name: `[concat(take(variables('storageName'), 20), '${String(i).padStart(4, '0')}')]`,
		location: "[parameters('location')]",
		tags: "[parameters('tags')]",
		sku: { name: r.pick(['Standard_LRS', 'Standard_GRS', 'Standard_ZRS']) },
		kind: 'StorageV2',
		properties: {
			supportsHttpsTrafficOnly: true,
			minimumTlsVersion: 'TLS1_2',
			allowBlobPublicAccess: false,
			networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', virtualNetworkRules: [], ipRules: [] },
			encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true }, file: { enabled: true } } },
		},
	};
}

function armSite(r, i) {
	const settings = [];
	const n = r.int(4, 14);
	for (let k = 0; k < n; k++) {
		settings.push({ name: `SETTING_${r.pick(WORDS).toUpperCase()}_${k}`, value: r.bool(0.4) ? `[concat(variables('baseName'), '-${r.pick(WORDS)}')]` : `${r.pick(WORDS)}-${r.int(1, 99999)}` });
	}
	return {
		type: 'Microsoft.Web/sites',
		apiVersion: '2022-09-01',
		name: `[format('{0}-app-${i}', variables('baseName'))]`,
		location: "[parameters('location')]",
		kind: 'app,linux',
		identity: { type: 'SystemAssigned' },
		properties: {
			serverFarmId: `[resourceId('Microsoft.Web/serverfarms', concat(variables('baseName'), '-plan'))]`,
			httpsOnly: true,
			siteConfig: { linuxFxVersion: 'NODE|20-lts', minTlsVersion: '1.2', ftpsState: 'Disabled', alwaysOn: r.bool(), appSettings: settings },
		},
		dependsOn: [`[resourceId('Microsoft.Web/serverfarms', concat(variables('baseName'), '-plan'))]`],
	};
}

function armVnet(r, i) {
	const subnets = [];
	for (let k = 0; k < r.int(2, 6); k++) {
		subnets.push({ name: `snet-${r.pick(WORDS)}-${k}`, properties: { addressPrefix: `10.${i % 250}.${k}.0/24`, privateEndpointNetworkPolicies: 'Disabled', serviceEndpoints: [{ service: 'Microsoft.Storage' }] } });
	}
	return {
		type: 'Microsoft.Network/virtualNetworks',
		apiVersion: '2023-04-01',
		name: `[concat(variables('vnetName'), '-${i}')]`,
		location: "[parameters('location')]",
		properties: { addressSpace: { addressPrefixes: [`10.${i % 250}.0.0/16`] }, subnets },
	};
}

function armKeyVault(r, i) {
	const policies = [];
	for (let k = 0; k < r.int(1, 4); k++) {
		policies.push({ tenantId: '[subscription().tenantId]', objectId: `00000000-0000-0000-0000-${String(r.int(0, 999999999999)).padStart(12, '0')}`, permissions: { secrets: ['get', 'list'], keys: ['get', 'wrapKey', 'unwrapKey'] } });
	}
	return {
		type: 'Microsoft.KeyVault/vaults',
		apiVersion: '2023-07-01',
		name: `[concat(take(variables('baseName'), 16), '-kv${i}')]`,
		location: "[parameters('location')]",
		properties: { tenantId: '[subscription().tenantId]', sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: false, enableSoftDelete: true, softDeleteRetentionInDays: "[variables('retentionDays')]", accessPolicies: policies },
	};
}

function armEventHubNamespace(r, i) {
	return {
		type: 'Microsoft.EventHub/namespaces',
		apiVersion: '2022-10-01-preview',
		name: `[concat(variables('baseName'), '-ehns-${i}')]`,
		location: "[parameters('location')]",
		sku: { name: 'Standard', tier: 'Standard', capacity: 1 },
		properties: { minimumTlsVersion: '1.2', publicNetworkAccess: 'Disabled', disableLocalAuth: true },
		resources: [
			{
				type: 'eventhubs',
				apiVersion: '2022-10-01-preview',
				name: `telemetry${i}`,
				dependsOn: [`[resourceId('Microsoft.EventHub/namespaces', concat(variables('baseName'), '-ehns-${i}'))]`],
				properties: { messageRetentionInDays: 1, partitionCount: r.int(2, 32) },
			},
		],
	};
}

function armCopyLoop(r, i) {
	return {
		type: 'Microsoft.Storage/storageAccounts',
		apiVersion: '2023-01-01',
		name: `[concat(take(variables('storageName'), 18), 'c${i}', copyIndex())]`,
		location: "[parameters('location')]",
		sku: { name: 'Standard_LRS' },
		kind: 'StorageV2',
		copy: { name: `storageLoop${i}`, count: "[parameters('storageCount')]", mode: 'Parallel' },
		properties: { supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2', accessTier: "[if(equals(mod(copyIndex(), 2), 0), 'Hot', 'Cool')]" },
	};
}

function armNestedDeployment(r, i, withHub) {
	const inner = r.bool(0.5);
	const resources = [armStorage(r, 90000 + i), armVnet(r, 90000 + i)];
	if (withHub) {
		resources.push(armHub(r, 1000 + i, inner ? "[parameters('innerHubName')]" : `[concat(variables('hubName'), '-nested${i}')]`));
	}
	const template = {
		$schema: SCHEMA,
		contentVersion: '1.0.0.0',
		parameters: inner
			? { innerHubName: { type: 'string' }, location: { type: 'string' }, prefix: { type: 'string' }, environment: { type: 'string' }, tags: { type: 'object' }, minTlsVersion: { type: 'string', defaultValue: '1.2' }, publicNetworkAccess: { type: 'string', defaultValue: 'Disabled' }, hubSku: { type: 'string', defaultValue: 'S1' }, hubCapacity: { type: 'int', defaultValue: 1 } }
			: {},
		variables: inner ? armVariables() : {},
		resources,
	};
	return {
		type: 'Microsoft.Resources/deployments',
		apiVersion: '2022-09-01',
		name: `nested-${i}`,
		properties: {
			mode: 'Incremental',
			expressionEvaluationOptions: { scope: inner ? 'inner' : 'outer' },
			parameters: inner
				? { innerHubName: { value: `[concat(variables('hubName'), '-inner${i}')]` }, location: { value: "[parameters('location')]" }, prefix: { value: "[parameters('prefix')]" }, environment: { value: "[parameters('environment')]" }, tags: { value: "[parameters('tags')]" } }
				: undefined,
			template,
		},
	};
}

/** An ARM template of about `targetBytes` (2-space indented JSON), `hubs` IoT Hubs spread through it. */
export function armTemplate(targetBytes, seed = SEED, hubs = 3) {
	const r = rng(seed ^ targetBytes);
	const head = { $schema: SCHEMA, contentVersion: '1.0.0.0', metadata: { generator: 'iothub-baseline bench', seed }, parameters: armParameters(r), variables: armVariables() };
	const outputs = { hubHostName: { type: 'string', value: "[reference(resourceId('Microsoft.Devices/IotHubs', concat(variables('hubName'), '-0'))).hostName]" }, storageId: { type: 'string', value: "[resourceId('Microsoft.Storage/storageAccounts', variables('storageName'))]" } };
	const fixed = JSON.stringify({ ...head, resources: [], outputs }, null, 2).length;
	const resources = [];
	let size = fixed;
	let i = 0;
	// Hubs are spaced out evenly by byte position; the estimate for the first resources decides where.
	const hubEvery = Math.max(1, Math.floor(targetBytes / hubs));
	let nextHubAt = 0;
	let hubsMade = 0;
	let nestedMade = 0;
	while (size < targetBytes) {
		let res;
		if (hubsMade < hubs && size >= nextHubAt) {
			res = hubsMade % 3 === 2 ? armNestedDeployment(r, nestedMade++, true) : armHub(r, hubsMade);
			hubsMade++;
			nextHubAt += hubEvery;
		} else {
			const k = r.next();
			if (k < 0.22) res = armStorage(r, i);
			else if (k < 0.4) res = armSite(r, i);
			else if (k < 0.55) res = armVnet(r, i);
			else if (k < 0.68) res = armKeyVault(r, i);
			else if (k < 0.8) res = armEventHubNamespace(r, i);
			else if (k < 0.93) res = armCopyLoop(r, i);
			else res = armNestedDeployment(r, nestedMade++, false);
		}
		// Indented two levels deeper inside `resources`: about 4 extra spaces per line.
		const s = JSON.stringify(res, null, 2);
		size += s.length + 4 * (s.split('\n').length) + 2;
		resources.push(res);
		i++;
	}
	return JSON.stringify({ ...head, resources, outputs }, null, 2) + '\n';
}

// -------------------------------------------------------------------------------------------- Bicep

const BICEP_HUB_MODULE = `@description('Name of the IoT Hub.')
param name string
param location string = resourceGroup().location
@allowed([
  '1.0'
  '1.2'
])
param minTlsVersion string = '1.2'
param publicNetworkAccess string = 'Disabled'
param tags object = {}

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'S1'
    capacity: 1
  }
  properties: {
    minTlsVersion: minTlsVersion
    publicNetworkAccess: publicNetworkAccess
    disableLocalAuth: true
    eventHubEndpoints: {
      events: {
        retentionTimeInDays: 1
        partitionCount: 4
      }
    }
  }
}

output hostName string = hub.properties.hostName
output id string = hub.id
`;

const BICEP_STORAGE_MODULE = `param name string
param location string
param sku string = 'Standard_LRS'

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: name
  location: location
  sku: {
    name: sku
  }
  kind: 'StorageV2'
  properties: {
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
  }
}

output blobEndpoint string = storage.properties.primaryEndpoints.blob
output id string = storage.id
`;

function bicepHeader() {
	return [
		'// Generated by bench/gen.mjs: deterministic benchmark workload.',
		'targetScope = \'resourceGroup\'',
		'',
		'@description(\'Location for all resources.\')',
		'param location string = resourceGroup().location',
		'@minLength(3)',
		'@maxLength(11)',
		'param prefix string = \'contoso\'',
		'@allowed([',
		"  'dev'",
		"  'test'",
		"  'prod'",
		'])',
		"param environment string = 'prod'",
		'@allowed([',
		"  '1.0'",
		"  '1.1'",
		"  '1.2'",
		'])',
		"param minTlsVersion string = '1.2'",
		"param publicNetworkAccess string = 'Disabled'",
		'param storageCount int = 3',
		'@secure()',
		'param adminPassword string',
		'param tags object = {',
		"  owner: 'platform-team'",
		"  environment: environment",
		'}',
		'',
		"var suffix = uniqueString(resourceGroup().id, prefix)",
		"var baseName = toLower('${prefix}-${environment}')",
		"var storageName = take(toLower(replace('${prefix}st${suffix}', '-', '')), 24)",
		"var hubName = '${baseName}-hub-${suffix}'",
		'var hubSettings = {',
		'  minTlsVersion: minTlsVersion',
		'  publicNetworkAccess: publicNetworkAccess',
		'  retention: environment == \'prod\' ? 7 : 1',
		'}',
		'',
	];
}

function bicepBlock(r, i, kind) {
	const w = r.pick(WORDS);
	switch (kind) {
		case 'hub': {
			const secure = r.bool(0.5);
			return [
				`resource hub${i} 'Microsoft.Devices/IotHubs@2023-06-30' = {`,
				`  name: '\${hubName}-${i}'`,
				'  location: location',
				'  tags: union(tags, { component: \'hub\' })',
				'  sku: {',
				"    name: 'S1'",
				'    capacity: 1',
				'  }',
				'  identity: {',
				"    type: 'SystemAssigned'",
				'  }',
				'  properties: {',
				`    minTlsVersion: ${secure ? 'hubSettings.minTlsVersion' : "'1.0'"}`,
				`    publicNetworkAccess: ${secure ? 'publicNetworkAccess' : "'Enabled'"}`,
				`    disableLocalAuth: ${secure}`,
				'    eventHubEndpoints: {',
				'      events: {',
				'        retentionTimeInDays: hubSettings.retention',
				`        partitionCount: ${r.int(2, 8)}`,
				'      }',
				'    }',
				'    routing: {',
				'      endpoints: {',
				'        storageContainers: [',
				'          {',
				`            name: 'archive${i}'`,
				`            endpointUri: 'https://\${storage${i}.name}.blob.\${environment().suffixes.storage}/'`,
				"            containerName: 'telemetry'",
				"            authenticationType: 'identityBased'",
				"            encoding: 'JSON'",
				'          }',
				'        ]',
				'      }',
				'      routes: [',
				'        {',
				"          name: 'toArchive'",
				"          source: 'DeviceMessages'",
				"          condition: 'true'",
				`          endpointNames: [ 'archive${i}' ]`,
				'          isEnabled: true',
				'        }',
				'      ]',
				'    }',
				'  }',
				'}',
				'',
				`resource storage${i} 'Microsoft.Storage/storageAccounts@2023-01-01' = {`,
				`  name: take('\${storageName}h${i}', 24)`,
				'  location: location',
				'  sku: {',
				"    name: 'Standard_LRS'",
				'  }',
				"  kind: 'StorageV2'",
				'}',
				'',
				`output hub${i}Host string = hub${i}.properties.hostName`,
				`output hub${i}Events string = hub${i}.properties.eventHubEndpoints.events.endpoint`,
				'',
			];
		}
		case 'storageLoop':
			return [
				`resource stores${i} 'Microsoft.Storage/storageAccounts@2023-01-01' = [for j in range(0, storageCount): {`,
				`  name: take('\${storageName}\${j}l${i}', 24)`,
				'  location: location',
				'  sku: {',
				`    name: j % 2 == 0 ? 'Standard_LRS' : 'Standard_GRS'`,
				'  }',
				"  kind: 'StorageV2'",
				'  properties: {',
				'    supportsHttpsTrafficOnly: true',
				"    minimumTlsVersion: 'TLS1_2'",
				`    accessTier: j < 2 ? 'Hot' : 'Cool'`,
				'  }',
				'}]',
				'',
			];
		case 'module':
			return [
				`module hubMod${i} 'modules/hub.bicep' = {`,
				`  name: 'hub-${w}-${i}'`,
				'  params: {',
				`    name: '\${baseName}-${w}-${i}'`,
				'    location: location',
				`    minTlsVersion: ${r.bool(0.6) ? 'minTlsVersion' : "'1.0'"}`,
				'    tags: tags',
				'  }',
				'}',
				'',
				`output mod${i}Host string = hubMod${i}.outputs.hostName`,
				'',
			];
		case 'moduleLoop':
			return [
				`module storageMods${i} 'modules/storage.bicep' = [for (region, k) in [ 'westeurope', 'northeurope' ]: {`,
				`  name: 'st-${i}-\${k}'`,
				'  params: {',
				`    name: take('\${storageName}m${i}\${k}', 24)`,
				'    location: region',
				'  }',
				'}]',
				'',
			];
		case 'site': {
			const lines = [
				`resource site${i} 'Microsoft.Web/sites@2022-09-01' = {`,
				`  name: '\${baseName}-app-${i}'`,
				'  location: location',
				"  kind: 'app,linux'",
				'  properties: {',
				'    httpsOnly: true',
				'    siteConfig: {',
				"      minTlsVersion: '1.2'",
				"      ftpsState: 'Disabled'",
				'      appSettings: [',
			];
			for (let k = 0; k < r.int(2, 8); k++) {
				lines.push('        {', `          name: 'SETTING_${w.toUpperCase()}_${k}'`, `          value: '\${baseName}-${r.pick(WORDS)}-${k}'`, '        }');
			}
			lines.push('      ]', '    }', '  }', '}', '');
			return lines;
		}
		case 'existing':
			return [
				`resource kv${i} 'Microsoft.KeyVault/vaults@2023-07-01' existing = {`,
				`  name: '\${baseName}-kv${i}'`,
				'}',
				'',
				`var kv${i}Uri = kv${i}.properties.vaultUri`,
				`var kv${i}Info = {`,
				`  uri: kv${i}Uri`,
				`  id: kv${i}.id`,
				`  tenant: subscription().tenantId`,
				'}',
				'',
			];
		case 'conditional':
			return [
				`resource ehns${i} 'Microsoft.EventHub/namespaces@2022-10-01-preview' = if (environment == 'prod') {`,
				`  name: '\${baseName}-ehns-${i}'`,
				'  location: location',
				'  sku: {',
				"    name: 'Standard'",
				"    tier: 'Standard'",
				'  }',
				'  properties: {',
				"    minimumTlsVersion: '1.2'",
				'    disableLocalAuth: true',
				'  }',
				'}',
				'',
				`resource eh${i} 'Microsoft.EventHub/namespaces/eventhubs@2022-10-01-preview' = if (environment == 'prod') {`,
				`  parent: ehns${i}`,
				`  name: 'telemetry${i}'`,
				'  properties: {',
				`    partitionCount: ${r.int(2, 32)}`,
				'  }',
				'}',
				'',
			];
		default: {
			// var with an object, a for-expression and member access
			return [
				`var cfg${i} = {`,
				`  name: '\${baseName}-${w}-${i}'`,
				`  items: [for n in range(0, ${r.int(2, 5)}): '${w}-\${n}']`,
				`  region: location`,
				`  nested: {`,
				`    level: ${r.int(1, 9)}`,
				`    label: toUpper('${w}')`,
				'  }',
				'}',
				`var cfg${i}Label = cfg${i}.nested.label`,
				'',
			];
		}
	}
}

/** A Bicep file of about `targetLines` lines, plus the module files it uses (relative paths → text). */
export function bicepTemplate(targetLines, seed = SEED, hubs = 3) {
	const r = rng(seed ^ targetLines);
	const lines = bicepHeader();
	let i = 0;
	const hubEvery = Math.max(1, Math.floor(targetLines / hubs));
	let nextHubAt = 0;
	let hubsMade = 0;
	while (lines.length < targetLines) {
		let kind;
		if (hubsMade < hubs && lines.length >= nextHubAt) {
			kind = 'hub';
			hubsMade++;
			nextHubAt += hubEvery;
		} else {
			const k = r.next();
			kind = k < 0.18 ? 'storageLoop' : k < 0.3 ? 'module' : k < 0.38 ? 'moduleLoop' : k < 0.58 ? 'site' : k < 0.7 ? 'existing' : k < 0.82 ? 'conditional' : 'var';
		}
		lines.push(...bicepBlock(r, i++, kind));
	}
	return { text: lines.join('\n') + '\n', modules: { 'modules/hub.bicep': BICEP_HUB_MODULE, 'modules/storage.bicep': BICEP_STORAGE_MODULE } };
}

// --------------------------------------------------------------------------------------- Repository

function smallArm(r, i) {
	const resources = [];
	const n = r.int(1, 5);
	for (let k = 0; k < n; k++) {
		const x = r.next();
		if (x < 0.3) resources.push(armHub(r, i * 10 + k));
		else if (x < 0.55) resources.push(armStorage(r, i * 10 + k));
		else if (x < 0.7) resources.push(armVnet(r, i * 10 + k));
		else if (x < 0.85) resources.push(armKeyVault(r, i * 10 + k));
		else resources.push(armCopyLoop(r, i * 10 + k));
	}
	return JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: armParameters(r), variables: armVariables(), resources }, null, 2) + '\n';
}

function smallBicep(r, i) {
	const lines = bicepHeader();
	const n = r.int(1, 4);
	for (let k = 0; k < n; k++) {
		const kind = r.bool(0.4) ? 'hub' : r.pick(['storageLoop', 'site', 'existing', 'conditional', 'var']);
		lines.push(...bicepBlock(r, i * 10 + k, kind));
	}
	return lines.join('\n') + '\n';
}

/** Write `count` small templates (80 % ARM JSON, 20 % Bicep; some with parameter files) under `dir`. */
export function writeRepository(dir, count = 2000, seed = SEED) {
	const r = rng(seed ^ count);
	let bytes = 0;
	let files = 0;
	for (let i = 0; i < count; i++) {
		const folder = path.join(dir, `team-${String(i % 20).padStart(2, '0')}`, `service-${String(Math.floor(i / 20) % 25).padStart(2, '0')}`);
		mkdirSync(folder, { recursive: true });
		const base = `${r.pick(WORDS)}-${i}`;
		let text;
		if (i % 5 === 4) {
			text = smallBicep(r, i);
			writeFileSync(path.join(folder, `${base}.bicep`), text);
		} else {
			text = smallArm(r, i);
			writeFileSync(path.join(folder, `${base}.json`), text);
			if (r.bool(0.15)) {
				const p = JSON.stringify({ $schema: PARAMS_SCHEMA, contentVersion: '1.0.0.0', parameters: { minTlsVersion: { value: r.pick(['1.0', '1.2']) }, publicNetworkAccess: { value: r.pick(['Enabled', 'Disabled']) } } }, null, 2) + '\n';
				writeFileSync(path.join(folder, `${base}.parameters.json`), p);
				bytes += p.length;
				files++;
			}
		}
		bytes += text.length;
		files++;
	}
	return { templates: count, files, bytes };
}

export const ARM_SIZES = [
	{ id: 'arm-10k', bytes: 10_000, hubs: 2 },
	{ id: 'arm-100k', bytes: 100_000, hubs: 3 },
	{ id: 'arm-1m', bytes: 1_000_000, hubs: 5 },
	{ id: 'arm-10m', bytes: 10_000_000, hubs: 8 },
];
export const BICEP_SIZES = [
	{ id: 'bicep-200', lines: 200, hubs: 1 },
	{ id: 'bicep-2k', lines: 2_000, hubs: 3 },
	{ id: 'bicep-10k', lines: 10_000, hubs: 5 },
];

/** Write every workload under `dir`; returns a manifest (id → file path, size). */
export function writeWorkloads(dir, opts = {}) {
	mkdirSync(dir, { recursive: true });
	const manifest = { dir, seed: SEED, arm: [], bicep: [], repo: undefined };
	for (const s of ARM_SIZES) {
		const text = armTemplate(s.bytes, SEED, s.hubs);
		const file = path.join(dir, `${s.id}.json`);
		writeFileSync(file, text);
		manifest.arm.push({ id: s.id, file, bytes: Buffer.byteLength(text), target: s.bytes });
	}
	mkdirSync(path.join(dir, 'modules'), { recursive: true });
	for (const s of BICEP_SIZES) {
		const { text, modules } = bicepTemplate(s.lines, SEED, s.hubs);
		const file = path.join(dir, `${s.id}.bicep`);
		writeFileSync(file, text);
		for (const [rel, t] of Object.entries(modules)) writeFileSync(path.join(dir, rel), t);
		manifest.bicep.push({ id: s.id, file, bytes: Buffer.byteLength(text), lines: text.split('\n').length - 1, target: s.lines });
	}
	if (opts.repo !== false) {
		const repoDir = path.join(dir, 'repo');
		manifest.repo = { dir: repoDir, ...writeRepository(repoDir, opts.repoCount ?? 2000) };
	}
	return manifest;
}
