import { knownApiVersions, newestStableApiVersion, supportsProperty } from '../server/src/analysis/api-versions';
import { defineRule } from '../server/src/analysis/rule';

const PATH = 'properties.encryption.keyVaultProperties';

/**
 * The preview apiVersion to name in the message: the declared version's own preview twin when it has
 * `encryption`, else the twin of the newest stable version, else the newest preview that has it.
 */
function previewWithEncryption(type: string, apiVersion: string | undefined): string | undefined {
	const versions = knownApiVersions(type).filter((v) => /-preview$/i.test(v) && supportsProperty(type, v, PATH) === true);
	const twin = (v: string | undefined) => (v ? versions.find((p) => p.toLowerCase() === `${v.toLowerCase()}-preview`) : undefined);
	return twin(apiVersion) ?? twin(newestStableApiVersion(type)) ?? versions.sort().pop();
}

export default defineRule({
	id: 'iothub-customer-managed-key',
	mcsb: 'DP-6',
	title: 'IoT Hub should encrypt data at rest with a customer-managed key',
	// Off by default: customer-managed keys exist only in preview apiVersions of IoT Hub.
	severity: 'off',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	// A key needs a Key Vault, a key and an identity with access to it: nothing a fix can invent.
	fix: 'none',
	messages: {
		cmkMissing: "DP-6: IoT Hub '{{name}}' does not set properties.encryption.keyVaultProperties, so data at rest is encrypted with Microsoft-managed keys. Add a Key Vault key to properties.encryption.keyVaultProperties (with properties.encryption.keySource 'Microsoft.KeyVault').",
		cmkEmpty: "DP-6: IoT Hub '{{name}}' has an empty properties.encryption.keyVaultProperties, so data at rest is encrypted with Microsoft-managed keys. Add a Key Vault key to properties.encryption.keyVaultProperties.",
		cmkApiStable: "DP-6: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which has no properties.encryption (customer-managed keys exist only in preview apiVersions), so data at rest is encrypted with Microsoft-managed keys. To use a customer-managed key, deploy with a preview apiVersion such as {{version}} and set properties.encryption.keyVaultProperties.",
	},
	check(ctx) {
		const { resource } = ctx;
		const data = { name: resource.name, apiVersion: resource.apiVersion ?? '?' };
		// Checked even when encryption is written: a version without the property does not apply it.
		if (supportsProperty(resource.type, resource.apiVersion, PATH) === false) {
			ctx.report({ messageId: 'cmkApiStable', data: { ...data, version: previewWithEncryption(resource.type, resource.apiVersion) ?? '?' } });
			return;
		}
		const keys = resource.get(PATH);
		if (!keys) {
			ctx.report({ messageId: 'cmkMissing', data });
			return;
		}
		if (!keys.known) {
			// Entries that are only partly known are still entries.
			if (keys.raw.kind === 'array' && keys.raw.items.length > 0) return;
			ctx.unknown(keys);
			return;
		}
		if (Array.isArray(keys.value) && keys.value.length > 0) return;
		ctx.report({ messageId: 'cmkEmpty', node: keys, data });
	},
});
