// What the analyser reads besides the document it analyses: open editor buffers first (they may be
// unsaved), then the file system for `file:` URIs. Other schemes (untitled, virtual) only exist as buffers.

import { existsSync, readFileSync, statSync } from 'fs';
import { fileURLToPath } from 'url';

/** Documents above this size (UTF-16 code units, ≈ characters) are not analysed; see MAX_DOCUMENT_LENGTH. */
export const MAX_DOCUMENT_LENGTH = 20 * 1024 * 1024;

/**
 * A comparable form of a URI: clients and `new URL()` may escape the same path differently
 * (`file:///c%3A/x` vs `file:///C:/x`), so compare decoded, with a lower-case drive letter.
 */
export function uriKey(uri: string): string {
	let u = uri;
	try {
		u = decodeURIComponent(uri);
	} catch {
		// Keep it as written.
	}
	return u.replace(/^file:\/\/\/([A-Za-z]):/, (_, d: string) => `file:///${d.toLowerCase()}:`);
}

/** Read a `file:` URI from disk; undefined when it is not a file URI, missing, unreadable or too large. */
export function readFileUri(uri: string): string | undefined {
	if (!uri.startsWith('file:')) return undefined;
	try {
		const path = fileURLToPath(uri);
		const stat = statSync(path);
		// A UTF-8 file has at least as many bytes as UTF-16 code units: a cheap upper bound first.
		if (!stat.isFile() || stat.size > MAX_DOCUMENT_LENGTH * 3) return undefined;
		const text = readFileSync(path, 'utf8');
		if (text.length > MAX_DOCUMENT_LENGTH) return undefined;
		// Editors drop the BOM from buffers; do the same so offsets agree.
		return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	} catch {
		return undefined;
	}
}

/** Does a `file:` URI name an existing file or folder (configuration discovery looks for `.git`)? */
export function fileUriExists(uri: string): boolean {
	if (!uri.startsWith('file:')) return false;
	try {
		return existsSync(fileURLToPath(uri));
	} catch {
		return false;
	}
}
