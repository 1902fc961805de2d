// Model objects (resources, parameters, outputs, external modules) whose costly fields are computed on first
// read: most of a large template is never looked at by a rule.

const THUNKS = Symbol('thunks');
const OWNER = Symbol('owner');

interface LazyFields {
	[THUNKS]: Record<string, (() => unknown) | undefined>;
}

/**
 * A class for model objects (resources, parameters, outputs, external modules) whose `keys` are computed on
 * first read, then stored. The getters live on the prototype: a getter defined on each object (as
 * `Object.defineProperty` does) makes V8 keep the object, and everything it reaches, through minor GCs, which
 * multiplied the GC cost of an analysis. `owner` is kept reachable so the trees the thunks read are not deleted
 * before they run (the Bicep front end's treeRegistry).
 */
export function lazyModel(keys: readonly string[]): new (owner: object) => LazyFields {
	class Model implements LazyFields {
		[THUNKS]: Record<string, (() => unknown) | undefined> = {};
		readonly [OWNER]: object;
		constructor(owner: object) {
			this[OWNER] = owner;
		}
	}
	for (const key of keys) {
		const slot = Symbol(key);
		Object.defineProperty(Model.prototype, key, {
			enumerable: true,
			configurable: true,
			get(this: LazyFields & Record<symbol, unknown>) {
				if (slot in this) return this[slot];
				const compute = this[THUNKS][key];
				if (!compute) return undefined;
				const value = compute();
				this[slot] = value;
				return value;
			},
			set(this: Record<symbol, unknown>, value: unknown) {
				this[slot] = value;
			},
		});
	}
	return Model;
}

/** Compute `key` of a lazy model object on first read. */
export function lazy<T extends object>(obj: T, key: keyof T & string, compute: () => unknown): void {
	(obj as unknown as LazyFields)[THUNKS][key] = compute;
}

/** A lazy model object with the given plain fields. */
export function model<T>(Class: new (owner: object) => LazyFields, owner: object, fields: Partial<T>): T {
	return Object.assign(new Class(owner), fields) as unknown as T;
}

