import { newestStableWith, supportsProperty } from '../server/src/analysis/api-versions';
import type { EditIntent, Suggestion } from '../server/src/analysis/findings';
import { defineRule, raiseApiVersion, removeProperty, setProperty, type RuleContext } from '../server/src/analysis/rule';
import { messagingTarget, storageBlobEndpoint } from './support/connection-strings';
import { mapEntries, routingEndpoints, type HubEntry, type RoutingEndpointKind } from './support/hub-entries';
import { allowedValuesAllSecure, display } from './support/secure-property';

interface EndpointFacts {
	/** For messages: what the endpoint is. */
	what: string;
	/** The data-plane role the hub's identity needs on the target. */
	role: string;
	/** Properties the identity-based form needs on the entry. */
	needs: string[];
	/** Where the facts file keeps the entry's properties. */
	factsPath: string;
	/** Values for `needs` read from a key-based connection string. */
	derive?(connectionString: string): Record<string, string | undefined>;
	/** Key-based credentials the identity-based form no longer uses (removed by the fix). */
	credentials: string[];
}

const messaging = (what: string, kind: string, role: string): EndpointFacts => ({
	what,
	role,
	needs: ['endpointUri', 'entityPath'],
	factsPath: `properties.routing.endpoints.${kind}[]`,
	derive: (cs) => ({ ...messagingTarget(cs) }),
	credentials: ['connectionString'],
});

const cosmos = (kind: string): EndpointFacts => ({
	what: 'Cosmos DB routing endpoint',
	role: 'Cosmos DB Built-in Data Contributor',
	needs: ['endpointUri'],
	factsPath: `properties.routing.endpoints.${kind}[]`,
	credentials: ['primaryKey', 'secondaryKey'],
});

const routingFacts: Record<RoutingEndpointKind, EndpointFacts> = {
	eventHubs: messaging('Event Hubs routing endpoint', 'eventHubs', 'Azure Event Hubs Data Sender'),
	serviceBusQueues: messaging('Service Bus queue routing endpoint', 'serviceBusQueues', 'Azure Service Bus Data Sender'),
	serviceBusTopics: messaging('Service Bus topic routing endpoint', 'serviceBusTopics', 'Azure Service Bus Data Sender'),
	storageContainers: {
		what: 'storage container routing endpoint',
		role: 'Storage Blob Data Contributor',
		needs: ['endpointUri'],
		factsPath: 'properties.routing.endpoints.storageContainers[]',
		derive: (cs) => ({ endpointUri: storageBlobEndpoint(cs) }),
		credentials: ['connectionString'],
	},
	cosmosDBSqlContainers: cosmos('cosmosDBSqlContainers'),
	cosmosDBSqlCollections: cosmos('cosmosDBSqlCollections'),
};

// The file upload endpoint has no endpointUri: its connectionString names the account (the key in it is
// not used once the endpoint is identity-based), so it stays.
const storageFacts: EndpointFacts = {
	what: 'file upload storage endpoint',
	role: 'Storage Blob Data Contributor',
	needs: ['connectionString', 'containerName'],
	factsPath: 'properties.storageEndpoints.*',
	credentials: [],
};

const isIdentityBased = (v: unknown) => typeof v === 'string' && v.trim().toLowerCase() === 'identitybased';

