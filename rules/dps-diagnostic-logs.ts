import { defineRule } from '../server/src/analysis/rule';
import { checkDiagnosticLogs } from './support/diagnostic-settings';

export default defineRule({
	id: 'dps-diagnostic-logs',
	mcsb: 'LT-4',
	title: 'Device Provisioning Service resource logs should be collected by diagnostic settings',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/provisioningServices'],
	// The fix adds a resource (and, without a workspace in the template, a required parameter).
	fix: 'suggestion',
	messages: {
		noSettings:
			"LT-4: DPS '{{name}}' has no diagnostic settings in this deployment, so its resource logs (device and service operations) are not kept. Add a Microsoft.Insights/diagnosticSettings scoped to the DPS with a properties.logs entry for categoryGroup 'allLogs' (or the DeviceOperations and ServiceOperations categories) and a destination (workspaceId, storageAccountId or eventHubAuthorizationRuleId).",
		metricsOnly:
			"LT-4: Diagnostic setting '{{setting}}' of DPS '{{name}}' collects {{what}}: properties.logs has no enabled log category or category group of the DPS. Add a properties.logs entry with categoryGroup 'allLogs' and enabled: true.",
		noDestination:
			"LT-4: Diagnostic setting '{{setting}}' of DPS '{{name}}' enables resource logs but sends them nowhere (none of properties.workspaceId, storageAccountId, eventHubAuthorizationRuleId is set). Set properties.workspaceId to a Log Analytics workspace, or send the logs to a storage account or event hub.",
	},
	check(ctx) {
		checkDiagnosticLogs(ctx, { kind: 'DPS' });
	},
});
