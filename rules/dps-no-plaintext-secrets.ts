import { defineRule } from '../server/src/analysis/rule';
import { arrayEntries } from './support/hub-entries';
import { checkSecret } from './support/plaintext-secrets';

export default defineRule({
	id: 'dps-no-plaintext-secrets',
	mcsb: 'IM-8',
	title: 'Device Provisioning Service hub connection strings should not be written in the template or passed in plain parameters',
	severity: 'error',
	resourceTypes: ['Microsoft.Devices/provisioningServices'],
	fix: 'suggestion',
	messages: {
		literalSecret:
			"IM-8: DPS '{{name}}' {{path}} ({{where}}) is a literal secret{{variable}}. Anyone who can read the template or its deployment history can use it: build it at deployment time from the hub's keys (listKeys()), or move it to a secure parameter (securestring / @secure()) fed from Key Vault.",
		nonSecureParameter:
			"IM-8: DPS '{{name}}' {{path}} ({{where}}) takes a secret from parameter '{{parameter}}', which is not secure, so the value is shown in the deployment history{{kept}}. Declare '{{parameter}}' as securestring (Bicep: @secure()) and pass the value from a Key Vault reference, or build the connection string with listKeys().",
	},
	check(ctx) {
		const hubs = arrayEntries(ctx, 'properties.iotHubs', ['name']);
		for (const entry of hubs.entries) {
			const prop = entry.get('connectionString');
			if (!prop) continue;
			checkSecret(ctx, { ...prop, path: `${entry.path}.connectionString` }, 'connectionString', `linked IoT hub ${entry.label}`);
		}
		for (const prop of hubs.unknown) ctx.unknown(prop);
	},
});
