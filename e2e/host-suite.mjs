#!/usr/bin/env node
// Runs the extension-host suite of test/vscode/ (written for @vscode/test-electron) inside code-server's
// VS Code 1.100.3, because desktop VS Code cannot be downloaded here. The web workbench takes the same
// `extensionDevelopmentPath` / `extensionTestsPath` arguments as desktop VS Code through its `payload` URL
// parameter; with vscode-remote:// URIs the extension under development and the tests load in code-server's
// Node extension host, where the suite talks to the real `vscode` API.
//
//   node e2e/host-suite.mjs [--timeout 180] [--keep]
//
// The extension under test is the repository (main = dist/extension.js, so `npm run build` first). The suite is
// bundled with esbuild into the run's temp dir. The suite's PASS/FAIL lines come back through the browser
// console. The last line is `N passed, N failed`.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeServerSession, chromiumBin, codeServerBin } from './code-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const started = Date.now();
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = argv.indexOf(name);
	return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const timeoutS = Number(opt('--timeout', '180'));
const log = (s) => console.log(s);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

let session;
let finished = false;
async function finish(passed, failed, code) {
	if (finished) return;
	finished = true;
	if (session) await session.close().catch((e) => log(`teardown: ${e.message}`));
	log(`extension-host suite (test/vscode in code-server): ${secs(Date.now() - started)}`);
	log(`${passed} passed, ${failed} failed`);
	process.exit(code ?? (failed > 0 || passed === 0 ? 1 : 0));
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void finish(0, 1, 1));

async function main() {
	for (const [what, path] of [['dist/extension.js (npm run build)', join(repo, 'dist', 'extension.js')], ['dist/server.js (npm run build)', join(repo, 'dist', 'server.js')], ['code-server (cd e2e && npm ci)', codeServerBin], [chromiumBin, chromiumBin]]) {
		if (!existsSync(path)) {
			log(`SETUP FAILED: ${what} is missing`);
			return finish(0, 1, 1);
		}
	}
	session = new CodeServerSession({ workspace: join(here, 'fixtures'), keep: argv.includes('--keep'), log });
	const suiteDir = join(session.work, 'suite');
	const esbuild = createRequire(join(repo, 'package.json'))('esbuild');
	await esbuild.build({ entryPoints: [join(repo, 'test', 'vscode', 'suite', 'index.ts')], outfile: join(suiteDir, 'index.js'), bundle: true, external: ['vscode'], platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });

	await session.start();
	const lines = [];
	let summary;
	const uri = (p) => `vscode-remote://${session.authority}${p}`;
	const payload = JSON.stringify([
		['extensionDevelopmentPath', uri(repo)],
		['extensionTestsPath', uri(join(suiteDir, 'index'))],
	]);
	const page = await session.browse({ query: `&payload=${encodeURIComponent(payload)}` });
	page.on('console', (m) => {
		// Extension-host console output arrives as `%c INFO color: #33f <text>`.
		const text = m.text().replace(/^%c\s+\w+\s+color:\s*#\w+\s*/, '');
		if (/^(PASS|FAIL) /.test(text)) {
			lines.push(text);
			log(text);
		}
		const s = /^(\d+) passed, (\d+) failed$/m.exec(text);
		if (s) summary = { passed: Number(s[1]), failed: Number(s[2]) };
	});
	const deadline = Date.now() + timeoutS * 1000;
	while (!summary && Date.now() < deadline) {
		if (/Extension Host Process exited/.test(session.logTail(50))) {
			await new Promise((r) => setTimeout(r, 500)); // the last console messages may still be on the way
			if (!summary) break;
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	if (!summary) {
		log(Date.now() >= deadline ? `TIMEOUT: no result from the extension host within ${timeoutS} s` : 'the extension host exited without a result');
		log(session.logTail(8).replace(/^/gm, '  '));
		return finish(lines.filter((l) => l.startsWith('PASS')).length, Math.max(1, lines.filter((l) => l.startsWith('FAIL')).length), 1);
	}
	return finish(summary.passed, summary.failed);
}

main().catch(async (e) => {
	if (finished) return;
	log(`ERROR: ${e.stack ?? e}`);
	await finish(0, 1, 1);
});
