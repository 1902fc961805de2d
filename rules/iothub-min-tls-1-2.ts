import { defineRule } from '../server/src/analysis/rule';
import { checkSecureProperty } from './support/secure-property';

// TLS versions newer than 1.2 are accepted too (a 1.3 floor is stricter, not weaker).
const secure = (v: unknown) => typeof v === 'string' && /^1\.[2-9]$/.test(v.trim());

export default defineRule({
	id: 'iothub-min-tls-1-2',
	mcsb: 'DP-3',
	title: 'IoT Hub should reject TLS versions older than 1.2',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		tlsTooLow: "DP-3: IoT Hub '{{name}}' allows TLS older than 1.2 (minTlsVersion: {{actual}}). Set properties.minTlsVersion to '1.2'.",
		tlsMissing: "DP-3: IoT Hub '{{name}}' does not set properties.minTlsVersion, so clients may connect with TLS 1.0 or 1.1. Set properties.minTlsVersion to '1.2'.",
		apiTooOld: "DP-3: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.minTlsVersion. Raise apiVersion to {{version}} and set properties.minTlsVersion to '1.2'.",
	},
	check(ctx) {
		// minTlsVersion is fixed at creation, so the fix stays a suggestion and its title says so.
		checkSecureProperty(ctx, {
			path: 'properties.minTlsVersion',
			secureValue: '1.2',
			isSecure: secure,
			messages: { insecure: 'tlsTooLow', missing: 'tlsMissing', apiTooOld: 'apiTooOld' },
			fixTitle: "Set minTlsVersion to '1.2' (settable only when the hub is created)",
		});
	},
});
