import { resourceFacts, type ResourceFacts } from './data/api-versions';

interface Indexed {
	facts: ResourceFacts;
	/** Lower-cased apiVersions. */
	versions: Set<string>;
	/** Lower-cased property path → lower-cased apiVersions that have it, or 'ALL'. */
	properties: Map<string, Set<string> | 'ALL'>;
}

/** The generated facts keyed and valued in lower case, built once: rules ask for every property of every hub. */
const indexed = new Map<string, Indexed>(
	Object.entries(resourceFacts).map(([type, facts]) => [
		type.toLowerCase(),
		{
			facts,
			versions: new Set(facts.versions.map((v) => v.version.toLowerCase())),
			properties: new Map(Object.entries(facts.properties).map(([p, e]) => [p.toLowerCase(), e.presentIn === 'ALL' ? 'ALL' : new Set(e.presentIn.map((v) => v.toLowerCase()))])),
		},
	]),
);

function factsFor(type: string): ResourceFacts | undefined {
	return indexed.get(type.toLowerCase())?.facts;
}

/** Known apiVersions of a type, oldest first. */
export function knownApiVersions(type: string): string[] {
	return factsFor(type)?.versions.map((v) => v.version) ?? [];
}

export function newestStableApiVersion(type: string): string | undefined {
	return factsFor(type)?.newestStable;
}

/**
 * Whether the schema of `type@apiVersion` has the property path (e.g. `properties.disableLocalAuth`).
 * Undefined when we have no facts for the type, the version or the path: then nothing is claimed.
 */
export function supportsProperty(type: string, apiVersion: string | undefined, path: string): boolean | undefined {
	const facts = indexed.get(type.toLowerCase());
	if (!facts || !apiVersion) return undefined;
	const version = apiVersion.toLowerCase();
	if (!facts.versions.has(version)) return undefined;
	const entry = facts.properties.get(path.toLowerCase());
	if (!entry) return undefined;
	return entry === 'ALL' || entry.has(version);
}

/** The newest stable apiVersion whose schema has every given path (what a fix raises the version to). */
export function newestStableWith(type: string, paths: string[]): string | undefined {
	const facts = factsFor(type);
	if (!facts) return undefined;
	const stable = facts.versions.filter((v) => !v.preview).map((v) => v.version).sort().reverse();
	return stable.find((v) => paths.every((p) => supportsProperty(type, v, p) !== false));
}

export function privateLinkGroupId(type: string): string | undefined {
	return factsFor(type)?.privateLink?.groupId;
}

export function diagnosticFacts(type: string): ResourceFacts['diagnostics'] {
	return factsFor(type)?.diagnostics;
}
