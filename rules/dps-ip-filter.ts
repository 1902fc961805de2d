import { defineRule, lookup, type Prop } from '../server/src/analysis/rule';
import type { Location } from '../server/src/analysis/types';
import { display } from './support/secure-property';

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);
const isOpenMask = (v: unknown) => typeof v === 'string' && v.replace(/\s+/g, '') === '0.0.0.0/0';

function within(loc: Location, outer: Location): boolean {
	return loc.uri === outer.uri && loc.span.start >= outer.span.start && loc.span.end <= outer.span.end;
}

export default defineRule({
	id: 'dps-ip-filter',
	mcsb: 'NS-2',
	title: 'Device Provisioning Service IP filter rules should not accept every address',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/provisioningServices'],
	// Which ranges devices use is not something a fix can know.
	fix: 'none',
	messages: {
		openIpFilterRule:
			"NS-2: DPS '{{name}}' has an IP filter rule {{filter}}that accepts every IPv4 address (properties.ipFilterRules[{{index}}]: action {{action}}, ipMask {{mask}}{{target}}). Remove the rule or narrow its ipMask to the device address ranges.",
	},
	check(ctx) {
		const { resource } = ctx;
		const list = resource.get('properties.ipFilterRules');
		if (!list) return;
		if (list.raw.kind === 'unknown') {
			ctx.unknown(list);
			return;
		}
		if (list.raw.kind !== 'array') return;
		list.raw.items.forEach((item, index) => {
			const get = (p: string): Prop | undefined => lookup(item, p, resource.resource.site);
			if (item.kind === 'unknown') {
				ctx.unknown({ path: `properties.ipFilterRules[${index}]`, raw: item, value: undefined, known: false, site: list.site, origin: item.origin });
				return;
			}
			const action = get('action');
			const mask = get('ipMask');
			if (!action || !mask) return;
			if (!mask.known || !action.known) {
				// Only a rule that could be an open Accept is worth a "cannot verify".
				const maybeOpen = (!mask.known || isOpenMask(mask.value)) && (!action.known || lower(action.value) === 'accept');
				if (maybeOpen) ctx.unknown({ ...(mask.known ? action : mask), path: `properties.ipFilterRules[${index}].${mask.known ? 'action' : 'ipMask'}` });
				return;
			}
			if (lower(action.value) !== 'accept' || !isOpenMask(mask.value)) return;
			const filterName = get('filterName');
			const target = get('target');
			const data = {
				name: resource.name,
				index,
				filter: typeof filterName?.value === 'string' ? `'${filterName.value}' ` : '',
				action: display(action.value),
				mask: display(mask.value),
				target: typeof target?.value === 'string' ? `, target ${display(target.value)}` : '',
			};
			const o = item.origin;
			if (o && within(o, resource.resource.site)) ctx.report({ messageId: 'openIpFilterRule', node: { uri: o.uri, span: o.span }, data });
			// Written in a parameter default, parameter file or variable: shown at the list, pointing at the entry.
			else ctx.report({ messageId: 'openIpFilterRule', node: { ...list, origin: o ?? list.origin }, data });
		});
	},
});
