// Reading Azure connection strings (`Key=Value;Key=Value`) without regular expressions that could
// backtrack: split, trim, compare case-insensitively.

/** The `Key=Value` segments of a connection string, keys lower-cased; undefined when it is not one. */
export function parseConnectionString(text: string): Map<string, string> | undefined {
	const out = new Map<string, string>();
	for (const part of text.split(';')) {
		const segment = part.trim();
		if (segment === '') continue;
		const eq = segment.indexOf('=');
		if (eq <= 0) return undefined;
		out.set(segment.slice(0, eq).trim().toLowerCase(), segment.slice(eq + 1).trim());
	}
	return out.size > 0 ? out : undefined;
}

/** Segments that carry a credential (Service Bus / Event Hubs / IoT Hub SAS keys, storage account keys, SAS tokens). */
const credentialKeys = ['sharedaccesskey', 'accountkey', 'sharedaccesssignature', 'sharedsecretvalue', 'password'];

/**
 * The secret parts of a connection string value: the credential segments, or the `sig` of a SAS URL.
 * A connection string with no credential (e.g. `DefaultEndpointsProtocol=https;AccountName=x` for an
 * identity-based file upload endpoint) holds no secret. Text that is not a connection string at all
 * is treated as a secret as a whole.
 */
export function connectionStringSecrets(text: string): string[] {
	const trimmed = text.trim();
	if (trimmed === '') return [];
	const sig = sasSignature(trimmed);
	if (sig !== undefined) return sig === '' ? [] : [sig];
	const segments = parseConnectionString(trimmed);
	if (!segments) return [trimmed];
	const out: string[] = [];
	for (const k of credentialKeys) {
		const v = segments.get(k);
		if (v) out.push(v);
	}
	return out;
}

/** The `sig=` query value of a SAS URL, '' when the URL has an empty one, undefined when it is no SAS URL. */
function sasSignature(text: string): string | undefined {
	const q = text.indexOf('?');
	if (q < 0 || !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
	for (const pair of text.slice(q + 1).split('&')) {
		const eq = pair.indexOf('=');
		if (eq > 0 && pair.slice(0, eq).toLowerCase() === 'sig') return pair.slice(eq + 1);
	}
	return undefined;
}

/** Event Hubs / Service Bus: `Endpoint=sb://ns.servicebus.windows.net/;...;EntityPath=x`. */
export function messagingTarget(text: string): { endpointUri?: string; entityPath?: string } {
	const segments = parseConnectionString(text);
	if (!segments) return {};
	const endpoint = segments.get('endpoint');
	const entityPath = segments.get('entitypath');
	return {
		endpointUri: endpoint && /^sb:\/\/[^/\s]+/i.test(endpoint) ? trimTrailingSlashes(endpoint) : undefined,
		entityPath: entityPath || undefined,
	};
}

/** Azure Storage: the blob service URI, from `BlobEndpoint=` or `AccountName` + `EndpointSuffix`. */
export function storageBlobEndpoint(text: string): string | undefined {
	const segments = parseConnectionString(text);
	if (!segments) return undefined;
	const blob = segments.get('blobendpoint');
	if (blob && /^https:\/\/[^/\s]+/i.test(blob)) return blob.endsWith('/') ? blob : `${blob}/`;
	const account = segments.get('accountname');
	if (!account || !/^[a-z0-9]+$/i.test(account)) return undefined;
	const protocol = (segments.get('defaultendpointsprotocol') ?? 'https').toLowerCase();
	if (protocol !== 'https') return undefined;
	const suffix = segments.get('endpointsuffix') ?? 'core.windows.net';
	if (!/^[a-z0-9.-]+$/i.test(suffix)) return undefined;
	return `https://${account.toLowerCase()}.blob.${suffix}/`;
}

function trimTrailingSlashes(text: string): string {
	let end = text.length;
	while (end > 0 && text[end - 1] === '/') end--;
	return text.slice(0, end);
}
