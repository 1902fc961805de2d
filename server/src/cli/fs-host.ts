// The analysis core reads parameter files and modules through a Host; the CLI answers from disk,
// decoding like the files it lints, and says "undefined" for anything it cannot read.

import { fileURLToPath } from 'node:url';
import type { Host } from '../analysis/host';
import { readTextFile } from './read-text';

export function fileSystemHost(): Host {
	const cache = new Map<string, string | undefined>();
	return {
		readText(uri: string): string | undefined {
			if (cache.has(uri)) return cache.get(uri);
			let text: string | undefined;
			if (uri.startsWith('file:')) {
				try {
					const r = readTextFile(fileURLToPath(uri));
					text = r.ok ? r.text : undefined;
				} catch {
					text = undefined;
				}
			}
			cache.set(uri, text);
			return text;
		},
	};
}
