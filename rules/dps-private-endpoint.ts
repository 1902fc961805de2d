import { defineRule } from '../server/src/analysis/rule';
import { checkPrivateEndpoint } from './support/private-endpoints';

export default defineRule({
	id: 'dps-private-endpoint',
	mcsb: 'NS-2',
	title: 'Device Provisioning Service should be reached through a private endpoint',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/provisioningServices'],
	// The fix adds a resource and a required parameter: deployments must then pass a subnet id.
	fix: 'suggestion',
	messages: {
		missing:
			"NS-2: DPS '{{name}}' has no private endpoint in this deployment, so devices reach it only over its public endpoint. Add a Microsoft.Network/privateEndpoints whose privateLinkServiceConnections[].properties.privateLinkServiceId is the DPS id with groupIds ['{{groupId}}'].",
		wrongGroupId:
			"NS-2: Private endpoint '{{pe}}' targets DPS '{{name}}' with groupIds {{groups}}, which does not include '{{groupId}}', so it does not connect to the DPS. Set properties.groupIds to ['{{groupId}}'].",
	},
	check(ctx) {
		checkPrivateEndpoint(ctx, { kind: 'DPS', messages: { missing: 'missing', wrongGroupId: 'wrongGroupId' } });
	},
});
