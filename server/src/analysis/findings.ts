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
	| { kind: 'removeOutput'; output: string }
	/** Add a resource to the template (e.g. a private endpoint or diagnostic settings for the finding's hub). */
	| { kind: 'insertResource'; resource: InsertedResource };

/**
 * A reference inside an inserted resource, spelled in the document's format by the fix writers. Resources
 * are named by their declaration (`Resource.site`) and must be declared at the top level of the document.
 */
export type InsertRef =
	/** The resource id: Bicep `hub.id`, ARM `resourceId('Microsoft.Devices/IotHubs', <name>)`. */
	| { $ref: 'id'; resource: Location }
	/** The resource name plus an optional suffix: Bicep `'${hub.name}-pe'`, ARM `format('{0}-pe', <name>)`. */
	| { $ref: 'name'; resource: Location; suffix?: string }
	/** The resource's location, spelled as it is written on that resource. */
	| { $ref: 'location'; resource: Location }
	/** A template parameter (see `InsertedResource.parameters`). */
	| { $ref: 'parameter'; name: string };

/** A value in an inserted resource: JSON with references. */
export type InsertValue = string | number | boolean | null | InsertRef | InsertValue[] | { [key: string]: InsertValue };

/** A new resource, described independently of the format. */
export interface InsertedResource {
	/** Preferred Bicep symbolic name (languageVersion 2.0: the resource key); a free variant is used when taken. */
	symbolicName: string;
	type: string;
	apiVersion: string;
	name: InsertValue;
	/** An extension resource of this resource: Bicep `scope: hub`, ARM `"scope": "Microsoft.Devices/IotHubs/<name>"`. */
	scope?: Location;
	/** The other members (location, properties...), in order. */
	body: { [key: string]: InsertValue };
	/** Written after this resource (Bicep) / at the end of the template's resources, depending on it (ARM). */
	after: Location;
	/** Further resources the new one depends on (ARM `dependsOn`; Bicep infers it from the references). */
	dependsOn?: Location[];
	/** Parameters the new resource refers to; each is declared unless the template already has it. */
	parameters?: { name: string; type: 'string'; description: string }[];
}

/** True for an `InsertRef` inside an `InsertValue`. */
export function isInsertRef(v: InsertValue): v is InsertRef {
	return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { $ref?: unknown }).$ref === 'string';
}

export interface Suggestion {
	title: string;
	edit: EditIntent | EditIntent[];
	/** Lower a safe rule's fix to a suggestion (e.g. when it also raises apiVersion). Never raises it. */
	kind?: 'suggestion';
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
	/**
	 * Text the fix depends on without editing it: the resource's apiVersion, since what a fix writes can depend
	 * on it (`identityType` in old previews). Fix-all must not combine it with a fix that edits that text.
	 */
	claims?: { [uri: string]: Span[] };
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
	/**
	 * Set when a suppression covers the finding: it is kept (SARIF and JSON reports show it with the
	 * justification) but not shown as a diagnostic, counted or fixed.
	 */
	suppression?: FindingSuppression;
}

/** How a finding was suppressed (SARIF `suppressions[].kind`). */
export interface FindingSuppression {
	/** `inSource`: a directive comment in the template; `external`: an entry in `iothub-baseline.json`. */
	kind: 'inSource' | 'external';
	justification?: string;
	/** The directive comment, or the entry in the configuration file. */
	location: Location;
}
