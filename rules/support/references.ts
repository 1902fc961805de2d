// "Does this resource target that hub?" for the cross-resource rules (private endpoints, diagnostic settings,
// Defender for IoT, role assignments). Identities are compared after evaluation, never as text: a resource id
// built by resourceId() (with or without subscription and group), a Bicep `hub.id` or `scope: hub`, the
// provider-relative form ARM uses for `scope`, the old nested `hub/Microsoft.Insights/x` names, `parent:` and
// ARM child resources all end up as the same identity. What cannot be evaluated is `unknown`: neither a pass
// nor a finding.

import { trimTrailingSlashes } from '../../server/src/analysis/arm/expression';
import { MAX_VALUE_SIZE, member, valueSize, type ResourceView, type RuleContext } from '../../server/src/analysis/rule';
import type { Resource, Template, Value } from '../../server/src/analysis/types';

export type Verdict = 'yes' | 'no' | 'unknown';

/** A resource identity: the provider path (`microsoft.devices/iothubs/contoso-hub`, lower-case) and its scope. */
export interface Identity {
	/** Subscription and resource group when written; placeholders and absent parts match any. */
	subscription?: string;
	resourceGroup?: string;
	path: string;
}

const PLACEHOLDER = /^\{[A-Za-z]+\}$/;

function scopePart(s: string | undefined): string | undefined {
	if (s === undefined || s === '' || PLACEHOLDER.test(s)) return undefined;
	return s.toLowerCase();
}

/**
 * Read a resource id: `/subscriptions/s/resourceGroups/g/providers/NS/type/name...`, `/subscriptions/s/providers/...`,
 * `/providers/...`, or the provider-relative `NS/type/name` ARM uses for `scope`. Undefined for anything else.
 */
export function parseResourceId(text: string): Identity | undefined {
	const s = trimTrailingSlashes(text.trim());
	let rest: string;
	let subscription: string | undefined;
	let resourceGroup: string | undefined;
	const full = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/(.+)$/i.exec(s);
	if (full) {
		subscription = scopePart(full[1]);
		resourceGroup = scopePart(full[2]);
		rest = full[3];
	} else if (/^\/providers\//i.test(s)) {
		rest = s.slice('/providers/'.length);
	} else if (/^[A-Za-z0-9]+\.[A-Za-z0-9.]+\/[^/]+\/[^/]+/.test(s)) {
		rest = s;
	} else {
		return undefined;
	}
	const segments = rest.split('/');
	// namespace, then type/name pairs.
	if (segments.length < 3 || segments.length % 2 !== 1 || segments.some((x) => x === '')) return undefined;
	return { subscription, resourceGroup, path: segments.join('/').toLowerCase() };
}

/** The provider path of a type and a full name: `NS/t1/n1/t2/n2`. Undefined when the segments do not match. */
function providerPath(type: string, name: string): string | undefined {
	const [namespace, ...types] = type.split('/');
	const names = name.split('/');
	if (!namespace || types.length === 0 || names.length !== types.length) return undefined;
	let path = namespace;
	for (let i = 0; i < types.length; i++) path += `/${types[i]}/${names[i]}`;
	return path.toLowerCase();
}

/** The identity of a declared resource, when its name is known. */
export function identityOf(resource: Resource): Identity | undefined {
	if (resource.inLoop || resource.name.kind !== 'string') return undefined;
	const path = providerPath(resource.type, resource.name.value);
	return path ? { path } : undefined;
}

export function sameIdentity(a: Identity, b: Identity): boolean {
	if (a.path !== b.path) return false;
	if (a.subscription && b.subscription && a.subscription !== b.subscription) return false;
	if (a.resourceGroup && b.resourceGroup && a.resourceGroup !== b.resourceGroup) return false;
	return true;
}

function sameDeclaration(a: Resource, b: Resource): boolean {
	return a.site.uri === b.site.uri && a.site.span.start === b.site.span.start && a.site.span.end === b.site.span.end;
}

/** `a` is declared inside `b`'s ARM JSON object (an ARM child in the parent's `resources`). */
function nestedIn(a: Resource, b: Resource): boolean {
	return a.site.uri === b.site.uri && a.site.span.start > b.site.span.start && a.site.span.end < b.site.span.end && a.format === 'json';
}

/** The declared resource a languageVersion 2.0 symbolic reference names. */
function bySymbol(template: Template, uri: string, symbol: string): Resource | undefined {
	return template.resources.find((r) => r.symbolicName === symbol && r.site.uri === uri);
}

/**
 * Does an id-valued property (`privateLinkServiceId`, `scope`, an item of `iotHubs`) name `target`? A string that
 * is no resource id names nothing; a value known only at deployment, or a target whose own name is, is unknown.
 */
export function refersTo(value: Value | undefined, target: ResourceView, from?: Resource): Verdict {
	if (!value || value.kind === 'null') return 'no';
	if (value.kind === 'unknown') return 'unknown';
	if (value.kind !== 'string') return 'no';
	const id = parseResourceId(value.value);
	if (!id) {
		// languageVersion 2.0 may name a resource of the same template by its symbolic name.
		const sym = from && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value.value) ? bySymbol(target.template, from.site.uri, value.value) : undefined;
		if (!sym) return 'no';
		if (sameDeclaration(sym, target.resource)) return 'yes';
		return compare(identityOf(sym), target);
	}
	return compare(id, target);
}

