// The language server: keeps open documents, analyses them (debounced, newest version only), publishes
// diagnostics and answers code actions. All analysis goes through the pure core in ../analysis.

import {
	CodeActionKind,
	DidChangeConfigurationNotification,
	DidChangeWatchedFilesNotification,
	DiagnosticSeverity,
	ErrorCodes,
	ResponseError,
	TextDocumentSyncKind,
	TextDocuments,
	type CodeAction,
	type CodeActionParams,
	type Connection,
	type Diagnostic,
	type InitializeParams,
	type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules } from '../../../rules';
import { analyzeDocument, formatOf, type AnalysisResult, type AnalyzeOptions } from '../analysis/analyze';
import type { ParsedJson } from '../analysis/arm/loader';
import { parseJson } from '../analysis/arm/loader';
import { WHOLE_PARSE_MAX_CHARS } from '../analysis/bicep/adapter';
import { BicepDocumentCache } from '../analysis/bicep/parser';
import { CONFIG_FILE_NAME, configParameterFile, findConfig, loadConfig } from '../analysis/config';
import { baseName, type Host } from '../analysis/host';
import type { Rule } from '../analysis/rule';
import { catalogIds, suppressionFix } from '../analysis/suppressions';
import { FIX_ALL_KIND, kindRequested, mergeFixes, quickFixes, ruleDocActions, selectFixAll, suppressAction, toWorkspaceEdit } from './code-actions';
import { COVERAGE_REPORT_REQUEST, coverageReport, type CoverageReportParams } from './coverage-request';
import {
	CONFIG_PROBLEM_CODE,
	DIAGNOSTIC_SOURCE,
	PARSE_ERROR_CODE,
	PositionResolver,
	TOO_LARGE_CODE,
	configProblemToDiagnostic,
	findingToDiagnostic,
	problemToDiagnostic,
	sameRange,
	type DiagnosticData,
} from './diagnostics';
import { MAX_DOCUMENT_LENGTH, fileUriExists, readFileUri, uriKey } from './host';
import { SETTINGS_SECTION, normalizeSettings, parameterFileFor, type Folder, type Settings } from './settings';

/** Custom request (tests, diagnostics): how many analyses ran, for one document or in total. */
export const ANALYSIS_COUNT_REQUEST = 'iothubBaseline/analysisCount';

/** The files whose changes can change a template's findings (parameter files, modules, templates). */
const WATCH_GLOB = '**/*.{json,jsonc,bicep,bicepparam}';

/** How long to wait for the client's settings before analysing with what we have. */
const SETTINGS_TIMEOUT_MS = 3000;

export interface ServerOptions {
	/** Resolves true when the Bicep front end is installed, false when it failed (JSON still works). */
	bicepReady: Promise<boolean>;
	rules?: Rule[];
}

interface Analysis {
	version: number;
	/** Settings generation the analysis used. */
	settingsGen: number;
	result: AnalysisResult;
}

interface DocState {
	/** Bumped on every schedule; a run whose token is not current is stale and drops its result. */
	token: number;
	timer?: NodeJS.Timeout;
	parsed?: { version: number; value: ParsedJson };
	analysis?: Analysis;
	/** A document this one read (parameter file, module, template) changed since the analysis. */
	stale: boolean;
	/** uriKeys of every document the last analysis asked the host for (found or not). */
	deps: Set<string>;
	/** The last analysis ran before the Bicep front end was ready. */
	beforeBicep: boolean;
}

