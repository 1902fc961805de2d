import { newestStableWith, supportsProperty } from '../server/src/analysis/api-versions';
import { defineRule, raiseApiVersion, setProperty } from '../server/src/analysis/rule';
import { allowedValuesAllSecure, display } from './support/secure-property';

// Any identity type but 'None' gives the hub an identity ('SystemAssigned', 'UserAssigned', both).
const hasIdentity = (v: unknown) => !(typeof v === 'string' && v.trim().toLowerCase() === 'none');

const addTitle = (key: string) => `Add a system-assigned managed identity (identity: { ${key}: 'SystemAssigned' })`;
const setTitle = (path: string) => `Set ${path} to 'SystemAssigned' (adds a system-assigned managed identity)`;

export default defineRule({
	id: 'iothub-managed-identity',
	mcsb: 'IM-3',
	title: 'IoT Hub should use a managed identity',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	// A system-assigned identity only adds an identity; nothing that works today stops working.
	fix: 'safe',
	messages: {
		identityNone: "IM-3: IoT Hub '{{name}}' has no managed identity ({{path}}: {{actual}}). Set {{path}} to 'SystemAssigned' (or 'UserAssigned') so the hub reaches routing endpoints and storage with Microsoft Entra ID instead of keys.",
		identityMissing: "IM-3: IoT Hub '{{name}}' does not set {{path}}, so the hub has no managed identity. Add identity: { {{key}}: 'SystemAssigned' } so the hub reaches routing endpoints and storage with Microsoft Entra ID instead of keys.",
		apiTooOld: "IM-3: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which has no identity property, so the hub gets no managed identity. Raise apiVersion to {{version}} and set identity.type to 'SystemAssigned' (or 'UserAssigned').",
	},
	check(ctx) {
		const { resource } = ctx;
		// 2020-07-10-preview and 2020-08-31-preview spell it identity.identityType; later versions identity.type.
		const key = supportsProperty(resource.type, resource.apiVersion, 'identity.identityType') === true ? 'identityType' : 'type';
		const path = `identity.${key}`;
		const data = { name: resource.name, path, key, apiVersion: resource.apiVersion ?? '?' };
		const identity = resource.get('identity');
		// Checked even when identity is written: a version without the property ignores it (2020-08-31 is such a trap).
		if (supportsProperty(resource.type, resource.apiVersion, 'identity') === false) {
			const version = newestStableWith(resource.type, ['identity.type']);
			const suggest = !version
				? []
				: identity
					? [{ title: `Raise apiVersion to ${version} (apiVersion ${resource.apiVersion} ignores identity)`, edit: raiseApiVersion(version), kind: 'suggestion' as const }]
					: [{ title: `${addTitle('type')} (raises apiVersion to ${version})`, edit: [raiseApiVersion(version), setProperty('identity', { type: 'SystemAssigned' })], kind: 'suggestion' as const }];
			ctx.report({ messageId: 'apiTooOld', data: { ...data, version: version ?? '?' }, suggest });
			return;
		}
		if (!identity) {
			ctx.report({ messageId: 'identityMissing', data, suggest: [{ title: addTitle(key), edit: setProperty('identity', { [key]: 'SystemAssigned' }) }] });
			return;
		}
		const type = resource.get(path);
		if (!type) {
			// An identity object without a type creates no identity; like any missing property, shown on the type.
			ctx.report({ messageId: 'identityMissing', data, suggest: [{ title: setTitle(path), edit: setProperty(path, 'SystemAssigned') }] });
			return;
		}
		if (!type.known) {
			if (allowedValuesAllSecure(ctx, type, hasIdentity)) return;
			ctx.unknown(type);
			return;
		}
		if (hasIdentity(type.value)) return;
		ctx.report({ messageId: 'identityNone', node: type, data: { ...data, actual: display(type.value) }, suggest: [{ title: setTitle(path), edit: setProperty(path, 'SystemAssigned') }] });
	},
});
