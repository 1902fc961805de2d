// A tiny LSP client for tests: spawns `node dist/server.js --stdio`, speaks JSON-RPC through
// vscode-jsonrpc, tracks published diagnostics and waits for them (with a timeout that fails the test,
// never a fixed sleep).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic, Position, PublishDiagnosticsParams, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { allRules } from '../../../rules';

/** The repository root (where package.json is), found from this file's folder in out/ or in the sources. */
export const repoRoot: string = (() => {
	let dir = __dirname;
	while (!existsSync(path.join(dir, 'package.json'))) {
		const up = path.dirname(dir);
		if (up === dir) throw new Error('repository root not found');
		dir = up;
	}
	return dir;
})();

export const serverPath = path.join(repoRoot, 'dist', 'server.js');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'lsp');

export function fixtureUri(relative: string): string {
	return pathToFileURL(path.join(fixturesDir, relative)).href;
}

export function fixtureText(relative: string): string {
	return readFileSync(path.join(fixturesDir, relative), 'utf8');
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The rules these tests are about; every other rule is turned off so new rules do not change the expectations. */
export const TESTED_RULES = ['iothub-disable-public-network-access', 'iothub-min-tls-1-2'];

/** Settings with every rule but TESTED_RULES off, plus `extra` (its `rules` entries win). */
export function withBase(extra: Record<string, unknown> = {}): Record<string, unknown> {
	const rules: Record<string, string> = {};
	for (const r of allRules) if (!TESTED_RULES.includes(r.id)) rules[r.id] = 'off';
	return { ...extra, rules: { ...rules, ...((extra.rules as Record<string, string> | undefined) ?? {}) } };
}

interface Waiter {
	uri: string;
	pred: (p: PublishDiagnosticsParams) => boolean;
	resolve: (p: PublishDiagnosticsParams) => void;
}

export interface StartOptions {
	/** Default: withBase(), so clients without workspace/configuration see the same rules. */
	initializationOptions?: unknown;
	/** Answer `workspace/configuration` (pull model). Default true. */
	pullConfiguration?: boolean;
	/** What `workspace/configuration` returns for the `iothubBaseline` section (default: withBase()). */
	settings?: Record<string, unknown>;
	workspaceFolder?: string;
	/** Announce no client capabilities and only a rootUri (the barest LSP client). */
	bare?: boolean;
	/** `capabilities.experimental` to announce (e.g. what the VS Code client runs: `{ iothubBaseline: { showRuleDoc: true } }`). */
	experimental?: Record<string, unknown>;
	args?: string[];
}

export class TestServer {
	readonly connection: MessageConnection;
	readonly published: PublishDiagnosticsParams[] = [];
	readonly logs: string[] = [];
	stderr = '';
	/** ms from spawn to the first publishDiagnostics. */
	firstPublishMs?: number;
	settings: Record<string, unknown>;
	exited: Promise<number | null>;
	private readonly waiters: Waiter[] = [];
	private readonly versions = new Map<string, number>();
	private readonly texts = new Map<string, string>();
	private readonly spawnedAt = performance.now();

	/**
	 * @param streams what the server writes (client reads) and what the server reads (client writes)
	 * @param proc the server process, or undefined for a server running in this process
	 */
	constructor(streams: { fromServer: NodeJS.ReadableStream; toServer: NodeJS.WritableStream }, settings: Record<string, unknown>, readonly proc?: ChildProcess) {
		this.settings = settings;
		this.exited = proc ? new Promise((resolve) => proc.on('exit', (code) => resolve(code))) : Promise.resolve(null);
		proc?.stderr?.on('data', (d: Buffer) => {
			this.stderr += d.toString();
		});
		this.connection = createMessageConnection(new StreamMessageReader(streams.fromServer), new StreamMessageWriter(streams.toServer));
		this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
			this.firstPublishMs ??= performance.now() - this.spawnedAt;
			this.published.push(p);
			for (const w of [...this.waiters]) {
				if (w.uri === p.uri && w.pred(p)) {
					this.waiters.splice(this.waiters.indexOf(w), 1);
					w.resolve(p);
				}
			}
		});
		this.connection.onNotification('window/logMessage', (p: { message: string }) => {
			this.logs.push(p.message);
		});
		this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section === 'iothubBaseline' ? this.settings : null)));
		this.connection.onRequest('client/registerCapability', () => null);
		this.connection.onRequest('client/unregisterCapability', () => null);
		this.connection.onRequest('window/workDoneProgress/create', () => null);
		this.connection.listen();
	}

	/**
	 * The next publishDiagnostics for `uri` that satisfies `pred` (registered now: call before sending
	 * what triggers it). Fails after `timeoutMs`.
	 */
	next(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PublishDiagnosticsParams> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				const i = this.waiters.indexOf(waiter);
				if (i >= 0) this.waiters.splice(i, 1);
				const seen = this.published.filter((p) => p.uri === uri).map((p) => `v${p.version}: ${p.diagnostics.length} diagnostics`);
				reject(new Error(`timed out after ${timeoutMs} ms waiting for diagnostics of ${uri} (seen: ${seen.join('; ') || 'none'})\nstderr: ${this.stderr}\nlog: ${this.logs.join('\n')}`));
			}, timeoutMs);
			const waiter: Waiter = {
				uri,
				pred,
				resolve: (p) => {
					clearTimeout(timer);
					resolve(p);
				},
			};
			this.waiters.push(waiter);
		});
	}

	/** Diagnostics for the document's current version (waits for them). */
	forVersion(uri: string, version = this.versions.get(uri), timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PublishDiagnosticsParams> {
		for (let i = this.published.length - 1; i >= 0; i--) {
			const p = this.published[i];
			if (p.uri === uri && p.version === version) return Promise.resolve(p);
		}
		return this.next(uri, (p) => p.version === version, timeoutMs);
	}

	async open(uri: string, languageId: string, text: string): Promise<PublishDiagnosticsParams> {
		this.versions.set(uri, 1);
		this.texts.set(uri, text);
		const p = this.next(uri, (d) => d.version === 1);
		await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
		return p;
	}

	/** Open without waiting (for documents that publish nothing, or many at once). */
	async openNoWait(uri: string, languageId: string, text: string): Promise<void> {
		this.versions.set(uri, 1);
		this.texts.set(uri, text);
		await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
	}

	async close(uri: string): Promise<void> {
		this.versions.delete(uri);
		this.texts.delete(uri);
		await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
	}

	text(uri: string): string {
		const t = this.texts.get(uri);
		if (t === undefined) throw new Error(`${uri} is not open`);
		return t;
	}

	version(uri: string): number {
		return this.versions.get(uri) ?? 0;
	}

	/** Send incremental edits (in order) as one didChange; returns the new version. */
	async edit(uri: string, edits: TextEdit[]): Promise<number> {
		let text = this.text(uri);
		for (const e of edits) text = applyTextEdits(text, [e]);
		const version = this.version(uri) + 1;
		this.versions.set(uri, version);
		this.texts.set(uri, text);
		await this.connection.sendNotification('textDocument/didChange', {
			textDocument: { uri, version },
			contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
		});
		return version;
	}

	/** Replace the whole text (a change event without range); returns the new version. */
	async replace(uri: string, text: string): Promise<number> {
		const version = this.version(uri) + 1;
		this.versions.set(uri, version);
		this.texts.set(uri, text);
		await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
		return version;
	}

	/** Apply a WorkspaceEdit to the open documents it touches (as an editor would) and send the changes. */
	async applyWorkspaceEdit(edit: WorkspaceEdit): Promise<Map<string, number>> {
		const out = new Map<string, number>();
		for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
			out.set(uri, await this.replace(uri, applyTextEdits(this.text(uri), edits)));
		}
		return out;
	}

	codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
		return this.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
	}

	analysisCount(uri?: string): Promise<{ total: number; document: number }> {
		return this.connection.sendRequest('iothubBaseline/analysisCount', { uri });
	}

	async stop(): Promise<void> {
		const proc = this.proc;
		try {
			// In process, `exit` would end the test runner: just hang up.
			if (proc && proc.exitCode === null) {
				await withTimeout(this.connection.sendRequest('shutdown'), 5000, 'shutdown');
				await this.connection.sendNotification('exit');
				await withTimeout(this.exited, 5000, 'exit');
			}
		} finally {
			this.connection.dispose();
			if (proc && proc.exitCode === null) proc.kill();
		}
	}
}

