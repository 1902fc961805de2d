// Extension-host tests in desktop VS Code through @vscode/test-electron: the same four scenarios as the
// code-server suite (e2e/run.mjs), driven through the `vscode` API instead of the keyboard.
//
//   npm run build && npm run build:tests && node out/test/vscode/run.js
//
// The extension under test is the repository itself (extensionDevelopmentPath = root, main = dist/extension.js);
// the workspace is a fresh copy of e2e/fixtures/, with a fresh user-data and extensions dir (so no Microsoft
// Bicep extension). VS Code has to be downloaded (update.code.visualstudio.com) unless VSCODE_EXECUTABLE_PATH
// names an installed one; when the download fails this prints one line and exits 1. On Linux without a display,
// run it under `xvfb-run -a`. Where VS Code cannot be downloaded, e2e/host-suite.mjs runs this same suite in
// code-server's extension host instead (part of scripts/e2e.sh).
//
// Env: VSCODE_EXECUTABLE_PATH (skip the download), VSCODE_TEST_VERSION (default 1.100.3, the VS Code inside
// code-server 4.100.3; `stable` for the newest), VSCODE_TEST_CACHE (default node_modules/.cache/vscode-test).

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SilentReporter, downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

function repoRoot(): string {
	for (let dir = __dirname; ; dir = path.dirname(dir)) {
		const pkg = path.join(dir, 'package.json');
		if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'iothub-security-baseline') return dir;
		if (path.dirname(dir) === dir) throw new Error(`no iothub-security-baseline package.json above ${__dirname}`);
	}
}

async function main(): Promise<number> {
	const root = repoRoot();
	if (!existsSync(path.join(root, 'dist', 'extension.js')) || !existsSync(path.join(root, 'dist', 'server.js'))) {
		console.log('test:vscode: dist/extension.js or dist/server.js is missing (npm run build)');
		return 1;
	}
	let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
	if (!vscodeExecutablePath) {
		try {
			vscodeExecutablePath = await downloadAndUnzipVSCode({
				version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
				cachePath: process.env.VSCODE_TEST_CACHE ?? path.join(root, 'node_modules', '.cache', 'vscode-test'),
				reporter: new SilentReporter(),
				timeout: 15000,
			});
		} catch (e) {
			const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
			console.log(`test:vscode: VS Code could not be downloaded (offline? ${why}); this suite needs a machine that can download VS Code, or VSCODE_EXECUTABLE_PATH`);
			return 1;
		}
	}

	const work = mkdtempSync(path.join(tmpdir(), 'iothub-vscode-test-'));
	try {
		const ws = path.join(work, 'ws');
		cpSync(path.join(root, 'e2e', 'fixtures'), ws, { recursive: true });
		mkdirSync(path.join(work, 'data', 'User'), { recursive: true });
		const code = await runTests({
			vscodeExecutablePath,
			extensionDevelopmentPath: root,
			extensionTestsPath: path.join(__dirname, 'suite', 'index'),
			extensionTestsEnv: { IOTHUB_E2E_WORKSPACE: ws },
			launchArgs: [
				ws,
				'--user-data-dir', path.join(work, 'data'),
				'--extensions-dir', path.join(work, 'ext'),
				'--disable-extensions', // other installed extensions (a Bicep extension among them) stay off
				'--disable-workspace-trust',
				'--skip-welcome',
				'--skip-release-notes',
			],
		});
		return code;
	} catch (e) {
		console.log(`test:vscode: ${e instanceof Error ? e.message : String(e)}`);
		return 1;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.log(`test:vscode: ${e instanceof Error ? e.message : String(e)}`);
		process.exit(1);
	},
);
