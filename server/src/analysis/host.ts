// The analysis core reads other documents (parameter files, Bicep modules) only through this interface:
// the language server answers from open editor buffers and then the file system, the CLI from the file
// system, tests from in-memory maps. Documents are named by URI (`file:///...`, `untitled:...`).

export interface Host {
	/** Text of another document, or undefined when it does not exist or cannot be read. */
	readText(uri: string): string | undefined;
	/**
	 * Whether a file or folder exists (configuration discovery stops at a folder holding `.git`). Hosts
	 * without it never stop early there.
	 */
	exists?(uri: string): boolean;
}

export const noHost: Host = { readText: () => undefined };

/** A host over an in-memory map (tests, fuzzing). A folder exists when some file is inside it. */
export function memoryHost(files: Record<string, string>): Host {
	return {
		readText: (uri) => files[uri],
		exists: (uri) => {
			const folder = uri.endsWith('/') ? uri : `${uri}/`;
			return uri in files || Object.keys(files).some((k) => k.startsWith(folder));
		},
	};
}

/**
 * Longest document the analysis reads (UTF-16 code units, about characters). ARM refuses templates over
 * 4 MB, so 16 Mi leaves room for generated templates (the benchmark's 10 MB workload) while a 20 MB+ one,
 * which takes seconds and over a gigabyte of memory, is refused. A larger document
 * gets one problem when it looks like a template (nothing otherwise); a larger parameter file or linked
 * document read through the host is treated as absent.
 */
export const MAX_ANALYSED_LENGTH = 16 * 1024 * 1024;

/** Resolve a relative path (module path, `using` path, parameter-file name) against a document URI. */
export function resolveUri(base: string, relative: string): string | undefined {
	try {
		const from = new URL(base);
		const to = new URL(relative, from);
		// Only a path on the same scheme and host names a local document: `https://...` (a Bicep module path
		// is never fetched) or `//host/share/m.bicep` (a UNC path, i.e. SMB, on Windows) is not handed to the host.
		if (to.protocol !== from.protocol || to.host !== from.host) return undefined;
		return to.toString();
	} catch {
		return undefined;
	}
}

/** The last path segment of a URI (file name). */
export function baseName(uri: string): string {
	const path = uri.replace(/[?#].*$/, '');
	return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** A sibling of a document: same folder, another file name. */
export function siblingUri(uri: string, name: string): string | undefined {
	return resolveUri(uri, encodeURIComponent(name));
}
