import rule from '../../rules/iothub-diagnostic-logs';
import { ruleTester } from '../support/rule-tester';
import { armDiagnosticSetting, armHubResource, armResource, armTemplate, bicep, bicepHub } from '../support/related-templates';

const workspace = '"workspaceId": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"';
const allLogs = '"logs": [ { "categoryGroup": "allLogs", "enabled": true } ]';
const props = (...members: string[]) => `"properties": { ${members.join(', ')} }`;
const relativeScope = `"scope": "[format('Microsoft.Devices/IotHubs/{0}', 'contoso-hub')]"`;
const armSetting = (scope: string, ...members: string[]) => armDiagnosticSetting(['"name": "diag"', scope, props(...members)]);

const workspaceParameter = '"logAnalyticsWorkspaceId": {\n      "type": "string",\n      "metadata": {\n        "description": "Resource id of the Log Analytics workspace that receives the resource logs."\n      }\n    }';
const insertedArm = (workspaceId: string, dependsOn: string[]) => `    {
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "contoso-hub-diagnostics",
      "scope": "Microsoft.Devices/IotHubs/contoso-hub",
      "dependsOn": [
${dependsOn.map((d) => `        "${d}"`).join(',\n')}
      ],
      "properties": {
        "workspaceId": "${workspaceId}",
        "logs": [
          {
            "categoryGroup": "allLogs",
            "enabled": true
          }
        ]
      }
    }`;
const armWorkspace = armResource(['"type": "Microsoft.OperationalInsights/workspaces"', '"apiVersion": "2022-10-01"', '"name": "contoso-law"', '"location": "westeurope"', '"properties": {}']);

const insertedBicep = (workspaceId: string) => `resource hubDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: '\${hub.name}-diagnostics'
  scope: hub
  properties: {
    workspaceId: ${workspaceId}
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}`;
const workspaceParam = "@description('Resource id of the Log Analytics workspace that receives the resource logs.')\nparam logAnalyticsWorkspaceId string";
const bicepSetting = (scope: string, properties: string[]) =>
	[`resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {`, "  name: 'diag'", `  scope: ${scope}`, '  properties: {', ...properties.map((p) => `    ${p}`), '  }', '}'].join('\n');
const bicepWorkspaceId = "workspaceId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law'";
const bicepAllLogs = "logs: [\n      {\n        categoryGroup: 'allLogs'\n        enabled: true\n      }\n    ]";

