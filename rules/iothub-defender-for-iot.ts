import { defineRule, type Prop } from '../server/src/analysis/rule';
import { refersTo, type Verdict } from './support/references';
import { both, deployedOfType, externalCandidates, isDeployed, itemsOf, named } from './support/related';

const disabled = (v: unknown) => typeof v === 'string' && v.trim().toLowerCase() === 'disabled';

export default defineRule({
	id: 'iothub-defender-for-iot',
	mcsb: 'LT-1',
	title: 'IoT Hub should be covered by Microsoft Defender for IoT',
	// Defender for IoT is billed per device and often enabled for the whole subscription outside templates.
	severity: 'off',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'none',
	messages: {
		notCovered:
			"LT-1: IoT Hub '{{name}}' is not covered by Microsoft Defender for IoT in this deployment. Add a Microsoft.Security/iotSecuritySolutions whose properties.iotHubs lists the hub's id and whose properties.status is 'Enabled', or enable Defender for IoT for the subscription.",
		solutionDisabled:
			"LT-1: IoT security solution '{{solution}}' lists IoT Hub '{{name}}' but is disabled (properties.status: {{status}}), so the hub's threats are not detected. Set properties.status to 'Enabled'.",
	},
	check(ctx) {
		const { resource } = ctx;
		const off: { prop: Prop; solution: string; status: string }[] = [];
		const unknown: Prop[] = [];
		for (const solution of deployedOfType(ctx, 'Microsoft.Security/iotSecuritySolutions')) {
			const hubs = itemsOf(solution, 'properties.iotHubs');
			if (hubs.unknown) unknown.push(named(hubs.unknown, solution, 'IoT security solution', 'properties.iotHubs'));
			let listed: Verdict = 'no';
			for (const item of hubs.items) {
				const v = refersTo(item.value, resource, solution.resource);
				if (v === 'yes') listed = 'yes';
				else if (v === 'unknown' && listed === 'no') listed = 'unknown';
			}
			listed = both(listed, isDeployed(solution.resource));
			if (listed === 'no') continue;
			// status defaults to Enabled.
			const status = solution.get('properties.status');
			if (status?.known && disabled(status.value)) {
				if (listed === 'yes') off.push({ prop: status, solution: solution.name, status: `'${String(status.value)}'` });
				continue;
			}
			if (status && !status.known) {
				unknown.push(named(status, solution, 'IoT security solution', 'properties.status'));
				continue;
			}
			if (listed === 'unknown') {
				const prop = solution.get('properties.iotHubs');
				if (prop) unknown.push(named(prop, solution, 'IoT security solution', 'properties.iotHubs'));
				continue;
			}
			return;
		}
		unknown.push(...externalCandidates(ctx));
		if (unknown.length > 0) {
			ctx.unknown(unknown[0]);
			return;
		}
		if (off.length > 0) {
			for (const o of off) ctx.report({ messageId: 'solutionDisabled', node: o.prop, data: { name: resource.name, solution: o.solution, status: o.status } });
			return;
		}
		ctx.report({ messageId: 'notCovered', data: { name: resource.name } });
	},
});
