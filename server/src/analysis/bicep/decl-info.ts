// Facts about parameter and output declarations that the model (types.ts) does not carry but the Bicep
// writer needs to edit them without reparsing: where the decorators start and where `= <default>` stands.
// Stored on the model objects themselves (under a symbol), so they go away with the template. Not a WeakMap:
// V8 keeps WeakMap keys, and everything they reach, through minor GCs.

import type { Output, Parameter } from '../types';

export interface DeclInfo {
	/** Start of the first decorator line above the declaration (or the declaration itself). */
	decoratorsStart: number;
	/** Start of the `=` before the default / output value. */
	equals?: number;
	/** End of the default / value expression. */
	valueEnd?: number;
}

const DECL_INFO = Symbol('declInfo');

type WithInfo = { [DECL_INFO]?: DeclInfo };

export const declInfo = {
	set(decl: Parameter | Output, info: DeclInfo): void {
		(decl as WithInfo)[DECL_INFO] = info;
	},
	get(decl: Parameter | Output): DeclInfo | undefined {
		return (decl as WithInfo)[DECL_INFO];
	},
};
