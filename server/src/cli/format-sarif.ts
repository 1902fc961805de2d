// The SARIF 2.1.0 report (`--format sarif`) for code-scanning services. One run; every catalog rule is
// described in tool.driver.rules; findings are results, parse problems and unreadable files are tool
// execution notifications (they are about the run, not about a rule). Suppressed findings stay results,
// with `suppressions` (`inSource` for a directive, `external` for an iothub-baseline.json entry) carrying
// the justification, so code-scanning services show them as dismissed rather than lose them.

import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Rule } from '../analysis/rule';
import { META_RULE_IDS } from '../analysis/suppressions';
import type { Severity } from '../analysis/types';
import type { FileResult, ReportFinding, ReportFix, ReportLocation } from './file-result';
import { visible } from './file-result';
import { jsonAt } from './format-json';
import { INFORMATION_URI, TOOL_NAME, ruleHelpUri, toolVersion } from './tool-info';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** partialFingerprints key: bump the version when what goes into the hash changes. */
export const FINGERPRINT_KEY = 'iothubBaselineFinding/v1';

type SarifLevel = 'none' | 'note' | 'warning' | 'error';

interface SarifMessage {
	text: string;
}

interface SarifRegion {
	startLine: number;
	startColumn: number;
	endLine: number;
	endColumn: number;
}

interface SarifArtifactLocation {
	uri: string;
	uriBaseId?: string;
}

interface SarifPhysicalLocation {
	artifactLocation: SarifArtifactLocation;
	region?: SarifRegion;
}

interface SarifLocation {
	id?: number;
	physicalLocation: SarifPhysicalLocation;
	message?: SarifMessage;
}

interface SarifReportingConfiguration {
	enabled?: boolean;
	level: SarifLevel;
}

interface SarifRule {
	id: string;
	name: string;
	shortDescription: SarifMessage;
	fullDescription: SarifMessage;
	helpUri: string;
	defaultConfiguration: SarifReportingConfiguration;
	properties: { tags: string[]; 'security-severity'?: string };
}

interface SarifFix {
	description: SarifMessage;
	artifactChanges: { artifactLocation: SarifArtifactLocation; replacements: { deletedRegion: SarifRegion; insertedContent: SarifMessage }[] }[];
	properties: { kind: 'safe' | 'suggestion' };
}

/**
 * SARIF §3.35: a result that a user or a policy has suppressed. No status: the OASIS text calls it `status`,
 * the published 2.1.0 JSON schema `state`, and an absent one means the suppression is in effect.
 */
export interface SarifSuppression {
	kind: 'inSource' | 'external';
	justification?: string;
	location?: SarifLocation;
}

interface SarifResult {
	ruleId: string;
	ruleIndex: number;
	level: SarifLevel;
	message: SarifMessage;
	locations: SarifLocation[];
	relatedLocations?: SarifLocation[];
	partialFingerprints: Record<string, string>;
	fixes?: SarifFix[];
	suppressions?: SarifSuppression[];
	properties: { control: string; resource?: { name: string; type: string }; cannotVerify?: boolean };
}

interface SarifNotification {
	level: SarifLevel;
	message: SarifMessage;
	locations?: SarifLocation[];
	descriptor?: { id: string };
}

export interface SarifLog {
	$schema: string;
	version: '2.1.0';
	runs: {
		tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
		invocations: {
			executionSuccessful: boolean;
			ruleConfigurationOverrides?: { descriptor: { id: string; index: number }; configuration: SarifReportingConfiguration }[];
			toolExecutionNotifications: SarifNotification[];
		}[];
		originalUriBaseIds: Record<string, { uri: string }>;
		columnKind: 'utf16CodeUnits';
		results: SarifResult[];
	}[];
}

export interface SarifOptions {
	cwd: string;
	rules: readonly Rule[];
	/** --rule overrides. */
	levels: Record<string, Severity>;
	quiet: boolean;
}

export function sarifLevel(level: Severity): SarifLevel {
	return level === 'off' ? 'none' : level === 'info' ? 'note' : level;
}

const securitySeverity: Record<Exclude<Severity, 'off'>, string> = { error: '8.0', warning: '5.0', info: '2.0' };

/** `iothub-min-tls-1-2` → `IothubMinTls12`. */
export function pascalCase(id: string): string {
	return id
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w[0].toUpperCase() + w.slice(1))
		.join('');
}