function list(words: string[]): string {
	return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function checkEntry(ctx: RuleContext, entry: HubEntry, facts: EndpointFacts): void {
	const { resource } = ctx;
	const auth = entry.get('authenticationType');
	if (auth) {
		if (!auth.known) {
			if (!allowedValuesAllSecure(ctx, auth, isIdentityBased)) ctx.unknown(auth);
			return;
		}
		if (isIdentityBased(auth.value)) return;
	}

	// What the identity-based form needs, as written or read from a connection string written in the
	// template (a value from a parameter stays a parameter: we do not bake its default into the resource).
	const cs = entry.get('connectionString');
	const csWritten = cs?.known && typeof cs.value === 'string' && (cs.origin?.source === 'literal' || cs.origin?.source === 'variable');
	const derived = csWritten && facts.derive ? facts.derive(cs.value as string) : {};
	const toWrite: [string, string][] = [];
	const missing: string[] = [];
	for (const key of facts.needs) {
		if (entry.get(key)) continue;
		const value = derived[key];
		if (value) toWrite.push([key, value]);
		else missing.push(key);
	}

	const authPath = `${facts.factsPath}.authenticationType`;
	const tooOld = supportsProperty(resource.type, resource.apiVersion, authPath) === false;
	const version = tooOld ? newestStableWith(resource.type, [authPath, ...facts.needs.map((k) => `${facts.factsPath}.${k}`)]) : undefined;
	const endpoint = `${facts.what} '${entry.label}'`;
	const data = {
		name: resource.name,
		endpoint,
		path: entry.path,
		actual: auth ? `authenticationType: ${display(auth.value)}` : 'authenticationType not set, so keyBased',
		role: facts.role,
		needs: list(facts.needs),
		apiVersion: resource.apiVersion ?? '?',
		version: version ?? '?',
	};

	const suggest: Suggestion[] = [];
	if (missing.length === 0 && (!tooOld || version)) {
		const edit: EditIntent[] = [];
		if (version) edit.push(raiseApiVersion(version));
		// Drop the keys the endpoint no longer uses. Edits are planned on the original text, so an entry made
		// of credentials only keeps them: emptying an object and inserting into it cannot be combined.
		const credentials = facts.credentials.filter((key) => entry.get(key));
		const others = [...entry.value.entries.values()].filter((e) => !credentials.some((k) => k.toLowerCase() === e.key.toLowerCase()));
		if (others.length > 0) for (const key of credentials) edit.push(removeProperty(`${entry.editPath}.${key}`));
		edit.push(setProperty(`${entry.editPath}.authenticationType`, 'identityBased'));
		for (const [key, value] of toWrite) edit.push(setProperty(`${entry.editPath}.${key}`, value));
		const title = `Switch ${endpoint} to identity-based authentication (the hub's managed identity needs ${facts.role} on the target)`;
		suggest.push({ title: version ? `${title} (raises apiVersion to ${version})` : title, edit });
	}

	ctx.report({
		messageId: tooOld ? 'apiTooOld' : suggest.length > 0 ? 'keyBased' : 'keyBasedNeeds',
		node: auth ?? entry.site,
		data,
		suggest,
	});
}

export default defineRule({
	id: 'iothub-identity-based-endpoints',
	mcsb: 'IM-3',
	title: 'IoT Hub routing and file upload endpoints should authenticate with the hub managed identity',
	severity: 'warning',
	resourceTypes: ['Microsoft.Devices/IotHubs'],
	fix: 'suggestion',
	messages: {
		keyBased:
			"IM-3: IoT Hub '{{name}}' {{endpoint}} ({{path}}) authenticates with keys ({{actual}}). Set {{path}}.authenticationType to 'identityBased' and grant the hub's managed identity the {{role}} role on the target.",
		keyBasedNeeds:
			"IM-3: IoT Hub '{{name}}' {{endpoint}} ({{path}}) authenticates with keys ({{actual}}). Identity-based authentication needs {{needs}} on the endpoint and a hub managed identity with the {{role}} role on the target: add them and set authenticationType to 'identityBased'.",
		apiTooOld:
			"IM-3: IoT Hub '{{name}}' uses apiVersion {{apiVersion}}, which cannot set authenticationType on the {{endpoint}} ({{path}}), so it authenticates with keys. Raise apiVersion to {{version}}, set authenticationType to 'identityBased' with {{needs}}, and grant the hub's managed identity the {{role}} role on the target.",
	},
	check(ctx) {
		// Switching to identity-based authentication fails at deployment (or later, when routing) unless the
		// hub's identity already holds the data role on the target, so every fix is a suggestion that says so.
		const routing = routingEndpoints(ctx);
		for (const entry of routing.entries) checkEntry(ctx, entry, routingFacts[entry.kind]);
		const storage = mapEntries(ctx, 'properties.storageEndpoints');
		for (const entry of storage.entries) {
			if (entry.key.toLowerCase() === '$default') checkEntry(ctx, entry, storageFacts);
		}
		for (const prop of [...routing.unknown, ...storage.unknown]) ctx.unknown(prop);
	},
});
