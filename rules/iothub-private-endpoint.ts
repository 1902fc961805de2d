import { defineRule } from '../server/src/analysis/rule';
import { checkPrivateEndpoint } from './support/private-endpoints';

export default defineRule({
	id: 'iothub-private-endpoint',
	mcsb: 'NS-2',
	title: 'IoT Hub should be reached through a private endpoint',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	// The fix adds a resource and a required parameter: deployments must then pass a subnet id.
	fix: 'suggestion',
	messages: {
		missing:
			"NS-2: IoT Hub '{{name}}' has no private endpoint in this deployment, so devices and services reach it only over its public endpoint. Add a Microsoft.Network/privateEndpoints whose privateLinkServiceConnections[].properties.privateLinkServiceId is the hub's id with groupIds ['{{groupId}}'].",
		wrongGroupId:
			"NS-2: Private endpoint '{{pe}}' targets IoT Hub '{{name}}' with groupIds {{groups}}, which does not include '{{groupId}}', so it does not connect to the hub. Set properties.groupIds to ['{{groupId}}'].",
	},
	check(ctx) {
		checkPrivateEndpoint(ctx, { kind: 'IoT Hub', messages: { missing: 'missing', wrongGroupId: 'wrongGroupId' } });
	},
});