function describeRule(rule: Rule, effective: Severity): SarifRule {
	if (META_RULE_IDS.includes(rule.id)) {
		// The findings about suppressions: hygiene, not security.
		return {
			id: rule.id,
			name: pascalCase(rule.id),
			shortDescription: { text: rule.title },
			fullDescription: { text: `${rule.title}. Reported about suppression directives in templates.` },
			helpUri: ruleHelpUri(rule.id),
			defaultConfiguration: { level: sarifLevel(rule.severity) },
			properties: { tags: ['suppression'] },
		};
	}
	// GitHub ranks alerts by security-severity: follow the level the rule ran at, else its catalog level.
	const rank = effective !== 'off' ? effective : rule.severity;
	return {
		id: rule.id,
		name: pascalCase(rule.id),
		shortDescription: { text: rule.title },
		fullDescription: { text: `${rule.title}. Azure security baseline for IoT Hub, Microsoft cloud security benchmark control ${rule.mcsb}.` },
		helpUri: ruleHelpUri(rule.id),
		defaultConfiguration: rule.severity === 'off' ? { enabled: false, level: 'none' } : { level: sarifLevel(rule.severity) },
		properties: { tags: [rule.mcsb, 'security', 'MCSB'], ...(rank !== 'off' ? { 'security-severity': securitySeverity[rank] } : {}) },
	};
}

function artifactLocation(path: string, uri: string): SarifArtifactLocation {
	// Paths under the working directory are relative to %SRCROOT%; anything else keeps its absolute URI.
	if (path.startsWith('../') || path === '..' || /^[A-Za-z]:|^\//.test(path)) return { uri };
	return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function region(l: ReportLocation): SarifRegion {
	return {
		startLine: l.range.start.line + 1,
		startColumn: l.range.start.character + 1,
		endLine: l.range.end.line + 1,
		endColumn: l.range.end.character + 1,
	};
}

function physical(l: ReportLocation): SarifPhysicalLocation {
	return { artifactLocation: artifactLocation(l.path, l.uri), region: region(l) };
}

/**
 * Stable across runs and edits elsewhere in the file: rule, file, resource and message kind. A second
 * finding with the same key in the same file (one per routing endpoint, say) gets its occurrence number.
 */
export function fingerprint(f: ReportFinding, path: string, occurrence = 0): string {
	const key = [f.ruleId, path, f.resource?.name ?? '', f.messageId ?? (f.unknown ? 'cannotVerify' : '')];
	if (occurrence > 0) key.push(String(occurrence));
	return createHash('sha256').update(key.join('\u0000')).digest('hex');
}

function fixOf(x: ReportFix): SarifFix {
	const byFile = new Map<string, SarifFix['artifactChanges'][number]>();
	for (const e of x.edits) {
		let change = byFile.get(e.location.uri);
		if (!change) {
			change = { artifactLocation: artifactLocation(e.location.path, e.location.uri), replacements: [] };
			byFile.set(e.location.uri, change);
		}
		change.replacements.push({ deletedRegion: region(e.location), insertedContent: { text: e.newText } });
	}
	return { description: { text: x.title }, artifactChanges: [...byFile.values()], properties: { kind: x.kind } };
}

function result(f: ReportFinding, ruleIndex: number, occurrence: number): SarifResult {
	return {
		ruleId: f.ruleId,
		ruleIndex,
		level: sarifLevel(f.severity),
		message: { text: f.message },
		locations: [{ physicalLocation: physical(f.location) }],
		...(f.related.length > 0 ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.location), message: { text: r.message } })) } : {}),
		partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, f.location.path, occurrence) },
		...(f.fixes.length > 0 ? { fixes: f.fixes.map(fixOf) } : {}),
		...(f.suppression
			? {
					suppressions: [
						{
							kind: f.suppression.kind,
							...(f.suppression.justification ? { justification: f.suppression.justification } : {}),
							location: { physicalLocation: physical(f.suppression.location) },
						},
					],
				}
			: {}),
		properties: { control: f.control, ...(f.resource ? { resource: f.resource } : {}), ...(f.unknown ? { cannotVerify: true } : {}) },
	};
}

/**
 * What the files add to the log, one file at a time: results, and notifications for parse problems and
 * unreadable files. A finding's fingerprint counts the earlier ones with the same key, so files must come in
 * report order.
 */
