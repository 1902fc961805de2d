import { defineRule } from '../server/src/analysis/rule';
import { checkDiagnosticLogs } from './support/diagnostic-settings';

export default defineRule({
	id: 'iothub-diagnostic-logs',
	mcsb: 'LT-4',
	title: 'IoT Hub resource logs should be collected by diagnostic settings',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	// The fix adds a resource (and, without a workspace in the template, a required parameter).
	fix: 'suggestion',
	messages: {
		noSettings:
			"LT-4: IoT Hub '{{name}}' has no diagnostic settings in this deployment, so its resource logs (connections, device identity operations, routes, file uploads...) are not kept. Add a Microsoft.Insights/diagnosticSettings scoped to the hub with a properties.logs entry for categoryGroup 'allLogs' (or 'audit') and a destination (workspaceId, storageAccountId or eventHubAuthorizationRuleId).",
		metricsOnly:
			"LT-4: Diagnostic setting '{{setting}}' of IoT Hub '{{name}}' collects {{what}}: properties.logs has no enabled log category or category group of the hub. Add a properties.logs entry with categoryGroup 'allLogs' and enabled: true.",
		noDestination:
			"LT-4: Diagnostic setting '{{setting}}' of IoT Hub '{{name}}' enables resource logs but sends them nowhere (none of properties.workspaceId, storageAccountId, eventHubAuthorizationRuleId is set). Set properties.workspaceId to a Log Analytics workspace, or send the logs to a storage account or event hub.",
	},
	check(ctx) {
		checkDiagnosticLogs(ctx, { kind: 'IoT Hub' });
	},
});