function compare(id: Identity | undefined, target: ResourceView): Verdict {
	if (!id) return 'unknown';
	const own = identityOf(target.resource);
	if (!own) {
		// The target's name is known only at deployment: another type is still a clear "no".
		const type = target.type.toLowerCase();
		return id.path.startsWith(`${type}/`) && id.path.split('/').length === type.split('/').length * 2 - 1 ? 'unknown' : 'no';
	}
	return sameIdentity(id, own) ? 'yes' : 'no';
}

/**
 * Is `ext` an extension resource of `target` (diagnostic settings, role assignments)? Bicep `scope: hub`, ARM
 * `"scope"` (full or provider-relative id), or the old nested form: type `Microsoft.Devices/IotHubs/providers/
 * diagnosticSettings` with name `hub/Microsoft.Insights/x`, possibly declared inside the hub's `resources`.
 */
export function extensionOf(ext: ResourceView, target: ResourceView): Verdict {
	const r = ext.resource;
	const type = r.type;
	const at = type.toLowerCase().indexOf('/providers/');
	if (at >= 0) {
		if (nestedIn(r, target.resource)) return 'yes';
		const baseType = type.slice(0, at);
		if (r.name.kind !== 'string') return baseType.toLowerCase() === target.type.toLowerCase() ? 'unknown' : 'no';
		const count = baseType.split('/').length - 1;
		const names = r.name.value.split('/');
		if (names.length < count) return 'no';
		const path = providerPath(baseType, names.slice(0, count).join('/'));
		return path ? compare({ path }, target) : 'no';
	}
	// No explicit scope: the deployment's resource group or subscription, not a resource.
	if (r.scope === undefined) return 'no';
	return refersTo(r.scope, target, r);
}

/** Is `child` (e.g. `Microsoft.Devices/IotHubs/privateEndpointConnections`) a child resource of `parent`? */
export function childOf(child: ResourceView, parent: ResourceView): Verdict {
	const c = child.resource;
	const p = parent.resource;
	const parentType = p.type.toLowerCase();
	const childType = c.type.toLowerCase();
	if (!childType.startsWith(`${parentType}/`) || childType.split('/').length !== parentType.split('/').length + 1) return 'no';
	// Bicep `parent: hub` or a nested declaration; ARM: declared in the hub's `resources`.
	if (c.parentSymbol !== undefined) {
		const declared = bySymbol(parent.template, c.site.uri, c.parentSymbol);
		if (declared && sameDeclaration(declared, p)) return 'yes';
	}
	if (nestedIn(c, p)) return 'yes';
	if (c.name.kind !== 'string') return 'unknown';
	const names = c.name.value.split('/');
	const path = providerPath(p.type, names.slice(0, -1).join('/'));
	return path ? compare({ path }, parent) : 'no';
}

/** Deployments whose template is not analysed (an ARM `templateLink`): what they are given may create anything. */
export function externalDeployments(ctx: Pick<RuleContext, 'ofType' | 'shared'>): { view: ResourceView; args: Value | undefined }[] {
	return ctx.shared('externalDeployments', () => linkedDeployments(ctx));
}

function linkedDeployments(ctx: Pick<RuleContext, 'ofType'>): { view: ResourceView; args: Value | undefined }[] {
	const out: { view: ResourceView; args: Value | undefined }[] = [];
	for (const view of ctx.ofType('Microsoft.Resources/deployments')) {
		if (view.resource.existing) continue;
		const props = member(view.resource.body, 'properties');
		if (member(props, 'template')) continue;
		if (!member(props, 'templateLink') && !member(props, 'templateSpecId')) continue;
		out.push({ view, args: member(props, 'parameters') });
	}
	return out;
}

/** Does a value (module arguments) mention `target`, by id or by name, anywhere inside? */
export function mentions(value: Value | undefined, target: ResourceView): Verdict {
	// Resource bodies are read lazily and not capped when built: a value too large to walk proves nothing.
	if (value && valueSize(value) > MAX_VALUE_SIZE) return 'unknown';
	const own = identityOf(target.resource);
	const name = target.resource.name.kind === 'string' ? target.resource.name.value.toLowerCase() : undefined;
	let unknown = false;
	const visit = (v: Value | undefined, depth: number): boolean => {
		if (!v || depth > 32) return false;
		switch (v.kind) {
			case 'string': {
				const s = v.value.toLowerCase();
				if (name !== undefined && (s === name || s.endsWith(`/${name}`))) return true;
				const id = parseResourceId(v.value);
				return !!(id && own && sameIdentity(id, own));
			}
			case 'unknown':
				unknown = true;
				return false;
			case 'array':
				return v.items.some((i) => visit(i, depth + 1));
			case 'object':
				for (const e of v.entries.values()) if (visit(e.value, depth + 1)) return true;
				return false;
			default:
				return false;
		}
	};
	if (visit(value, 0)) return 'yes';
	// With the target's own name unknown, nothing can be ruled out.
	return !own || unknown ? 'unknown' : 'no';
}
