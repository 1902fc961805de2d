#!/usr/bin/env node
// A minimal LSP client over stdio, with no dependencies: starts `node <server.js> --stdio`, opens one file and
// waits for diagnostics from source `iothub-baseline`. The editor suites use it to tell "this front end does
// not work yet" (skip, with the reason) from "the editor integration is broken" (fail).
//
//   node e2e/lsp-probe.mjs --server dist/server.js --file e2e/fixtures/insecure-hub.bicep [--timeout 10000]
//
// Exit 0: diagnostics arrived (printed as JSON lines); 1: none within the timeout; 2: the server failed.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SOURCE = 'iothub-baseline';

function languageIdOf(file) {
	if (file.endsWith('.bicepparam')) return 'bicep-params';
	if (file.endsWith('.bicep')) return 'bicep';
	if (file.endsWith('.jsonc')) return 'jsonc';
	return 'json';
}

/**
 * Open `file` in a fresh server and resolve with `{ ok, diagnostics, ms, error }`: ok when at least one
 * diagnostic from our source arrived within `timeoutMs`.
 */
export function probe(serverJs, file, { timeoutMs = 10000 } = {}) {
	const started = Date.now();
	return new Promise((resolvePromise) => {
		const uri = pathToFileURL(resolve(file)).href;
		const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
		let buf = Buffer.alloc(0);
		let nextId = 1;
		let stderr = '';
		let done = false;
		const finish = (result) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			try {
				send({ jsonrpc: '2.0', id: nextId++, method: 'shutdown' });
				send({ jsonrpc: '2.0', method: 'exit' });
			} catch {
				// the server is gone already
			}
			setTimeout(() => child.kill('SIGKILL'), 500).unref();
			resolvePromise({ ...result, ms: Date.now() - started });
		};
		const timer = setTimeout(() => finish({ ok: false, diagnostics: [], error: `no diagnostics within ${timeoutMs} ms` }), timeoutMs);
		const send = (msg) => {
			const body = Buffer.from(JSON.stringify(msg), 'utf8');
			child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
			child.stdin.write(body);
		};
		child.on('error', (e) => finish({ ok: false, diagnostics: [], error: `cannot start the server: ${e.message}` }));
		child.on('exit', (code, signal) => finish({ ok: false, diagnostics: [], error: `server exited (${code ?? signal}) ${stderr.trim().split('\n').slice(-3).join(' | ')}` }));
		child.stdin.on('error', () => {});
		child.stderr.on('data', (d) => (stderr += d));
		child.stdout.on('data', (chunk) => {
			buf = Buffer.concat([buf, chunk]);
			for (;;) {
				const headerEnd = buf.indexOf('\r\n\r\n');
				if (headerEnd < 0) return;
				const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, headerEnd).toString('ascii'));
				if (!m) return finish({ ok: false, diagnostics: [], error: 'bad LSP header from the server' });
				const len = Number(m[1]);
				if (buf.length < headerEnd + 4 + len) return;
				const msg = JSON.parse(buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8'));
				buf = buf.subarray(headerEnd + 4 + len);
				onMessage(msg);
			}
		});
		const onMessage = (msg) => {
			if (msg.method && msg.id !== undefined) {
				// A request from the server: settings (one null per item = defaults), registrations, progress.
				const result = msg.method === 'workspace/configuration' ? (msg.params?.items ?? []).map(() => null) : null;
				send({ jsonrpc: '2.0', id: msg.id, result });
				return;
			}
			if (msg.id === 1 && msg.result) {
				send({ jsonrpc: '2.0', method: 'initialized', params: {} });
				send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: languageIdOf(file), version: 1, text: readFileSync(file, 'utf8') } } });
				return;
			}
			if (msg.id === 1 && msg.error) return finish({ ok: false, diagnostics: [], error: `initialize failed: ${msg.error.message}` });
			if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === uri) {
				const ours = msg.params.diagnostics.filter((d) => d.source === SOURCE);
				if (ours.length > 0) finish({ ok: true, diagnostics: ours });
			}
		};
		send({
			jsonrpc: '2.0',
			id: nextId++,
			method: 'initialize',
			params: {
				processId: process.pid,
				rootUri: pathToFileURL(resolve(file, '..')).href,
				capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {}, codeAction: {} } },
			},
		});
	});
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const arg = (name, dflt) => {
		const i = process.argv.indexOf(name);
		return i >= 0 ? process.argv[i + 1] : dflt;
	};
	const server = arg('--server');
	const file = arg('--file');
	if (!server || !file) {
		console.error('usage: node e2e/lsp-probe.mjs --server dist/server.js --file <template> [--timeout ms]');
		process.exit(2);
	}
	const r = await probe(server, file, { timeoutMs: Number(arg('--timeout', '10000')) });
	for (const d of r.diagnostics) console.log(JSON.stringify({ line: d.range.start.line + 1, code: d.code, message: d.message }));
	if (!r.ok) console.log(`probe: ${r.error}`);
	process.exit(r.ok ? 0 : r.error?.startsWith('no diagnostics') ? 1 : 2);
}
