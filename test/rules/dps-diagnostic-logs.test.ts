import rule from '../../rules/dps-diagnostic-logs';
import { ruleTester } from '../support/rule-tester';
import { armDiagnosticSetting, armDpsResource, armHubResource, armTemplate, bicep, bicepDps, bicepHub } from '../support/related-templates';

const workspace = '"workspaceId": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"';
const props = (...members: string[]) => `"properties": { ${members.join(', ')} }`;
const dpsScope = `"scope": "[format('Microsoft.Devices/provisioningServices/{0}', 'contoso-dps')]"`;
const armSetting = (scope: string, ...members: string[]) => armDiagnosticSetting(['"name": "diag"', scope, props(...members)]);

const workspaceParameter = '"logAnalyticsWorkspaceId": {\n      "type": "string",\n      "metadata": {\n        "description": "Resource id of the Log Analytics workspace that receives the resource logs."\n      }\n    }';
const insertedArm = `    {
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "contoso-dps-diagnostics",
      "scope": "Microsoft.Devices/provisioningServices/contoso-dps",
      "dependsOn": [
        "[resourceId('Microsoft.Devices/provisioningServices', 'contoso-dps')]"
      ],
      "properties": {
        "workspaceId": "[parameters('logAnalyticsWorkspaceId')]",
        "logs": [
          {
            "categoryGroup": "allLogs",
            "enabled": true
          }
        ]
      }
    }`;
const insertedBicep = `resource dpsDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: '\${dps.name}-diagnostics'
  scope: dps
  properties: {
    workspaceId: logAnalyticsWorkspaceId
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

ruleTester.run(rule, {
	valid: [
		{ name: 'arm: allLogs to a workspace', arm: armTemplate([armDpsResource(), armSetting(dpsScope, workspace, '"logs": [ { "categoryGroup": "allLogs", "enabled": true } ]')]) },
		{ name: 'arm: the DPS categories', arm: armTemplate([armDpsResource(), armSetting(dpsScope, workspace, '"logs": [ { "category": "DeviceOperations", "enabled": true }, { "category": "ServiceOperations", "enabled": true } ]')]) },
		{
			name: 'bicep: scope: dps',
			bicep: bicep(bicepDps(), bicepSetting('dps', ["workspaceId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law'", "logs: [\n      {\n        category: 'DeviceOperations'\n        enabled: true\n      }\n    ]"])),
		},
	],
	invalid: [
		{
			name: 'arm: none: insert one',
			arm: armTemplate([armDpsResource()]),
			errors: [{
				messageId: 'noSettings',
				text: '"Microsoft.Devices/provisioningServices"',
				suggestions: [{
					title: "Add diagnostic settings that send all resource logs of DPS 'contoso-dps' to the Log Analytics workspace given by parameter 'logAnalyticsWorkspaceId'",
					output: armTemplate([armDpsResource(), insertedArm], { parameters: [workspaceParameter] }),
				}],
			}],
		},
		{
			name: 'arm: audit is not a DPS category group',
			arm: armTemplate([armDpsResource(), armSetting(dpsScope, workspace, '"logs": [ { "categoryGroup": "audit", "enabled": true } ]')]),
			errors: [{ messageId: 'metricsOnly', message: "LT-4: Diagnostic setting 'diag' of DPS 'contoso-dps' collects no resource logs: properties.logs has no enabled log category or category group of the DPS. Add a properties.logs entry with categoryGroup 'allLogs' and enabled: true." }],
		},
		{
			name: 'arm: the hub has logs, the DPS does not',
			arm: armTemplate([armHubResource(), armDpsResource(), armSetting(`"scope": "[format('Microsoft.Devices/IotHubs/{0}', 'contoso-hub')]"`, workspace, '"logs": [ { "categoryGroup": "allLogs", "enabled": true } ]')]),
			errors: [{ messageId: 'noSettings' }],
		},
		{
			name: 'bicep: none: insert one',
			bicep: bicep(bicepDps()),
			errors: [{ messageId: 'noSettings', suggestions: [{ output: bicep(workspaceParam, bicepDps(), insertedBicep) }] }],
		},
		{
			name: 'bicep: metrics only, scoped to the DPS',
			bicep: bicep(bicepHub(), bicepDps(), bicepSetting('dps', ["workspaceId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law'", "metrics: [\n      {\n        category: 'AllMetrics'\n        enabled: true\n      }\n    ]"])),
			errors: [{ messageId: 'metricsOnly' }],
		},
	],
});
