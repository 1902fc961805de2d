import { defineRule } from '../server/src/analysis/rule';
import { checkSecureProperty } from './support/secure-property';

export default defineRule({
	id: 'iothub-disable-device-sas',
	mcsb: 'IM-1',
	title: 'IoT Hub should disable device SAS keys so devices authenticate with X.509 certificates',
	severity: 'info',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		deviceSasInsecure: "IM-1: IoT Hub '{{name}}' lets devices authenticate with symmetric (SAS) keys (disableDeviceSAS: {{actual}}). Set properties.disableDeviceSAS to true so devices use X.509 certificates.",
		deviceSasMissing: "IM-1: IoT Hub '{{name}}' does not set properties.disableDeviceSAS, so devices may authenticate with symmetric (SAS) keys by default. Set properties.disableDeviceSAS to true so devices use X.509 certificates.",
		apiTooOld: "IM-1: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.disableDeviceSAS, so device SAS keys stay enabled. Raise apiVersion to {{version}} and set properties.disableDeviceSAS to true.",
	},
	check(ctx) {
		// Devices that connect with symmetric keys are rejected afterwards: a suggestion, never automatic.
		checkSecureProperty(ctx, {
			path: 'properties.disableDeviceSAS',
			secureValue: true,
			messages: { insecure: 'deviceSasInsecure', missing: 'deviceSasMissing', apiTooOld: 'apiTooOld' },
			fixTitle: 'Set disableDeviceSAS to true (devices must then authenticate with X.509 certificates)',
		});
	},
});