class SarifFiles {
	readonly notifications: SarifNotification[] = [];
	private readonly ruleIndex: Map<string, number>;
	private readonly occurrences = new Map<string, number>();

	constructor(private readonly options: SarifOptions) {
		this.ruleIndex = new Map(options.rules.map((r, i) => [r.id, i]));
	}

	/** The file's results; its notifications join `notifications`. */
	add(r: FileResult): SarifResult[] {
		if (r.status === 'skipped' || r.status === 'error') {
			this.notifications.push({ level: r.status === 'error' ? 'error' : 'warning', message: { text: `${r.path}: ${r.reason ?? 'unreadable'}` }, locations: [{ physicalLocation: { artifactLocation: artifactLocation(r.path, r.uri) } }] });
			return [];
		}
		for (const p of visible(r.problems, this.options.quiet)) {
			this.notifications.push({ level: sarifLevel(p.severity), message: { text: p.message }, locations: [{ physicalLocation: physical(p.location) }], descriptor: { id: 'parse-error' } });
		}
		const results: SarifResult[] = [];
		for (const f of visible(r.findings, this.options.quiet)) {
			const index = this.ruleIndex.get(f.ruleId);
			if (index === undefined) continue;
			const key = fingerprint(f, f.location.path);
			const occurrence = this.occurrences.get(key) ?? 0;
			this.occurrences.set(key, occurrence + 1);
			results.push(result(f, index, occurrence));
		}
		return results;
	}
}

export function sarifReport(results: readonly FileResult[], options: SarifOptions): SarifLog {
	const files = new SarifFiles(options);
	const sarifResults = results.flatMap((r) => files.add(r));
	return sarifLog(options, files.notifications, sarifResults);
}

/**
 * The log as the CLI writes it: `JSON.stringify(sarifReport(results, options), null, 2)` and a newline, byte for
 * byte, without the whole log as one string. The notifications come before the results in the log and are
 * known only at the end, so the results wait until then (as SARIF results: the rest of each file's result
 * is dropped as soon as it is added).
 */
export class SarifReportWriter {
	private readonly files: SarifFiles;
	private readonly results: SarifResult[] = [];

	constructor(private readonly options: SarifOptions) {
		this.files = new SarifFiles(options);
	}

	add(r: FileResult): void {
		this.results.push(...this.files.add(r));
	}

	end(write: (s: string) => void): void {
		const frame = JSON.stringify(sarifLog(this.options, this.files.notifications, []), null, 2);
		// `results` is the run's last member: the frame ends with it, empty.
		const tail = '"results": []\n    }\n  ]\n}';
		if (!frame.endsWith(tail)) throw new Error('SARIF log: results must be the last member of the run');
		if (this.results.length === 0) {
			write(`${frame}\n`);
			return;
		}
		write(`${frame.slice(0, -tail.length)}"results": [`);
		for (const [i, result] of this.results.entries()) write(`${i > 0 ? ',' : ''}\n        ${jsonAt(result, 4)}`);
		write('\n      ]\n    }\n  ]\n}\n');
	}
}

function sarifLog(options: SarifOptions, notifications: SarifNotification[], results: SarifResult[]): SarifLog {
	const ruleIndex = new Map(options.rules.map((r, i) => [r.id, i]));
	const overrides = Object.entries(options.levels).flatMap(([id, level]) => {
		const index = ruleIndex.get(id);
		return index === undefined ? [] : [{ descriptor: { id, index }, configuration: level === 'off' ? { enabled: false, level: 'none' as const } : { level: sarifLevel(level) } }];
	});
	const version = toolVersion();
	return {
		$schema: SARIF_SCHEMA,
		version: '2.1.0',
		runs: [
			{
				tool: {
					driver: {
						name: TOOL_NAME,
						version,
						semanticVersion: version,
						informationUri: INFORMATION_URI,
						rules: options.rules.map((rule) => describeRule(rule, options.levels[rule.id] ?? rule.severity)),
					},
				},
				invocations: [{ executionSuccessful: true, ...(overrides.length > 0 ? { ruleConfigurationOverrides: overrides } : {}), toolExecutionNotifications: notifications }],
				originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(options.cwd).href.replace(/\/?$/, '/')}` } },
				columnKind: 'utf16CodeUnits',
				results,
			},
		],
	};
}
