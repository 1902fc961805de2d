// Secrets in secret-bearing properties (connection strings, keys): a literal in the template is an error, a
// value from a parameter that is not secure a warning; Key Vault references, secure parameters and list*()
// calls at deployment time are fine. Shared by iothub-no-plaintext-secrets and dps-no-plaintext-secrets so
// both read values the same way.

import type { Suggestion } from '../../server/src/analysis/findings';
import { markParameterSecure, type Prop, type RuleContext } from '../../server/src/analysis/rule';
import type { Parameter } from '../../server/src/analysis/types';
import { connectionStringSecrets } from './connection-strings';
import { textAt } from './hub-entries';

/** How a secret-bearing property gets its value. */
type Verdict =
	| { kind: 'safe' }
	| { kind: 'literal'; variable?: string }
	| { kind: 'parameters'; parameters: Parameter[] }
	| { kind: 'unknown' };

const SAFE: Verdict = { kind: 'safe' };

/** The secret text inside a value: the credential parts of a connection string, or a key as a whole. */
function secretsIn(property: string, text: string): string[] {
	if (property.toLowerCase() === 'connectionstring') return connectionStringSecrets(text);
	const trimmed = text.trim();
	return trimmed === '' ? [] : [trimmed];
}

/** Whether a parameter's value is (or contains) the secret; short values only count when equal. */
function carries(parameter: Parameter, secret: string): boolean {
	const v = parameter.value;
	if (!v || v.kind !== 'string' || v.value === '') return false;
	return v.value === secret || (secret.length >= 8 && v.value.includes(secret)) || (v.value.length >= 8 && secret.includes(v.value));
}

// A list*() call (ARM `listKeys(...)`, Bicep `x.listKeys()`) makes the secret at deployment time.
const runtimeCall = /\blist\w*\s*\(/i;

/** Whether `text` names `word` as a whole identifier (case-insensitive, as ARM names are). */
function mentions(text: string, word: string): boolean {
	const hay = text.toLowerCase();
	const needle = word.toLowerCase();
	if (needle === '') return false;
	const isWord = (c: string | undefined) => c !== undefined && /[a-z0-9_]/i.test(c);
	for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
		if (!isWord(hay[i - 1]) && !isWord(hay[i + needle.length])) return true;
	}
	return false;
}

function classify(ctx: RuleContext, prop: Prop, property: string): Verdict {
	const raw = prop.raw;
	const parameter = (name: string | undefined) => (name === undefined ? undefined : ctx.template.parameters.get(name.toLowerCase()));
	const o = raw.origin;
	if (raw.kind === 'unknown') {
		// A Key Vault reference in the parameter file or a value made at deployment (listKeys(), reference()).
		if (/Key Vault reference/i.test(raw.reason) || raw.reason.startsWith('runtime value')) return SAFE;
		const expression = textAt(ctx, prop.site);
		if (runtimeCall.test(expression)) return SAFE;
		// The first unknown part decides the reason; when the expression also uses a secure parameter, that
		// one is the likelier carrier of the secret (`concat('Endpoint=sb://', ns, ';SharedAccessKey=', key)`).
		if ([...ctx.template.parameters.values()].some((p) => p.secure && mentions(expression, p.name))) return SAFE;
		// A parameter with no value: the parameter itself, or one an expression depends on.
		let p = o?.name && (o.source === 'parameterDefault' || o.source === 'parameterFile') ? parameter(o.name) : undefined;
		if (!p) {
			// ARM: "depends on parameter 'x'"; Bicep: "parameter 'x' has no value".
			const m = /parameter '([^']+)'/.exec(raw.reason);
			p = parameter(m?.[1]);
		}
		if (p) return p.secure ? SAFE : { kind: 'parameters', parameters: [p] };
		return { kind: 'unknown' };
	}
	if (raw.kind !== 'string') return SAFE;
	const fromParameter = o && (o.source === 'parameterDefault' || o.source === 'parameterFile') ? parameter(o.name) : undefined;
	// An empty default is a placeholder: the secret arrives through the parameter at deployment.
	if (fromParameter && raw.value.trim() === '') return fromParameter.secure ? SAFE : { kind: 'parameters', parameters: [fromParameter] };
	const secrets = secretsIn(property, raw.value);
	if (secrets.length === 0) return SAFE;
	if (fromParameter) return fromParameter.secure ? SAFE : { kind: 'parameters', parameters: [fromParameter] };
	if (!o || o.source === 'literal') return { kind: 'literal' };
	if (o.source === 'variable' && o.replaceable) return { kind: 'literal', variable: o.name };
	// Computed (concat, format, interpolation, a variable expression, a module argument): find the
	// parameters whose values hold the secret; when none does, the secret is written in the template.
	const holders = [...ctx.template.parameters.values()].filter((p) => secrets.some((s) => carries(p, s)));
	if (holders.some((p) => p.secure)) return SAFE;
	if (holders.length > 0) return { kind: 'parameters', parameters: holders };
	return { kind: 'literal', variable: o.source === 'variable' ? o.name : undefined };
}

function secureTypeOf(p: Parameter): string | undefined {
	const type = (p.type ?? 'string').toLowerCase();
	if (type === 'string') return 'securestring';
	if (type === 'object') return 'secureObject';
	// There is no secure array or number type: the parameter has to be split by hand.
	return undefined;
}

/**
 * Report a secret-bearing property whose value is written in the template (`literalSecret`, with the rule's
 * level) or comes from a non-secure parameter (`nonSecureParameter`, at most a warning, with a fix that marks
 * the parameter secure). Message data: name, path, where, variable, parameter, kept.
 */
export function checkSecret(ctx: RuleContext, prop: Prop, property: string, where: string): void {
	const verdict = classify(ctx, prop, property);
	const name = ctx.resource.name;
	switch (verdict.kind) {
		case 'safe':
			return;
		case 'unknown':
			ctx.unknown(prop);
			return;
		case 'literal':
			ctx.report({
				messageId: 'literalSecret',
				node: prop,
				data: { name, path: prop.path, where, variable: verdict.variable ? ` (written in variable '${verdict.variable}')` : '' },
			});
			return;
		case 'parameters':
			for (const p of verdict.parameters) {
				const secureType = secureTypeOf(p);
				const suggest: Suggestion[] = [];
				if (secureType) {
					const how = ctx.template.format === 'bicep' ? '@secure()' : secureType;
					suggest.push({
						title: p.defaultValue ? `Mark parameter '${p.name}' as ${how} and remove its default value (deployments must then pass it)` : `Mark parameter '${p.name}' as ${how}`,
						edit: markParameterSecure(p.name, true),
					});
				}
				ctx.report({
					messageId: 'nonSecureParameter',
					node: prop,
					data: { name, path: prop.path, where, parameter: p.name, kept: p.defaultValue?.kind === 'string' && p.defaultValue.value.trim() !== '' ? ' and kept in the template as its default value' : '' },
					suggest,
					related: prop.origin?.name?.toLowerCase() === p.name.toLowerCase() ? [] : [{ location: { uri: ctx.template.uri, span: p.nameSpan }, message: `Parameter '${p.name}' is declared here.` }],
					// A secret in a plain parameter is one step less exposed than one written in the template.
					severity: 'warning',
				});
			}
			return;
	}
}
