import { newestStableWith, supportsProperty } from '../../server/src/analysis/api-versions';
import type { JsonValue, Suggestion } from '../../server/src/analysis/findings';
import { raiseApiVersion, setProperty, toPlain, type Prop, type RuleContext } from '../../server/src/analysis/rule';

export interface SecurePropertySpec {
	/** Dotted property path, e.g. `properties.minTlsVersion`. */
	path: string;
	/** The value the fix writes. */
	secureValue: JsonValue;
	/** Is a known value secure? Strings compare case-insensitively by default. */
	isSecure?(value: unknown): boolean;
	/** Message ids: set to an insecure value / missing (service default) / apiVersion too old. */
	messages: { insecure: string; missing: string; apiTooOld: string };
	/** Quick-fix title; tells the consequence for live resources. */
	fixTitle: string;
	/** Extra data for the messages. */
	data?: Record<string, string>;
}

function sameValue(a: unknown, b: JsonValue): boolean {
	if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
	return a === b;
}

/**
 * The shared shape of "this property must hold the secure value" rules: a missing property means
 * the (insecure) service default; an unknown value stays silent unless all allowed values are secure
 * or the user opted in to "cannot verify" reports; an apiVersion that cannot express the setting is
 * said so, and the fix raises it.
 */
export function checkSecureProperty(ctx: RuleContext, spec: SecurePropertySpec): void {
	const { resource } = ctx;
	const isSecure = spec.isSecure ?? ((v: unknown) => sameValue(v, spec.secureValue));
	const prop = resource.get(spec.path);
	const data = { name: resource.name, path: spec.path, secure: JSON.stringify(spec.secureValue).replace(/"/g, "'"), apiVersion: resource.apiVersion ?? '?', ...spec.data };
	if (!prop) {
		const supported = supportsProperty(resource.type, resource.apiVersion, spec.path);
		if (supported === false) {
			const version = newestStableWith(resource.type, [spec.path]);
			ctx.report({
				messageId: spec.messages.apiTooOld,
				data: { ...data, version: version ?? '?' },
				suggest: version ? [{ title: `${spec.fixTitle} (raises apiVersion to ${version})`, edit: [raiseApiVersion(version), setProperty(spec.path, spec.secureValue)] }] : [],
			});
			return;
		}
		ctx.report({ messageId: spec.messages.missing, data, suggest: [fix(spec)] });
		return;
	}
	if (!prop.known) {
		if (allowedValuesAllSecure(ctx, prop, isSecure)) return;
		ctx.unknown(prop);
		return;
	}
	if (isSecure(prop.value)) return;
	ctx.report({ messageId: spec.messages.insecure, node: prop, data: { ...data, actual: display(prop.value) }, suggest: [fix(spec)] });
}

function fix(spec: SecurePropertySpec): Suggestion {
	return { title: spec.fixTitle, edit: setProperty(spec.path, spec.secureValue) };
}

export function display(v: unknown): string {
	return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

/** `allowedValues` / `@allowed` that admit only secure values make an unknown parameter value secure. */
export function allowedValuesAllSecure(ctx: RuleContext, prop: Prop, isSecure: (v: unknown) => boolean): boolean {
	const o = prop.raw.origin;
	if (!o?.name || (o.source !== 'parameterDefault' && o.source !== 'parameterFile')) return false;
	const param = ctx.template.parameters.get(o.name.toLowerCase());
	const allowed = param?.allowedValues;
	if (!allowed || allowed.length === 0) return false;
	return allowed.every((a) => {
		const v = toPlain(a);
		return v !== undefined && isSecure(v);
	});
}
