// A minimal LSP client over stdio (vscode-jsonrpc) for the editor-path and activation measurements:
// spawns `node dist/server.js --stdio` the way an editor does and talks to it in real protocol messages.

import { spawn } from 'node:child_process';
import { now, require } from './lib.mjs';

const rpc = require('vscode-jsonrpc/node');

export const SETTINGS_SECTION = 'iothubBaseline';

/**
 * Start the server and answer `initialize`. `t0` is taken just before spawn, so `initializeMs` is the
 * whole cost of starting node, loading the bundle and answering the first request. BENCH_SERVER_NODE_ARGS
 * (space-separated) go to the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
 */
export async function startServer({ serverPath, cwd, rootUri, settings, timeoutMs = 30_000 }) {
	const t0 = now();
	const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : []), serverPath, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (d) => {
		if (stderr.length < 20_000) stderr += d;
	});
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
	const listeners = new Set();
	const published = [];
	conn.onNotification('textDocument/publishDiagnostics', (p) => {
		const e = { t: now(), uri: p.uri, version: p.version, count: p.diagnostics.length };
		published.push(e);
		for (const l of [...listeners]) l(e);
	});
	conn.onNotification(() => {});
	conn.onRequest((method, params) => {
		if (method === 'workspace/configuration') {
			return (params?.items ?? []).map((it) => (it.section === SETTINGS_SECTION ? settings : it.section?.startsWith(`${SETTINGS_SECTION}.`) ? settings[it.section.slice(SETTINGS_SECTION.length + 1)] ?? null : it.section ? null : { [SETTINGS_SECTION]: settings }));
		}
		return null;
	});
	conn.onError(() => {});
	conn.onClose(() => {});
	conn.listen();

	const init = conn.sendRequest('initialize', {
		processId: process.pid,
		clientInfo: { name: 'iothub-baseline-bench' },
		rootUri: rootUri ?? null,
		workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
		initializationOptions: { [SETTINGS_SECTION]: settings },
		capabilities: {
			workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
			textDocument: {
				synchronization: { dynamicRegistration: false, didSave: true },
				publishDiagnostics: { relatedInformation: true, versionSupport: true },
				codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
			},
			window: { workDoneProgress: false },
		},
	});
	const initResult = await withTimeout(
		Promise.race([init, exited.then((x) => Promise.reject(new Error(`server exited (${x.code ?? x.signal}) before answering initialize: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)))]),
		timeoutMs,
		'initialize',
	);
	const initializeMs = now() - t0;
	conn.sendNotification('initialized', {});

	const server = {
		conn,
		child,
		initResult,
		initializeMs,
		published,
		get stderr() {
			return stderr;
		},
		/** Resolves with the next publishDiagnostics for `uri` (with version ≥ `minVersion` when the server sends versions). */
		nextDiagnostics(uri, minVersion, ms = 120_000) {
			return withTimeout(
				new Promise((resolve) => {
					const l = (e) => {
						if (e.uri !== uri) return;
						if (minVersion !== undefined && e.version !== undefined && e.version !== null && e.version < minVersion) return;
						listeners.delete(l);
						resolve(e);
					};
					listeners.add(l);
				}),
				ms,
				`publishDiagnostics for ${uri}`,
			);
		},
		/** 1 = full, 2 = incremental text sync. */
		get syncKind() {
			const s = initResult?.capabilities?.textDocumentSync;
			return typeof s === 'number' ? s : (s?.change ?? 1);
		},
		async stop() {
			try {
				await withTimeout(conn.sendRequest('shutdown'), 2000, 'shutdown');
				conn.sendNotification('exit');
			} catch {
				/* killed below */
			}
			const t = setTimeout(() => child.kill('SIGKILL'), 2000);
			await exited;
			clearTimeout(t);
			conn.dispose();
		},
	};
	return server;
}

export function withTimeout(promise, ms, what) {
	let timer;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise((_, reject) => {
			timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
		}),
	]);
}

/** Position (line, UTF-16 character) of `offset` in `text`. */
export function positionAt(text, offset) {
	let line = 0;
	let lineStart = 0;
	for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
		line++;
		lineStart = i + 1;
	}
	return { line, character: offset - lineStart };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
