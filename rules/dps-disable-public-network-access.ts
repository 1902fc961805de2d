import { defineRule } from '../server/src/analysis/rule';
import { checkSecureProperty } from './support/secure-property';

export default defineRule({
	id: 'dps-disable-public-network-access',
	mcsb: 'NS-2',
	title: 'Device Provisioning Service should disable public network access',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/provisioningServices'],
	fix: 'suggestion',
	messages: {
		publicEnabled: "NS-2: DPS '{{name}}' allows public network access (publicNetworkAccess: {{actual}}). Set properties.publicNetworkAccess to 'Disabled' and reach the DPS through a private endpoint.",
		publicDefault: "NS-2: DPS '{{name}}' does not set properties.publicNetworkAccess, so public network access is enabled by default. Set properties.publicNetworkAccess to 'Disabled' and reach the DPS through a private endpoint.",
		apiTooOld: "NS-2: DPS '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.publicNetworkAccess, so public network access stays enabled. Raise apiVersion to {{version}} and set properties.publicNetworkAccess to 'Disabled'.",
	},
	check(ctx) {
		checkSecureProperty(ctx, {
			path: 'properties.publicNetworkAccess',
			secureValue: 'Disabled',
			messages: { insecure: 'publicEnabled', missing: 'publicDefault', apiTooOld: 'apiTooOld' },
			fixTitle: "Set publicNetworkAccess to 'Disabled' (devices then need a private endpoint to provision)",
		});
	},
});