/** Spawn `node dist/server.js --stdio` and initialize it. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
	const proc = spawn(process.execPath, [serverPath, ...(opts.args ?? ['--stdio'])], { stdio: ['pipe', 'pipe', 'pipe'] });
	const server = new TestServer({ fromServer: proc.stdout!, toServer: proc.stdin! }, opts.settings ?? withBase(), proc);
	await initialize(server, opts, process.pid);
	return server;
}

/**
 * Initialize a server that runs in this process over in-memory streams (`start` wires it up).
 * Used where the test needs to control what the server runs (e.g. a rule that throws).
 */
export async function startInProcess(start: (serverIn: NodeJS.ReadableStream, serverOut: NodeJS.WritableStream) => void, opts: StartOptions = {}): Promise<TestServer> {
	const toServer = new PassThrough();
	const fromServer = new PassThrough();
	start(toServer, fromServer);
	const server = new TestServer({ fromServer, toServer }, opts.settings ?? withBase());
	// No process id: the server would otherwise poll it with a timer that keeps the test alive.
	await initialize(server, opts, null);
	return server;
}

async function initialize(server: TestServer, opts: StartOptions, processId: number | null): Promise<void> {
	const folder = pathToFileURL(opts.workspaceFolder ?? fixturesDir).href;
	const pull = opts.pullConfiguration ?? true;
	await withTimeout(
		server.connection.sendRequest('initialize', {
			processId,
			rootUri: folder,
			...(opts.bare ? {} : { workspaceFolders: [{ uri: folder, name: 'fixtures' }] }),
			initializationOptions: opts.initializationOptions ?? withBase(),
			capabilities: opts.bare
				? {}
				: {
						workspace: {
							configuration: pull,
							didChangeConfiguration: { dynamicRegistration: pull },
							didChangeWatchedFiles: { dynamicRegistration: true },
							workspaceFolders: true,
						},
						textDocument: {
							synchronization: { dynamicRegistration: false },
							publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
							codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
						},
						...(opts.experimental ? { experimental: opts.experimental } : {}),
					},
		}),
		DEFAULT_TIMEOUT_MS,
		'initialize',
	);
	await server.connection.sendNotification('initialized', {});
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		p.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
		}),
	]);
}

