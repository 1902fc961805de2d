import { defineRule, type RuleContext } from '../server/src/analysis/rule';
import { arrayEntries, mapEntries, routingEndpoints, type HubEntry } from './support/hub-entries';
import { checkSecret } from './support/plaintext-secrets';

function checkEntry(ctx: RuleContext, entry: HubEntry, properties: string[], where: string): void {
	for (const property of properties) {
		const prop = entry.get(property);
		if (!prop) continue;
		checkSecret(ctx, { ...prop, path: `${entry.path}.${prop.path}` }, property, where);
	}
}

export default defineRule({
	id: 'iothub-no-plaintext-secrets',
	mcsb: 'IM-8',
	title: 'IoT Hub connection strings and keys should not be written in the template or passed in plain parameters',
	severity: 'error',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		literalSecret:
			"IM-8: IoT Hub '{{name}}' {{path}} ({{where}}) is a literal secret{{variable}}. Anyone who can read the template or its deployment history can use it: move it to a secure parameter (securestring / @secure()) or a Key Vault reference, or build it at deployment time with listKeys().",
		nonSecureParameter:
			"IM-8: IoT Hub '{{name}}' {{path}} ({{where}}) takes a secret from parameter '{{parameter}}', which is not secure, so the value is shown in the deployment history{{kept}}. Declare '{{parameter}}' as securestring (Bicep: @secure()) and pass the value from a Key Vault reference.",
	},
	check(ctx) {
		const routing = routingEndpoints(ctx);
		for (const entry of routing.entries) checkEntry(ctx, entry, ['connectionString', 'primaryKey', 'secondaryKey'], `routing endpoint '${entry.label}'`);
		const storage = mapEntries(ctx, 'properties.storageEndpoints');
		for (const entry of storage.entries) checkEntry(ctx, entry, ['connectionString'], `storage endpoint '${entry.label}'`);
		const policies = arrayEntries(ctx, 'properties.authorizationPolicies', ['keyName']);
		for (const entry of policies.entries) checkEntry(ctx, entry, ['primaryKey', 'secondaryKey'], `shared access policy '${entry.label}'`);
		// Containers known only at deployment (a whole endpoints array from a parameter with no value).
		for (const prop of [...routing.unknown, ...storage.unknown, ...policies.unknown]) ctx.unknown(prop);
	},
});
