import { lookup, member, type Prop, type RuleContext } from '../../server/src/analysis/rule';
import type { Location, Value } from '../../server/src/analysis/types';

/** One element of an array property (or one member of a map property) of the resource, as rules see it. */
export interface HubEntry {
	/** The group key as written, e.g. `eventHubs`, `$default`, `authorizationPolicies`. */
	key: string;
	/** Array index; undefined for map members (`storageEndpoints.$default`). */
	index?: number;
	/** For messages: `properties.routing.endpoints.eventHubs[0]`, `properties.storageEndpoints.$default`. */
	path: string;
	/** For edit intents (numeric segments index arrays): `properties.routing.endpoints.eventHubs.0`. */
	editPath: string;
	value: Extract<Value, { kind: 'object' }>;
	/** The entry's `name` / `keyName` when known, else `#<index>` or the map key. */
	label: string;
	/** Where findings about the whole entry go: its `name` value, else the entry itself. */
	site: Location;
	/** Look a member of the entry up (case-insensitive, dotted). */
	get(path: string): Prop | undefined;
}

/** The routing endpoint arrays under `properties.routing.endpoints`, in catalog order. */
export const routingEndpointKinds = ['eventHubs', 'serviceBusQueues', 'serviceBusTopics', 'storageContainers', 'cosmosDBSqlContainers', 'cosmosDBSqlCollections'] as const;
export type RoutingEndpointKind = (typeof routingEndpointKinds)[number];

function within(loc: Location, outer: Location): boolean {
	return loc.uri === outer.uri && loc.span.start >= outer.span.start && loc.span.end <= outer.span.end;
}

function entryOf(container: Prop, value: Value, key: string, index: number | undefined, basePath: string, labelKeys: string[]): HubEntry | undefined {
	if (value.kind !== 'object') return undefined;
	const path = index === undefined ? `${basePath}.${key}` : `${basePath}[${index}]`;
	const editPath = index === undefined ? `${basePath}.${key}` : `${basePath}.${index}`;
	// An entry written in the resource is shown where it is; one that comes from a parameter default is
	// shown at the place the resource refers to it.
	const o = value.origin;
	const own: Location = o && within({ uri: o.uri, span: o.span }, container.site) ? { uri: o.uri, span: o.span } : container.site;
	const get = (p: string) => lookup(value, p, own);
	let label = index === undefined ? key : `#${index}`;
	let site = own;
	for (const k of labelKeys) {
		const named = get(k);
		if (named && typeof named.value === 'string' && named.value.trim() !== '') {
			label = named.value;
			site = named.site;
			break;
		}
	}
	return { key, index, path, editPath, value, label, site, get };
}

export interface EntryScan {
	entries: HubEntry[];
	/** Containers or elements whose value is known only at deployment ("cannot verify"). */
	unknown: Prop[];
}

/** The elements of an array property, e.g. `properties.authorizationPolicies`. */
export function arrayEntries(ctx: RuleContext, path: string, labelKeys: string[] = ['name']): EntryScan {
	const out: EntryScan = { entries: [], unknown: [] };
	const prop = ctx.resource.get(path);
	if (!prop) return out;
	if (prop.raw.kind === 'unknown') {
		out.unknown.push(prop);
		return out;
	}
	if (prop.raw.kind !== 'array') return out;
	prop.raw.items.forEach((item, i) => {
		if (item.kind === 'unknown') {
			out.unknown.push({ path: `${path}[${i}]`, raw: item, value: undefined, known: false, site: prop.site, origin: item.origin });
			return;
		}
		const entry = entryOf(prop, item, lastSegment(path), i, path, labelKeys);
		if (entry) out.entries.push(entry);
	});
	return out;
}

/** The members of a map property, e.g. `properties.storageEndpoints` (`$default`). */
export function mapEntries(ctx: RuleContext, path: string): EntryScan {
	const out: EntryScan = { entries: [], unknown: [] };
	const prop = ctx.resource.get(path);
	if (!prop) return out;
	if (prop.raw.kind === 'unknown') {
		out.unknown.push(prop);
		return out;
	}
	if (prop.raw.kind !== 'object') return out;
	for (const e of prop.raw.entries.values()) {
		if (e.value.kind === 'unknown') {
			out.unknown.push({ path: `${path}.${e.key}`, raw: e.value, value: undefined, known: false, site: prop.site, origin: e.value.origin });
			continue;
		}
		const entry = entryOf(prop, e.value, e.key, undefined, path, []);
		if (entry) out.entries.push(entry);
	}
	return out;
}

/** Every custom routing endpoint of the hub, with its kind (read once per hub, shared by the rules). */
export function routingEndpoints(ctx: RuleContext): { entries: (HubEntry & { kind: RoutingEndpointKind })[]; unknown: Prop[] } {
	return ctx.resource.memo('routingEndpoints', () => readRoutingEndpoints(ctx));
}

function readRoutingEndpoints(ctx: RuleContext): { entries: (HubEntry & { kind: RoutingEndpointKind })[]; unknown: Prop[] } {
	const out: { entries: (HubEntry & { kind: RoutingEndpointKind })[]; unknown: Prop[] } = { entries: [], unknown: [] };
	const endpoints = ctx.resource.get('properties.routing.endpoints');
	if (!endpoints) return out;
	if (endpoints.raw.kind === 'unknown') {
		out.unknown.push(endpoints);
		return out;
	}
	for (const kind of routingEndpointKinds) {
		// The key as written, so messages and edits use the user's spelling.
		const written = endpoints.raw.kind === 'object' ? (endpoints.raw.entries.get(kind.toLowerCase())?.key ?? kind) : kind;
		if (!member(endpoints.raw, kind)) continue;
		const scan = arrayEntries(ctx, `properties.routing.endpoints.${written}`);
		out.entries.push(...scan.entries.map((e) => ({ ...e, kind })));
		out.unknown.push(...scan.unknown);
	}
	return out;
}

function lastSegment(path: string): string {
	return path.slice(path.lastIndexOf('.') + 1);
}

/** Text of a location, for heuristics on how a value is written (e.g. `listKeys(` in the expression). */
export function textAt(ctx: { template: { texts: Map<string, string> } }, loc: Location): string {
	return ctx.template.texts.get(loc.uri)?.slice(loc.span.start, loc.span.end) ?? '';
}
