import type { Location, Severity, Span } from './types';

/** A plain JSON value a fix writes (serialised per format by the fix writers). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a fix means to do; the fix writers turn intents into text edits for each format. */
export type EditIntent =
	/** Set a property of the finding's resource (path like `properties.minTlsVersion`). Where the value
	 * comes from a parameter default or parameter file, that place is edited instead. */
	| { kind: 'setProperty'; path: string; value: JsonValue }
	/** Remove a property of the finding's resource. */
	| { kind: 'removeProperty'; path: string }
	/** Raise the resource's apiVersion (ARM `apiVersion`, Bicep `type@version`). */
	| { kind: 'raiseApiVersion'; version: string }
	/** Mark a parameter secure (`securestring`/`secureObject`, Bicep `@secure()`), optionally dropping its default. */
	| { kind: 'markParameterSecure'; parameter: string; dropDefault: boolean }
	/** Mark an output secure (Bicep `@secure()`, ARM `securestring`/`secureObject`). */
	| { kind: 'markOutputSecure'; output: string }
	/** Remove an output. */
	| { kind: 'removeOutput'; output: string };

export interface Suggestion {
	title: string;
	edit: EditIntent | EditIntent[];
}

export interface TextEdit {
	span: Span;
	newText: string;
}

/** A fix resolved into text edits, possibly in several documents (template and parameter file). */
export interface Fix {
	title: string;
	/** `safe` fixes cannot break a deployment; `suggestion` fixes change how a live resource behaves. */
	kind: 'safe' | 'suggestion';
	ruleId: string;
	edits: { [uri: string]: TextEdit[] };
}

export interface RelatedInformation {
	location: Location;
	message: string;
}

export interface Finding {
	ruleId: string;
	/** Which of the rule's messages was used (tests, JSON output). */
	messageId?: string;
	/** MCSB control id, e.g. `NS-2`. */
	control: string;
	severity: Exclude<Severity, 'off'>;
	message: string;
	location: Location;
	related: RelatedInformation[];
	fixes: Fix[];
	/** Display name of the resource the finding is about. */
	resourceName?: string;
	resourceType?: string;
	/** A "cannot verify" finding about a value only known at deployment. */
	unknown?: boolean;
}
