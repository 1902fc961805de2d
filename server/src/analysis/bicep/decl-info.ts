// Facts about parameter and output declarations that the model (types.ts) does not carry but the Bicep
// writer needs to edit them without reparsing: where the decorators start and where `= <default>` stands.
// Keyed by the model objects themselves, so they go away with the template.

import type { Output, Parameter } from '../types';

export interface DeclInfo {
	/** Start of the first decorator line above the declaration (or the declaration itself). */
	decoratorsStart: number;
	/** Start of the `=` before the default / output value. */
	equals?: number;
	/** End of the default / value expression. */
	valueEnd?: number;
}

export const declInfo = new WeakMap<Parameter | Output, DeclInfo>();
