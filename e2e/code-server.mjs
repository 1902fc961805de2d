// One code-server run with nothing shared: a fresh temp dir holds the user data, the extensions dir, a copy of
// the workspace, the chromium profile, HOME, the XDG dirs and TMPDIR (code-server leaves vscode-ipc-*.sock
// files in TMPDIR and writes under ~/.local/share and ~/.config otherwise). code-server runs in its own
// session (setsid), so the extension host, file watcher and language servers it forks die with one
// kill(-pgid). See /work/shared/notes/editor-testing.md, section 3 and appendices B/C.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const codeServerBin = join(here, 'node_modules', '.bin', 'code-server');
export const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
/** Launch flags for Debian's chromium in a container (notes, appendix C). */
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const live = new Set();
// Last resort when the process leaves without teardown (an uncaught error, process.exit in a handler).
process.on('exit', () => {
	for (const s of live) s.killNow();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
	return new Promise((res, rej) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => res(port));
		});
	});
}

/** Settings for a quiet, deterministic workbench. */
export const baseSettings = {
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'workbench.enableExperiments': false,
	'workbench.welcomePage.walkthroughs.openOnInstall': false,
	'security.workspace.trust.enabled': false,
	'telemetry.telemetryLevel': 'off',
	'update.mode': 'none',
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	// The templates' $schema points at schema.management.azure.com, which is not reachable here.
	'json.schemaDownload.enable': false,
	'files.hotExit': 'off',
	// VS Code for the web (code-server) saves after a delay by default; the tests check unsaved edits.
	'files.autoSave': 'off',
	'chat.commandCenter.enabled': false,
};

export class CodeServerSession {
	/** @param {{ workspace: string, settings?: object, keep?: boolean, log?: (s: string) => void }} opts */
	constructor(opts) {
		this.opts = opts;
		this.log = opts.log ?? console.log;
		this.work = mkdtempSync(join(tmpdir(), 'iothub-e2e-'));
		for (const d of ['data/User', 'ext', 'tmp', 'home', 'xdg/config', 'xdg/data', 'xdg/cache', 'chromium']) mkdirSync(join(this.work, d), { recursive: true });
		this.ws = join(this.work, 'ws');
		cpSync(opts.workspace, this.ws, { recursive: true });
		this.extDir = join(this.work, 'ext');
		this.logFile = join(this.work, 'code-server.log');
		this.env = {
			...process.env,
			TMPDIR: join(this.work, 'tmp'),
			HOME: join(this.work, 'home'),
			XDG_CONFIG_HOME: join(this.work, 'xdg/config'),
			XDG_DATA_HOME: join(this.work, 'xdg/data'),
			XDG_CACHE_HOME: join(this.work, 'xdg/cache'),
		};
		delete this.env.VSCODE_IPC_HOOK_CLI; // run from a VS Code terminal: do not talk to that VS Code
		writeFileSync(join(this.work, 'data/User/settings.json'), JSON.stringify({ ...baseSettings, ...opts.settings }, null, 2));
		live.add(this);
	}

	get baseArgs() {
		return ['--config', join(this.work, 'config.yaml'), '--user-data-dir', join(this.work, 'data'), '--extensions-dir', this.extDir];
	}

	/** Install a .vsix into the fresh extensions dir; returns `code-server --list-extensions --show-versions`. */
	installVsix(vsix) {
		writeFileSync(join(this.work, 'config.yaml'), 'auth: none\ncert: false\n');
		const inst = spawnSync(codeServerBin, [...this.baseArgs, '--install-extension', vsix, '--force'], { env: this.env, encoding: 'utf8', timeout: 60000 });
		if (inst.status !== 0) throw new Error(`code-server --install-extension failed (${inst.status ?? inst.error?.message}): ${`${inst.stdout}${inst.stderr}`.trim().split('\n').slice(-3).join(' | ')}`);
		const list = spawnSync(codeServerBin, [...this.baseArgs, '--list-extensions', '--show-versions'], { env: this.env, encoding: 'utf8', timeout: 60000 });
		return list.stdout.split('\n').filter((l) => l.includes('@'));
	}

	/** Start code-server on a free 127.0.0.1 port and wait for /healthz. */
	async start() {
		this.port = await freePort();
		this.authority = `127.0.0.1:${this.port}`;
		this.base = `http://${this.authority}`;
		writeFileSync(join(this.work, 'config.yaml'), `bind-addr: ${this.authority}\nauth: none\ncert: false\n`);
		const fd = openSync(this.logFile, 'a');
		// detached: true is setsid(2): code-server leads a new session and process group.
		this.child = spawn(codeServerBin, [...this.baseArgs, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', this.ws], {
			env: this.env,
			detached: true,
			stdio: ['ignore', fd, fd],
		});
		const deadline = Date.now() + 30000;
		let last = '';
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null) throw new Error(`code-server exited with ${this.child.exitCode}: ${this.logTail(5)}`);
			try {
				const r = await fetch(`${this.base}/healthz`);
				if (r.ok) return;
				last = `HTTP ${r.status}`;
			} catch (e) {
				last = e.cause?.code ?? e.message;
			}
			await sleep(200);
		}
		throw new Error(`code-server /healthz did not answer within 30 s (${last}): ${this.logTail(5)}`);
	}

	logTail(n) {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-n).join('\n') : '';
	}

	/** Launch chromium on a fresh profile and open the workbench; `query` is added to the URL. */
	async browse({ query = '', headed = false, viewport = { width: 1400, height: 1200 } } = {}) {
		const { chromium } = await import('playwright-core');
		this.ctx = await chromium.launchPersistentContext(join(this.work, 'chromium'), {
			executablePath: chromiumBin,
			headless: !headed,
			env: this.env,
			viewport,
			args: headed ? chromiumArgs : ['--headless', ...chromiumArgs],
		});
		const page = this.ctx.pages()[0] ?? (await this.ctx.newPage());
		page.setDefaultTimeout(30000);
		await page.goto(`${this.base}/?folder=${encodeURIComponent(this.ws)}${query}`);
		return page;
	}

	/** Synchronous kill of the whole code-server group (exit handler). */
	killNow() {
		if (this.child?.pid) {
			try {
				process.kill(-this.child.pid, 'SIGKILL');
			} catch {
				// the group is gone
			}
		}
	}

	/** Close the browser, kill code-server's process group (TERM, then KILL), remove the temp dir. */
	async close({ keep = this.opts.keep } = {}) {
		if (this.ctx) {
			const c = this.ctx;
			this.ctx = undefined;
			await Promise.race([c.close().catch(() => {}), sleep(10000)]);
		}
		if (this.child?.pid) {
			const c = this.child;
			try {
				process.kill(-c.pid, 'SIGTERM');
			} catch {
				// the group is gone
			}
			const exited = c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));
			await Promise.race([exited, sleep(3000)]);
			this.killNow(); // whatever of the group outlived SIGTERM (extension host, language servers)
			this.child = undefined;
		}
		live.delete(this);
		if (keep) this.log(`kept ${this.work}`);
		else rmSync(this.work, { recursive: true, force: true });
	}
}
