// JSON paths of values converted from a template, built only when asked for. Every literal of a template keeps
// its path from the document root (fixes edit through jsonc-parser `modify`), but only the few values a fix
// edits ever need it: a path is kept as a link to its parent's, and an origin turns it into an array on demand.

import type { Origin, Span, ValueSource } from '../types';

export type JsonPath = (string | number)[];

/** A path: an array, or one more key below another path (no key: the same path). */
export type PathAt = JsonPath | PathLink;

export interface PathLink {
	readonly up: PathAt;
	readonly key: string | number | undefined;
}

export class PathStep implements PathLink {
	constructor(
		readonly up: PathAt,
		readonly key: string | number,
	) {}
}

export function pathOf(at: PathAt): JsonPath {
	const keys: (string | number)[] = [];
	let cur: PathAt = at;
	while (!Array.isArray(cur)) {
		const link: PathLink = cur as PathLink;
		if (link.key !== undefined) keys.push(link.key);
		cur = link.up;
	}
	return keys.length === 0 ? cur : [...cur, ...keys.reverse()];
}

/**
 * The origin of a value written in ARM JSON, at `key` below path `up` (a parent value's origin, usually);
 * `jsonPath` is built, and `span` made, on first read (most values are never reported or edited).
 */
export class JsonOrigin implements Origin, PathLink {
	readonly format = 'json' as const;
	private spanAt: Span | undefined;

	constructor(
		readonly uri: string,
		private readonly start: number,
		private readonly end: number,
		readonly source: ValueSource,
		readonly name: string | undefined,
		readonly replaceable: boolean,
		readonly up: PathAt,
		readonly key: string | number | undefined = undefined,
	) {}

	/** An origin whose span object exists already (shared with the caller). */
	static at(uri: string, span: Span, source: ValueSource, name: string | undefined, replaceable: boolean, up: PathAt, key?: string | number): JsonOrigin {
		const o = new JsonOrigin(uri, span.start, span.end, source, name, replaceable, up, key);
		o.spanAt = span;
		return o;
	}

	get span(): Span {
		this.spanAt ??= { start: this.start, end: this.end };
		return this.spanAt;
	}

	get jsonPath(): JsonPath {
		return pathOf(this);
	}
}
