import { defineRule } from '../server/src/analysis/rule';
import { checkSecureProperty } from './support/secure-property';

export default defineRule({
	id: 'iothub-disable-local-auth',
	mcsb: 'IM-1',
	title: 'IoT Hub should disable local (SAS) authentication for service APIs',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		localAuthInsecure: "IM-1: IoT Hub '{{name}}' allows hub-level shared access policies and SAS tokens (disableLocalAuth: {{actual}}). Set properties.disableLocalAuth to true and use Microsoft Entra ID for service APIs.",
		localAuthMissing: "IM-1: IoT Hub '{{name}}' does not set properties.disableLocalAuth, so hub-level shared access policies and SAS tokens are accepted by default. Set properties.disableLocalAuth to true and use Microsoft Entra ID for service APIs.",
		apiTooOld: "IM-1: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.disableLocalAuth, so hub-level SAS tokens stay enabled. Raise apiVersion to {{version}} and set properties.disableLocalAuth to true.",
	},
	check(ctx) {
		// Turning local auth off breaks every client that still uses a shared access policy (and Device
		// Update for IoT Hub, which needs it), so the fix stays a suggestion whose title says so.
		checkSecureProperty(ctx, {
			path: 'properties.disableLocalAuth',
			secureValue: true,
			messages: { insecure: 'localAuthInsecure', missing: 'localAuthMissing', apiTooOld: 'apiTooOld' },
			fixTitle: 'Set disableLocalAuth to true (SAS tokens stop working; Device Update for IoT Hub needs local auth)',
		});
	},
});
