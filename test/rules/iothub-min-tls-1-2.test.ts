import rule from '../../rules/iothub-min-tls-1-2';
import { ruleTester } from '../support/rule-tester';
import { armHub } from '../support/templates';

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ minTlsVersion: '"1.2"' }) },
		{ name: 'TLS 1.3 is stricter, not weaker', arm: armHub({ minTlsVersion: '"1.3"' }) },
		{ name: 'from a parameter default', arm: armHub({ minTlsVersion: `"[parameters('tls')]"` }, { parameters: ['"tls": { "type": "string", "defaultValue": "1.2" }'] }) },
		{ name: 'parameter without default is unknown: silent', arm: armHub({ minTlsVersion: `"[parameters('tls')]"` }, { parameters: ['"tls": { "type": "string" }'] }) },
		{ name: 'allowedValues admit only secure values', arm: armHub({ minTlsVersion: `"[parameters('tls')]"` }, { parameters: ['"tls": { "type": "string", "allowedValues": ["1.2"] }'] }) },
	],
	invalid: [
		{
			arm: armHub({ minTlsVersion: '"1.0"' }),
			errors: [{
				messageId: 'tlsTooLow',
				message: "DP-3: IoT Hub 'contoso-hub' allows TLS older than 1.2 (minTlsVersion: '1.0'). Set properties.minTlsVersion to '1.2'.",
				text: '"1.0"',
				line: 12,
				column: 26,
				suggestions: [{
					title: "Set minTlsVersion to '1.2' (settable only when the hub is created)",
					output: armHub({ minTlsVersion: '"1.2"' }),
				}],
			}],
		},
		{
			name: 'missing property: reported on the type, fix inserts it',
			arm: armHub({ publicNetworkAccess: '"Disabled"' }),
			errors: [{
				messageId: 'tlsMissing',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ output: armHub({ publicNetworkAccess: '"Disabled"', minTlsVersion: '"1.2"' }) }],
			}],
		},
		{
			name: 'insecure parameter default: related information and fix at the default',
			arm: armHub({ minTlsVersion: `"[parameters('tls')]"` }, { parameters: ['"tls": { "type": "string", "defaultValue": "1.1" }'] }),
			errors: [{
				messageId: 'tlsTooLow',
				text: `"[parameters('tls')]"`,
				related: ['"1.1"'],
				suggestions: [{ output: armHub({ minTlsVersion: `"[parameters('tls')]"` }, { parameters: ['"tls": { "type": "string", "defaultValue": "1.2" }'] }) }],
			}],
		},
		{
			name: 'apiVersion too old: fix raises it',
			arm: armHub({}, { apiVersion: '2018-04-01' }),
			errors: [{
				messageId: 'apiTooOld',
				suggestions: [{
					title: "Set minTlsVersion to '1.2' (settable only when the hub is created) (raises apiVersion to 2023-06-30)",
					output: armHub({ minTlsVersion: '"1.2"' }, { apiVersion: '2023-06-30' }),
				}],
			}],
		},
	],
});
