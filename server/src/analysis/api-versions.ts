import { resourceFacts, type ResourceFacts } from './data/api-versions';

function factsFor(type: string): ResourceFacts | undefined {
	const lower = type.toLowerCase();
	for (const [t, f] of Object.entries(resourceFacts)) {
		if (t.toLowerCase() === lower) return f;
	}
	return undefined;
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
	const facts = factsFor(type);
	if (!facts || !apiVersion) return undefined;
	const versions = facts.versions.map((v) => v.version.toLowerCase());
	if (!versions.includes(apiVersion.toLowerCase())) return undefined;
	const lowerPath = path.toLowerCase();
	const entry = Object.entries(facts.properties).find(([p]) => p.toLowerCase() === lowerPath)?.[1];
	if (!entry) return undefined;
	if (entry.presentIn === 'ALL') return true;
	return entry.presentIn.some((v) => v.toLowerCase() === apiVersion.toLowerCase());
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
