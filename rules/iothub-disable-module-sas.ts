import { defineRule } from '../server/src/analysis/rule';
import { checkSecureProperty } from './support/secure-property';

export default defineRule({
	id: 'iothub-disable-module-sas',
	mcsb: 'IM-1',
	title: 'IoT Hub should disable module SAS keys',
	severity: 'info',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		moduleSasInsecure: "IM-1: IoT Hub '{{name}}' lets module identities authenticate with symmetric (SAS) keys (disableModuleSAS: {{actual}}). Set properties.disableModuleSAS to true so modules use X.509 certificates.",
		moduleSasMissing: "IM-1: IoT Hub '{{name}}' does not set properties.disableModuleSAS, so module identities may authenticate with symmetric (SAS) keys by default. Set properties.disableModuleSAS to true so modules use X.509 certificates.",
		apiTooOld: "IM-1: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.disableModuleSAS, so module SAS keys stay enabled. Raise apiVersion to {{version}} and set properties.disableModuleSAS to true.",
	},
	check(ctx) {
		// Modules that connect with symmetric keys are rejected afterwards: a suggestion, never automatic.
		checkSecureProperty(ctx, {
			path: 'properties.disableModuleSAS',
			secureValue: true,
			messages: { insecure: 'moduleSasInsecure', missing: 'moduleSasMissing', apiTooOld: 'apiTooOld' },
			fixTitle: 'Set disableModuleSAS to true (modules must then authenticate with X.509 certificates)',
		});
	},
});