/** Offset of an LSP position (UTF-16), with \n, \r\n and \r line breaks. */
export function offsetAt(text: string, pos: Position): number {
	let line = 0;
	let i = 0;
	while (line < pos.line && i < text.length) {
		const c = text[i++];
		if (c === '\r') {
			if (text[i] === '\n') i++;
			line++;
		} else if (c === '\n') {
			line++;
		}
	}
	return Math.min(i + pos.character, text.length);
}

/** Apply non-overlapping LSP edits to a text. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
	const withOffsets = edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }));
	withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
	for (let i = 1; i < withOffsets.length; i++) {
		if (withOffsets[i].end > withOffsets[i - 1].start) throw new Error('overlapping edits');
	}
	let out = text;
	for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
	return out;
}

/** The range of the first occurrence of `needle` in `text` (after `from`). */
export function rangeOf(text: string, needle: string, from = 0): Range {
	const start = text.indexOf(needle, from);
	if (start < 0) throw new Error(`'${needle}' not found`);
	return { start: positionAt(text, start), end: positionAt(text, start + needle.length) };
}

export function positionAt(text: string, offset: number): Position {
	let line = 0;
	let lineStart = 0;
	for (let i = 0; i < offset; i++) {
		const c = text[i];
		if (c === '\r') {
			if (text[i + 1] === '\n' && i + 1 < offset) i++;
			line++;
			lineStart = i + 1;
		} else if (c === '\n') {
			line++;
			lineStart = i + 1;
		}
	}
	return { line, character: offset - lineStart };
}