ruleTester.run(rule, {
	valid: [
		{ name: 'arm: scope as a provider-relative id, allLogs, workspace', arm: armTemplate([armHubResource(), armSetting(relativeScope, workspace, allLogs)]) },
		{ name: 'arm: scope as resourceId(), audit to an event hub', arm: armTemplate([armHubResource(), armSetting(`"scope": "[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`, '"eventHubAuthorizationRuleId": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns/authorizationRules/send"', '"logs": [ { "categoryGroup": "audit", "enabled": true } ]')]) },
		{ name: 'arm: categories from the facts to storage', arm: armTemplate([armHubResource(), armSetting(relativeScope, '"storageAccountId": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs"', '"logs": [ { "category": "Connections", "enabled": true }, { "category": "DeviceIdentityOperations", "enabled": false } ]')]) },
		{
			name: 'arm: the old nested form (hub/Microsoft.Insights/x)',
			arm: armTemplate([armHubResource(), armResource(['"type": "Microsoft.Devices/IotHubs/providers/diagnosticSettings"', '"apiVersion": "2021-05-01-preview"', '"name": "contoso-hub/Microsoft.Insights/diag"', props(workspace, allLogs)])]),
		},
		{
			name: 'arm: the nested form declared inside the hub',
			arm: armTemplate([armHubResource('"contoso-hub"', [`"resources": [ { "type": "providers/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "Microsoft.Insights/diag", ${props(workspace, allLogs)} } ]`])]),
		},
		{
			name: 'arm: languageVersion 2.0, hub named by a parameter',
			arm: armTemplate([armHubResource(`"[parameters('hubName')]"`, [], 'hub'), armDiagnosticSetting(['"name": "diag"', `"scope": "[resourceId('Microsoft.Devices/IotHubs', parameters('hubName'))]"`, '"dependsOn": ["hub"]', props(workspace, allLogs)], 'diag')], { symbolic: true, parameters: ['"hubName": { "type": "string", "defaultValue": "contoso-hub" }'] }),
		},
		{
			name: 'arm: the workspace id is a parameter with an empty default (filled in at deployment): cannot verify, silent',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, `"workspaceId": "[parameters('workspaceId')]"`, allLogs)], { parameters: ['"workspaceId": { "type": "string", "defaultValue": "" }'] }),
		},
		{
			name: 'arm: logs from a parameter with no value: cannot verify, silent',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, workspace, `"logs": "[parameters('logs')]"`)], { parameters: ['"logs": { "type": "array" }'] }),
		},
		{
			name: 'arm: logs built by a property copy loop (compiled Bicep for-expression): cannot verify, silent',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, workspace, `"copy": [ { "name": "logs", "count": "[length(parameters('groups'))]", "input": { "categoryGroup": "[parameters('groups')[copyIndex('logs')]]", "enabled": true } } ]`)], { parameters: ['"groups": { "type": "array" }'] }),
		},
		{ name: 'bicep: scope: hub', bicep: bicep(bicepHub(), bicepSetting('hub', [bicepWorkspaceId, bicepAllLogs])) },
		{
			name: 'bicep: two settings, logs in one of them',
			bicep: bicep(bicepHub(), bicepSetting('hub', [bicepWorkspaceId, "metrics: [\n      {\n        category: 'AllMetrics'\n        enabled: true\n      }\n    ]"]), bicepSetting('hub', [bicepWorkspaceId, bicepAllLogs]).replace('resource diag ', 'resource diag2 ')),
		},
		{
			name: 'bicep: a local module scoped to an existing reference of the hub',
			bicep: bicep(bicepHub(), "module logs './logs.bicep' = {\n  name: 'logs'\n  params: {\n    hubName: hub.name\n  }\n}"),
			files: { 'logs.bicep': bicep('param hubName string', "resource target 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: hubName\n}", bicepSetting('target', [bicepWorkspaceId, bicepAllLogs])) },
		},
		{
			name: 'bicep: a workspace from a parameter with an empty default is a placeholder: cannot verify, silent',
			bicep: bicep("param workspaceId string = ''", bicepHub(), bicepSetting('hub', ['workspaceId: workspaceId', bicepAllLogs])),
		},
	],
	invalid: [
		{
			name: 'arm: no diagnostic settings: insert allLogs to a new workspace parameter',
			arm: armTemplate([armHubResource()]),
			errors: [{
				messageId: 'noSettings',
				message: "LT-4: IoT Hub 'contoso-hub' has no diagnostic settings in this deployment, so its resource logs (connections, device identity operations, routes, file uploads...) are not kept. Add a Microsoft.Insights/diagnosticSettings scoped to the hub with a properties.logs entry for categoryGroup 'allLogs' (or 'audit') and a destination (workspaceId, storageAccountId or eventHubAuthorizationRuleId).",
				severity: 'warning',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{
					title: "Add diagnostic settings that send all resource logs of IoT Hub 'contoso-hub' to the Log Analytics workspace given by parameter 'logAnalyticsWorkspaceId'",
					output: armTemplate([armHubResource(), insertedArm("[parameters('logAnalyticsWorkspaceId')]", ["[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"])], { parameters: [workspaceParameter] }),
				}],
			}],
		},
		{
			name: 'arm: a workspace in the template is used',
			arm: armTemplate([armHubResource(), armWorkspace]),
			errors: [{
				messageId: 'noSettings',
				suggestions: [{
					title: "Add diagnostic settings that send all resource logs of IoT Hub 'contoso-hub' to Log Analytics workspace 'contoso-law'",
					output: armTemplate([armHubResource(), armWorkspace, insertedArm("[resourceId('Microsoft.OperationalInsights/workspaces', 'contoso-law')]", ["[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]", "[resourceId('Microsoft.OperationalInsights/workspaces', 'contoso-law')]"])]),
				}],
			}],
		},
		{
			name: 'arm: metrics only',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, workspace, '"metrics": [ { "category": "AllMetrics", "enabled": true } ]')]),
			errors: [{
				messageId: 'metricsOnly',
				message: "LT-4: Diagnostic setting 'diag' of IoT Hub 'contoso-hub' collects only metrics, no resource logs: properties.logs has no enabled log category or category group of the hub. Add a properties.logs entry with categoryGroup 'allLogs' and enabled: true.",
				text: '[ { "category": "AllMetrics", "enabled": true } ]',
				suggestions: [],
			}],
		},
		{
			name: 'arm: logs disabled',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, workspace, '"logs": [ { "categoryGroup": "allLogs", "enabled": false } ]')]),
			errors: [{ messageId: 'metricsOnly', text: '[ { "categoryGroup": "allLogs", "enabled": false } ]' }],
		},
		{
			name: 'arm: a category that is not an IoT Hub log category does not count',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, workspace, '"logs": [ { "category": "AllMetrics", "enabled": true } ]')]),
			errors: [{ messageId: 'metricsOnly' }],
		},
		{
			name: 'arm: logs but no destination',
			arm: armTemplate([armHubResource(), armSetting(relativeScope, allLogs)]),
			errors: [{
				messageId: 'noDestination',
				message: "LT-4: Diagnostic setting 'diag' of IoT Hub 'contoso-hub' enables resource logs but sends them nowhere (none of properties.workspaceId, storageAccountId, eventHubAuthorizationRuleId is set). Set properties.workspaceId to a Log Analytics workspace, or send the logs to a storage account or event hub.",
				text: `{ ${allLogs} }`,
			}],
		},
		{
			name: 'arm: a setting scoped to a different hub',
			arm: armTemplate([armHubResource(), armSetting(`"scope": "[format('Microsoft.Devices/IotHubs/{0}', 'other-hub')]"`, workspace, allLogs)]),
			errors: [{ messageId: 'noSettings' }],
		},
		{
			name: 'arm: a setting without scope is the resource group\'s',
			arm: armTemplate([armHubResource(), armDiagnosticSetting(['"name": "diag"', props(workspace, allLogs)])]),
			errors: [{ messageId: 'noSettings' }],
		},
		{
			name: 'arm: two hubs, only one covered',
			arm: armTemplate([armHubResource(), armHubResource('"second-hub"'), armSetting(relativeScope, workspace, allLogs)]),
			errors: [{ messageId: 'noSettings', message: "LT-4: IoT Hub 'second-hub' has no diagnostic settings in this deployment, so its resource logs (connections, device identity operations, routes, file uploads...) are not kept. Add a Microsoft.Insights/diagnosticSettings scoped to the hub with a properties.logs entry for categoryGroup 'allLogs' (or 'audit') and a destination (workspaceId, storageAccountId or eventHubAuthorizationRuleId)." }],
		},
		{
			name: 'bicep: no diagnostic settings: insert one after the hub',
			bicep: bicep(bicepHub()),
			errors: [{
				messageId: 'noSettings',
				text: "'Microsoft.Devices/IotHubs@2023-06-30'",
				suggestions: [{ output: bicep(workspaceParam, bicepHub(), insertedBicep('logAnalyticsWorkspaceId')) }],
			}],
		},
		{
			name: 'bicep: the workspace of the template is used',
			bicep: bicep(bicepHub(), "resource law 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {\n  name: 'contoso-law'\n  location: 'westeurope'\n}"),
			errors: [{
				messageId: 'noSettings',
				suggestions: [{
					title: "Add diagnostic settings that send all resource logs of IoT Hub 'contoso-hub' to Log Analytics workspace 'contoso-law'",
					output: bicep(bicepHub(), insertedBicep('law.id'), "resource law 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {\n  name: 'contoso-law'\n  location: 'westeurope'\n}"),
				}],
			}],
		},
		{
			name: 'bicep: metrics only',
			bicep: bicep(bicepHub(), bicepSetting('hub', [bicepWorkspaceId, "metrics: [\n      {\n        category: 'AllMetrics'\n        enabled: true\n      }\n    ]"])),
			errors: [{ messageId: 'metricsOnly', line: 16 }],
		},
		{
			name: 'bicep: scoped to the other hub of the file',
			bicep: bicep(bicepHub(), bicepHub('other', "'other-hub'"), bicepSetting('other', [bicepWorkspaceId, bicepAllLogs])),
			errors: [{ messageId: 'noSettings', line: 1 }],
		},
	],
});