export function startLanguageServer(connection: Connection, options: ServerOptions): void {
	const rules = options.rules ?? allRules;
	/** Every id a directive or the workspace file may name (the catalog, plus any rules a test passes in). */
	const catalog = [...new Set(catalogIds([...allRules, ...rules]))];
	const documents = new TextDocuments(TextDocument);
	const states = new Map<string, DocState>();
	/** uriKey → the URI the client uses for an open document. */
	const openByKey = new Map<string, string>();
	const counts = new Map<string, number>();
	let totalAnalyses = 0;

	let settings: Settings = normalizeSettings(undefined);
	let settingsGen = 0;
	let initOptions: unknown;
	let folders: Folder[] = [];
	let canPullConfig = false;
	let canRegisterConfig = false;
	let canRegisterWatchers = false;
	/** The client sends workspace folder changes (asking for them otherwise throws). */
	let hasWorkspaceFolders = false;
	/** The client runs `iothubBaseline.showRuleDoc` (the VS Code extension announces it). */
	let canShowRuleDoc = false;
	let bicepReady = false;
	// One tree per open Bicep document, re-parsed incrementally: a keystroke costs a few milliseconds of
	// tree-sitter work instead of a full parse (the cache diffs the old and new text itself).
	const bicepTrees = new BicepDocumentCache();
	let resolveSettings!: () => void;
	let settingsTimeout: NodeJS.Timeout | undefined;
	const settingsLoaded = new Promise<void>((resolve) => {
		resolveSettings = resolve;
	});

	const log = (message: string) => connection.console.log(message);
	const logError = (message: string, error?: unknown) => {
		const detail = error instanceof Error ? (error.stack ?? error.message) : error === undefined ? '' : String(error);
		connection.console.error(detail ? `${message}: ${detail}` : message);
	};

	/** Run a handler; a throw is logged and answered with `fallback`, never ends the server. */
	function guard<A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R): (...args: A) => R {
		return (...args: A) => {
			try {
				return fn(...args);
			} catch (error) {
				logError(`${name} failed`, error);
				return fallback;
			}
		};
	}

	void options.bicepReady.then(
		(ok) => {
			bicepReady = ok;
			if (!ok) return;
			// Documents analysed before the grammar was loaded may involve Bicep (a .bicep template of a
			// parameter file): analyse them again.
			for (const [uri, state] of states) {
				if (state.beforeBicep) schedule(uri, 0);
			}
		},
		(error: unknown) => logError('Bicep support is unavailable', error),
	);

	// --- Reading other documents -------------------------------------------------------------------

	function openDocument(uri: string): TextDocument | undefined {
		const direct = documents.get(uri);
		if (direct) return direct;
		const client = openByKey.get(uriKey(uri));
		return client ? documents.get(client) : undefined;
	}

	/** The URI the client knows for a document the analyser named (open documents keep theirs). */
	function publicUri(uri: string): string {
		return openByKey.get(uriKey(uri)) ?? uri;
	}

	function readText(uri: string): string | undefined {
		const open = openDocument(uri);
		if (open) return open.getText();
		return readFileUri(uri);
	}

	// --- Analysis ----------------------------------------------------------------------------------

	function stateOf(uri: string): DocState {
		let s = states.get(uri);
		if (!s) {
			s = { token: 0, stale: false, deps: new Set(), beforeBicep: false };
			states.set(uri, s);
		}
		return s;
	}

	function schedule(uri: string, delay: number): void {
		const state = stateOf(uri);
		if (state.timer) clearTimeout(state.timer);
		const token = ++state.token;
		state.timer = setTimeout(() => {
			state.timer = undefined;
			void run(uri, token);
		}, delay);
	}

	/** Re-analyse the open documents that read `uri` (debounced): it is their parameter file, module or template. */
	function scheduleDependents(uri: string): void {
		const key = uriKey(uri);
		for (const [other, state] of states) {
			if (uriKey(other) === key || !state.deps.has(key)) continue;
			state.stale = true;
			schedule(other, settings.debounceMs);
		}
	}

	function analyse(doc: TextDocument): { result: AnalysisResult; deps: Set<string> } {
		const state = stateOf(doc.uri);
		const deps = new Set<string>();
		const host: Host = {
			readText: (u) => {
				deps.add(uriKey(u));
				return readText(u);
			},
			exists: fileUriExists,
		};
		// The workspace file is a dependency like a parameter file: editing it (buffer or disk) re-analyses.
		const config = findConfig(doc.uri, host, { roots: folders.map((f) => f.uri), catalog });
		const opts: AnalyzeOptions = {
			// The team's file wins over personal settings, rule by rule.
			levels: { ...settings.rules, ...config?.config.rules },
			reportUnknown: config?.config.reportUnknown ?? settings.reportUnknown,
			parameterFileUri: configParameterFile(config, doc.uri) ?? parameterFileFor(doc.uri, settings, folders),
			config,
			catalog,
			onRuleError: (ruleId, error) => logError(`Rule '${ruleId}' failed on ${doc.uri}`, error),
		};
		if (formatOf(doc.uri, doc.languageId) === 'json') {
			// The parse is kept per version: re-analyses caused by other documents or settings reuse it.
			// The previous version's parse is handed over: typing inside a string shifts its bracket pairs instead of
			// validating the whole text again.
			if (state.parsed?.version !== doc.version) state.parsed = { version: doc.version, value: parseJson(doc.uri, doc.getText(), state.parsed?.value) };
			opts.parsedJson = state.parsed.value;
		} else if (bicepReady && formatOf(doc.uri, doc.languageId) === 'bicep' && doc.getText().length <= WHOLE_PARSE_MAX_CHARS) {
			// Longer files are read statement by statement by the adapter, which beats any whole-file parse.
			opts.bicepTree = (uri, text) => (uri === doc.uri ? bicepTrees.update(uri, text) : undefined);
		}
		counts.set(doc.uri, (counts.get(doc.uri) ?? 0) + 1);
		totalAnalyses++;
		const result = analyzeDocument(doc.uri, doc.getText(), host, rules, opts, doc.languageId);
		state.analysis = { version: doc.version, settingsGen, result };
		state.stale = false;
		state.deps = deps;
		// Only a document that asked for a .bicep/.bicepparam file (a parameter file of a Bicep template) can
		// change once the grammar is there; Bicep documents themselves wait for it.
		state.beforeBicep = !bicepReady && [...deps].some((k) => /\.bicep(param)?$/i.test(k));
		return { result, deps };
	}

	/** The analysis of the document's current text and surroundings: cached when still valid, else fresh. */
	function currentAnalysis(doc: TextDocument): AnalysisResult {
		const state = stateOf(doc.uri);
		const a = state.analysis;
		if (a && a.version === doc.version && a.settingsGen === settingsGen && !state.stale) return a.result;
		return analyse(doc).result;
	}

	function mightBeTemplate(doc: TextDocument): boolean {
		const format = formatOf(doc.uri, doc.languageId);
		if (format !== 'json') return format !== undefined;
		// Say nothing about huge JSON that is clearly not a deployment file (a lock file, a data dump).
		const head = doc.getText({ start: { line: 0, character: 0 }, end: doc.positionAt(64 * 1024) });
		return /deployment(Template|Parameters)\.json|"contentVersion"/i.test(head);
	}

	async function run(uri: string, token: number): Promise<void> {
		const state = states.get(uri);
		try {
			await settingsLoaded;
			const doc = documents.get(uri);
			if (!doc || !state || state.token !== token) return;
			const format = formatOf(doc.uri, doc.languageId);
			if (format === undefined) return;
			if (!settings.enable) {
				publish(doc, []);
				return;
			}
			if (isConfigFile(doc)) {
				publish(doc, configDiagnostics(doc));
				return;
			}
			if (doc.getText().length > MAX_DOCUMENT_LENGTH) {
				state.analysis = undefined;
				state.parsed = undefined;
				publish(doc, mightBeTemplate(doc) ? [tooLarge()] : []);
				return;
			}
			if ((format === 'bicep' || format === 'bicepparam') && !bicepReady) {
				await options.bicepReady.catch(() => false);
			}
			// Newer text (or a newer request) arrived while waiting: that run publishes, not this one.
			const current = documents.get(uri);
			if (!current || current.version !== doc.version || state.token !== token) return;
			const { result } = analyse(current);
			publish(current, toDiagnostics(current, result));
		} catch (error) {
			logError(`Analysis of ${uri} failed`, error);
			const doc = documents.get(uri);
			if (doc && state?.token === token) publish(doc, []);
		}
	}

	function isConfigFile(doc: TextDocument): boolean {
		return baseName(doc.uri).toLowerCase() === CONFIG_FILE_NAME;
	}

	/** Problems of an open iothub-baseline.json, at their places (editors without its JSON schema see them too). */
	function configDiagnostics(doc: TextDocument): Diagnostic[] {
		const loaded = loadConfig(doc.uri, doc.getText(), catalog);
		const positions = new PositionResolver({ uri: doc.uri, mapper: doc }, () => undefined);
		return loaded.problems.map((p) => configProblemToDiagnostic(p, positions));
	}

	function positionsFor(doc: TextDocument, result: AnalysisResult): PositionResolver {
		return new PositionResolver({ uri: doc.uri, mapper: doc }, (u) => result.template?.texts.get(u) ?? readText(u));
	}

	function toDiagnostics(doc: TextDocument, result: AnalysisResult): Diagnostic[] {
		if (result.kind === 'other') return [];
		const positions = positionsFor(doc, result);
		const out: Diagnostic[] = [];
		// The engine reports at most one parse problem; keep it that way whatever the front end returns.
		const problem = result.problems[0];
		if (problem) out.push(problemToDiagnostic(problem, doc.uri, positions, publicUri));
		result.findings.forEach((f, i) => {
			// Suppressed findings stay in the result (reports show them), not in the editor.
			if (f.suppression) return;
			// A finding in the analysed document under another spelling of its URI is still this document.
			const finding = f.location.uri !== doc.uri && uriKey(f.location.uri) === uriKey(doc.uri) ? { ...f, location: { ...f.location, uri: doc.uri } } : f;
			out.push(findingToDiagnostic(finding, i, doc.uri, positions, publicUri));
		});
		return out;
	}

	function tooLarge(): Diagnostic {
		return {
			range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			severity: DiagnosticSeverity.Information,
			code: TOO_LARGE_CODE,
			source: DIAGNOSTIC_SOURCE,
			message: `This file is larger than ${MAX_DOCUMENT_LENGTH / (1024 * 1024)} MB, so the IoT Hub security baseline does not analyse it.`,
		};
	}

	function publish(doc: TextDocument, diagnostics: Diagnostic[]): void {
		void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics }).catch((e: unknown) => logError('Publishing diagnostics failed', e));
	}

	function clear(uri: string): void {
		void connection.sendDiagnostics({ uri, diagnostics: [] }).catch((e: unknown) => logError('Clearing diagnostics failed', e));
	}

	function reanalyseAll(): void {
		for (const doc of documents.all()) {
			const state = stateOf(doc.uri);
			state.stale = true;
			schedule(doc.uri, 0);
		}
	}

	// --- Settings ----------------------------------------------------------------------------------

	let settingsRequests = 0;

	/** Take settings from the client (pulled when it can answer, else what it pushed), over initializationOptions. */
	async function loadSettings(pushed?: unknown): Promise<void> {
		const request = ++settingsRequests;
		let fromClient: unknown = pushed;
		if (canPullConfig) {
			try {
				fromClient = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION });
			} catch (error) {
				logError('Reading the settings failed', error);
			}
		}
		// Two changes in quick succession: the answer to the older request must not win.
		if (request !== settingsRequests) return;
		settings = normalizeSettings(initOptions, fromClient);
		settingsGen++;
	}

	// --- Code actions ------------------------------------------------------------------------------

	function codeActions(params: CodeActionParams): CodeAction[] {
		if (!settings.enable) return [];
		const doc = documents.get(params.textDocument.uri);
		if (!doc || doc.getText().length > MAX_DOCUMENT_LENGTH || formatOf(doc.uri, doc.languageId) === undefined) return [];
		const only = params.context.only;
		const wantQuickFix = kindRequested(CodeActionKind.QuickFix, only);
		const wantFixAll = kindRequested(FIX_ALL_KIND, only);
		if (!wantQuickFix && !wantFixAll) return [];
		if (isConfigFile(doc)) return [];
		const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code !== PARSE_ERROR_CODE && d.code !== TOO_LARGE_CODE && d.code !== CONFIG_PROBLEM_CODE);
		if (wantQuickFix && ours.length === 0 && !wantFixAll) return [];

		const result = currentAnalysis(doc);
		const positions = positionsFor(doc, result);
		const actions: CodeAction[] = [];
		const ruleWideOffered = new Set<string>();
		if (wantQuickFix) {
			for (const d of ours) {
				const finding = findingFor(d, result, positions);
				if (!finding) continue;
				actions.push(...quickFixes(finding, d, positions, publicUri));
				const suppress = result.template && suppressionFix(result.template, doc.uri, doc.getText(), finding);
				const action = suppress && suppressAction(suppress, d, positions, publicUri);
				if (action) actions.push(action);
				const ruleWide = !ruleWideOffered.has(finding.ruleId) && fixAllOfRule(finding.ruleId, result, d, positions);
				if (ruleWide) {
					ruleWideOffered.add(finding.ruleId);
					actions.push(ruleWide);
				}
			}
		}
		if (wantQuickFix && canShowRuleDoc) actions.push(...ruleDocActions(ours, (id) => rules.some((r) => r.id === id)));
		if (wantFixAll) {
			const fixes = selectFixAll(result.findings, settings.fixAll.includeSuggestions);
			const edit = fixes.length > 0 ? toWorkspaceEdit(mergeFixes(fixes), positions, publicUri) : undefined;
			if (edit) {
				actions.push({
					title: fixes.length === 1 ? 'Fix 1 IoT Hub baseline problem' : `Fix ${fixes.length} IoT Hub baseline problems`,
					kind: FIX_ALL_KIND,
					edit,
				});
			}
		}
		return actions;
	}

	/**
	 * "Fix all <rule> problems in this file", beside a rule's quick fix when the rule has more than one fixable
	 * finding. The user picks the rule by name, so its suggestions are included; overlapping fixes wait.
	 */
	function fixAllOfRule(ruleId: string, result: AnalysisResult, d: Diagnostic, positions: PositionResolver): CodeAction | undefined {
		const same = result.findings.filter((f) => f.ruleId === ruleId && !f.suppression && f.fixes.length > 0);
		if (same.length < 2) return undefined;
		const fixes = selectFixAll(same, true);
		if (fixes.length < 2) return undefined;
		const edit = toWorkspaceEdit(mergeFixes(fixes), positions, publicUri);
		return edit ? { title: `Fix all ${fixes.length} ${ruleId} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit } : undefined;
	}

	/** The finding a diagnostic was made from: by the index it carries, else by rule, range and message. */
	function findingFor(d: Diagnostic, result: AnalysisResult, positions: PositionResolver) {
		const data = d.data as Partial<DiagnosticData> | undefined;
		const same = (i: number) => {
			const f = result.findings[i];
			return !!f && f.ruleId === d.code && f.message === d.message && sameRange(positions.range(f.location), d.range);
		};
		if (typeof data?.fixes === 'number' && same(data.fixes)) return result.findings[data.fixes];
		const i = result.findings.findIndex((_, j) => same(j));
		return i >= 0 ? result.findings[i] : undefined;
	}

	// --- Wiring ------------------------------------------------------------------------------------

	connection.onInitialize(
		guard('initialize', { capabilities: {} } as InitializeResult, (params: InitializeParams): InitializeResult => {
			const caps = params.capabilities;
			canPullConfig = !!caps.workspace?.configuration;
			canRegisterConfig = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
			canRegisterWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
			hasWorkspaceFolders = !!caps.workspace?.workspaceFolders;
			const experimental = caps.experimental as { iothubBaseline?: { showRuleDoc?: unknown } } | undefined;
			canShowRuleDoc = experimental?.iothubBaseline?.showRuleDoc === true;
			initOptions = params.initializationOptions;
			settings = normalizeSettings(initOptions);
			folders = (params.workspaceFolders ?? []).map((f) => ({ uri: f.uri }));
			if (folders.length === 0 && params.rootUri) folders = [{ uri: params.rootUri }];
			// Never hold analyses back for long: a client that is slow to answer gets the defaults first.
			settingsTimeout = setTimeout(() => {
				log('No settings from the client yet; analysing with the defaults until they arrive.');
				resolveSettings();
			}, SETTINGS_TIMEOUT_MS);
			return {
				capabilities: {
					textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
					codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
					workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
				},
				serverInfo: { name: 'iothub-baseline' },
			};
		}),
	);

	connection.onInitialized(
		guard('initialized', undefined, () => {
			void loadSettings()
				.catch((e: unknown) => logError('Loading settings failed', e))
				.finally(() => {
					clearTimeout(settingsTimeout);
					resolveSettings();
				});
			if (canRegisterConfig) {
				void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch((e: unknown) => logError('Registering for settings changes failed', e));
			}
			if (canRegisterWatchers) {
				void connection.client
					.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCH_GLOB }] })
					.catch((e: unknown) => logError('Registering file watchers failed', e));
			}
			if (hasWorkspaceFolders) {
				connection.workspace.onDidChangeWorkspaceFolders(
					guard('didChangeWorkspaceFolders', undefined, (e) => {
						const removed = new Set(e.removed.map((f) => f.uri));
						folders = [...folders.filter((f) => !removed.has(f.uri)), ...e.added.map((f) => ({ uri: f.uri }))];
						reanalyseAll();
					}),
				);
			}
		}),
	);

	connection.onDidChangeConfiguration(
		guard('didChangeConfiguration', undefined, (params) => {
			void loadSettings(params.settings)
				.then(() => {
					if (!settings.enable) {
						for (const doc of documents.all()) publish(doc, []);
						return;
					}
					reanalyseAll();
				})
				.catch((e: unknown) => logError('Applying settings failed', e));
		}),
	);

	connection.onDidChangeWatchedFiles(
		guard('didChangeWatchedFiles', undefined, (params) => {
			for (const change of params.changes) {
				// An open document is read from its buffer, so the file on disk does not matter.
				if (openDocument(change.uri)) continue;
				scheduleDependents(change.uri);
			}
		}),
	);

	/** The document being opened: its didChangeContent event is the open itself, already scheduled. */
	let opening: string | undefined;

	documents.onDidOpen(
		guard('didOpen', undefined, (e) => {
			opening = e.document.uri;
			openByKey.set(uriKey(e.document.uri), e.document.uri);
			// Opening is the moment the user looks: analyse right away, not after the debounce.
			schedule(e.document.uri, 0);
			scheduleDependents(e.document.uri);
		}),
	);

	documents.onDidChangeContent(
		guard('didChangeContent', undefined, (e) => {
			if (opening === e.document.uri) {
				opening = undefined;
				return;
			}
			schedule(e.document.uri, settings.debounceMs);
			scheduleDependents(e.document.uri);
		}),
	);

	documents.onDidClose(
		guard('didClose', undefined, (e) => {
			const uri = e.document.uri;
			const state = states.get(uri);
			if (state?.timer) clearTimeout(state.timer);
			states.delete(uri);
			bicepTrees.delete(uri);
			if (openByKey.get(uriKey(uri)) === uri) openByKey.delete(uriKey(uri));
			clear(uri);
			// Documents that read this one now read it from disk.
			scheduleDependents(uri);
		}),
	);

	connection.onCodeAction(guard('codeAction', [] as CodeAction[], codeActions));

	connection.onRequest(
		ANALYSIS_COUNT_REQUEST,
		guard('analysisCount', { total: 0, document: 0 }, (params: { uri?: string } | undefined) => ({
			total: totalAnalyses,
			document: params?.uri ? (counts.get(params.uri) ?? 0) : 0,
		})),
	);

	connection.onRequest(COVERAGE_REPORT_REQUEST, async (params: CoverageReportParams) => {
		try {
			if (typeof params?.uri !== 'string') throw new Error('coverageReport needs { uri }');
			await settingsLoaded;
			await options.bicepReady.catch(() => false);
			return coverageReport(params, {
				rules,
				readText,
				openDocuments: () => documents.all().map((d) => ({ uri: d.uri, languageId: d.languageId })),
				optionsFor: (uri) => {
					// As analyse() does for diagnostics: the workspace file wins over settings, rule by rule.
					const config = findConfig(uri, { readText, exists: fileUriExists }, { roots: folders.map((f) => f.uri), catalog });
					return {
						levels: { ...settings.rules, ...config?.config.rules },
						parameterFileUri: configParameterFile(config, uri) ?? parameterFileFor(uri, settings, folders),
						config,
						catalog,
					};
				},
				generator: 'iothub-baseline language server',
				onRuleError: (ruleId, error) => logError(`Rule '${ruleId}' failed in the coverage report`, error),
			});
		} catch (error) {
			logError('Coverage report failed', error);
			throw new ResponseError(ErrorCodes.InternalError, `Coverage report failed: ${error instanceof Error ? error.message : String(error)}`);
		}
	});

	documents.listen(connection);
	connection.listen();
	log(`IoT Hub security baseline server started (${rules.length} rules).`);
}
