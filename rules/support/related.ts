// Shared plumbing of the cross-resource rules: which other resources are deployed, how a "cannot verify" is
// reported about another resource's property, and whether a quick fix may insert a resource next to the hub.

import { lookup, member, type Prop, type ResourceView, type RuleContext } from '../../server/src/analysis/rule';
import type { Location, Resource, Value } from '../../server/src/analysis/types';
import { externalDeployments, mentions, type Verdict } from './references';

/** Deployed resources of a type (case-insensitive): not `existing`, condition not known false. */
export function deployedOfType(ctx: RuleContext, ...types: string[]): ResourceView[] {
	if (types.length === 1) return ctx.ofType(types[0]).filter((v) => isDeployed(v.resource) !== 'no');
	const wanted = new Set(types.map((t) => t.toLowerCase()));
	return ctx.resources.filter((v) => wanted.has(v.typeKey) && isDeployed(v.resource) !== 'no');
}

/** 'unknown' when the resource's condition is known only at deployment. */
export function isDeployed(r: Resource): Verdict {
	if (r.existing) return 'no';
	const c = r.condition;
	if (!c) return 'yes';
	if (c.kind === 'boolean') return c.value ? 'yes' : 'no';
	return 'unknown';
}

/** The weaker of two verdicts (a covering resource that may not be deployed covers only maybe). */
export function both(a: Verdict, b: Verdict): Verdict {
	if (a === 'no' || b === 'no') return 'no';
	if (a === 'unknown' || b === 'unknown') return 'unknown';
	return 'yes';
}

/** A property of another resource, named for "cannot verify" messages (`private endpoint 'pe' properties.x`). */
export function named(prop: Prop, view: ResourceView, kind: string, path: string): Prop {
	return { ...prop, path: `${kind} '${view.name}' ${path}` };
}

/** An element of an array property of another resource, with its own path (`x[0]`). */
export interface Item {
	path: string;
	value: Value;
	get(path: string): Prop | undefined;
}

/** The elements of an array property; `unknown` is the property itself when it is known only at deployment. */
export function itemsOf(view: ResourceView, path: string): { items: Item[]; unknown?: Prop } {
	const prop = view.get(path);
	if (!prop) {
		// An ARM property loop (`"copy": [{ "name": "logs", "count": ..., "input": ... }]`, what Bicep makes of
		// `logs: [for ...]`) builds the array at deployment.
		const dot = path.lastIndexOf('.');
		const key = path.slice(dot + 1).toLowerCase();
		const copy = dot > 0 ? view.get(`${path.slice(0, dot)}.copy`) : undefined;
		const loop = copy?.raw.kind === 'array' && copy.raw.items.some((i) => {
			const n = member(i, 'name');
			return n?.kind === 'string' && n.value.toLowerCase() === key;
		});
		if (copy && loop) return { items: [], unknown: { ...copy, path, raw: { kind: 'unknown', reason: `${path} is built by a copy loop at deployment` }, known: false, value: undefined } };
		return { items: [] };
	}
	if (prop.raw.kind === 'unknown') return { items: [], unknown: prop };
	if (prop.raw.kind !== 'array') return { items: [] };
	const items = prop.raw.items.map((value, i) => ({
		path: `${path}[${i}]`,
		value,
		get: (p: string) => lookup(value, p, view.resource.site),
	}));
	return { items };
}

/**
 * Deployments whose template is not analysed (ARM linked templates, Bicep registry modules) and that are given
 * the target: they may create what we look for, so the result is "cannot verify" rather than a finding.
 */
export function externalCandidates(ctx: RuleContext): Prop[] {
	const out: Prop[] = [];
	const unknown = (site: Location, what: string): Prop => ({ path: what, raw: { kind: 'unknown', reason: 'it is given to a template that is not analysed' }, value: undefined, known: false, site });
	for (const { view, args } of externalDeployments(ctx)) {
		if (isDeployed(view.resource) === 'no' || mentions(args, ctx.resource) === 'no') continue;
		out.push(unknown((view.get('properties.templateLink') ?? view.get('properties'))?.site ?? view.node, `deployment '${view.name}'`));
	}
	for (const d of ctx.template.externalDeployments ?? []) {
		const c = d.condition;
		if (c?.kind === 'boolean' && !c.value) continue;
		if (mentions(d.parameters, ctx.resource) === 'no') continue;
		out.push(unknown(d.site, `module '${d.target}'`));
	}
	return out;
}

/**
 * Can a resource be inserted next to the finding's resource? Only for a resource declared at the top level of
 * the analysed document, deployed once and unconditionally (a new resource would otherwise need the same
 * loop or condition, which a fix should not guess).
 */
export function canInsertNextTo(ctx: RuleContext): boolean {
	const r = ctx.resource.resource;
	if (r.site.uri !== ctx.template.uri || r.inLoop || r.via?.length) return false;
	if (r.condition && !(r.condition.kind === 'boolean' && r.condition.value)) return false;
	return r.format !== 'json' || r.jsonPath?.length === 2;
}

/** A free camelCase symbol prefix from the resource's symbolic name (Bicep) or a default. */
export function symbolBase(view: ResourceView, fallback: string): string {
	const s = view.resource.symbolicName;
	return s && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : fallback;
}
