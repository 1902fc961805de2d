import { newestStableWith, supportsProperty } from '../server/src/analysis/api-versions';
import { defineRule } from '../server/src/analysis/rule';
import { allowedValuesAllSecure, display } from './support/secure-property';

const PATH = 'properties.restrictOutboundNetworkAccess';
const LIST = 'properties.allowedFqdnList';

export default defineRule({
	id: 'iothub-restrict-outbound',
	mcsb: 'NS-2',
	title: 'IoT Hub should restrict outbound network access to an allow-list of FQDNs',
	severity: 'info',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	// Which destinations the hub must reach (routing endpoints, file upload storage, Event Grid) is
	// something only the author knows, so there is no fix.
	fix: 'none',
	messages: {
		outboundInsecure: "NS-2: IoT Hub '{{name}}' does not restrict outbound network access (restrictOutboundNetworkAccess: {{actual}}). Set properties.restrictOutboundNetworkAccess to true and list the destinations the hub may reach in properties.allowedFqdnList.",
		outboundMissing: "NS-2: IoT Hub '{{name}}' does not set properties.restrictOutboundNetworkAccess, so the hub may send data to any destination by default. Set properties.restrictOutboundNetworkAccess to true and list the destinations the hub may reach in properties.allowedFqdnList.",
		fqdnListEmpty: "NS-2: IoT Hub '{{name}}' restricts outbound network access but properties.allowedFqdnList is empty, so routing endpoints, file upload and other egress are blocked. List the FQDNs the hub may reach in properties.allowedFqdnList.",
		fqdnListMissing: "NS-2: IoT Hub '{{name}}' restricts outbound network access but does not set properties.allowedFqdnList, so routing endpoints, file upload and other egress are blocked. List the FQDNs the hub may reach in properties.allowedFqdnList.",
		apiTooOld: "NS-2: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set properties.restrictOutboundNetworkAccess, so outbound network access stays unrestricted. Raise apiVersion to {{version}}, set properties.restrictOutboundNetworkAccess to true and list the allowed FQDNs in properties.allowedFqdnList.",
	},
	check(ctx) {
		const { resource } = ctx;
		const data = { name: resource.name, apiVersion: resource.apiVersion ?? '?' };
		const restrict = resource.get(PATH);
		if (!restrict) {
			if (supportsProperty(resource.type, resource.apiVersion, PATH) === false) {
				ctx.report({ messageId: 'apiTooOld', data: { ...data, version: newestStableWith(resource.type, [PATH, LIST]) ?? '?' } });
				return;
			}
			ctx.report({ messageId: 'outboundMissing', data });
			return;
		}
		if (!restrict.known) {
			// Only when every allowed value restricts egress is the allow-list worth checking.
			if (!allowedValuesAllSecure(ctx, restrict, (v) => v === true)) {
				ctx.unknown(restrict);
				return;
			}
		} else if (restrict.value !== true) {
			ctx.report({ messageId: 'outboundInsecure', node: restrict, data: { ...data, actual: display(restrict.value) } });
			return;
		}
		const list = resource.get(LIST);
		if (!list) {
			ctx.report({ messageId: 'fqdnListMissing', data });
			return;
		}
		if (!list.known) {
			// A list with some unknown entries still has entries.
			if (list.raw.kind === 'array' && list.raw.items.length > 0) return;
			ctx.unknown(list);
			return;
		}
		if (Array.isArray(list.value) && list.value.length > 0) return;
		ctx.report({ messageId: 'fqdnListEmpty', node: list, data });
	},
});
