// VS Code side: starts the language server (dist/server.js over node-ipc) for ARM JSON and Bicep
// documents and adds its commands. Everything else (analysis, quick fixes, settings, the coverage report)
// lives in the server; the client only shows what the server computes.

import * as path from 'path';
import { CodeAction, CodeActionKind, ProgressLocation, Range, Uri, ViewColumn, commands, window, workspace, type ExtensionContext, type WebviewPanel } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions, type StaticFeature } from 'vscode-languageclient/node';

/** Must match the server's FIX_ALL_KIND. */
const FIX_ALL_KIND = CodeActionKind.SourceFixAll.append('iothub-baseline');
const LANGUAGES = ['json', 'jsonc', 'arm-template', 'bicep', 'bicep-params'];
/** Must match the server's COVERAGE_REPORT_REQUEST. */
const COVERAGE_REPORT_REQUEST = 'iothubBaseline/coverageReport';
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Tells the server that this client runs `iothubBaseline.showRuleDoc`, so it offers "Show documentation" actions. */
const showRuleDocFeature: StaticFeature = {
	fillClientCapabilities(capabilities) {
		capabilities.experimental = { ...(capabilities.experimental as object | undefined), iothubBaseline: { showRuleDoc: true } };
	},
	initialize() {},
	getState: () => ({ kind: 'static' }),
	clear() {},
};

/** Open the rule's doc shipped with the extension (`rules/<id>.md`) in the Markdown preview: works offline. */
async function showRuleDoc(context: ExtensionContext, ruleId: unknown): Promise<void> {
	let id = typeof ruleId === 'string' ? ruleId : undefined;
	if (id === undefined) {
		const docs = await workspace.fs.readDirectory(Uri.joinPath(context.extensionUri, 'rules')).then(
			(entries) => entries.map(([name]) => name).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3)).sort(),
			() => [] as string[],
		);
		id = await window.showQuickPick(docs, { placeHolder: 'Rule to show the documentation of' });
		if (id === undefined) return;
	}
	if (!RULE_ID.test(id)) {
		void window.showWarningMessage(`IoT Hub security baseline: '${id}' is not a rule id.`);
		return;
	}
	const doc = Uri.joinPath(context.extensionUri, 'rules', `${id}.md`);
	try {
		await workspace.fs.stat(doc);
	} catch {
		void window.showWarningMessage(`IoT Hub security baseline: no documentation is bundled for '${id}'.`);
		return;
	}
	try {
		await commands.executeCommand('markdown.showPreview', doc);
	} catch {
		// The built-in Markdown extension is disabled: show the source instead.
		await window.showTextDocument(doc, { preview: true });
	}
}

let reportPanel: WebviewPanel | undefined;

/** Ask the server for the coverage report of the active file's workspace folder (else the file) and show it. */
async function showCoverageReport(): Promise<void> {
	if (!client) return;
	const active = window.activeTextEditor?.document.uri;
	const folder = (active && workspace.getWorkspaceFolder(active)) ?? workspace.workspaceFolders?.[0];
	const target = folder?.uri ?? active;
	if (!target) {
		void window.showInformationMessage('IoT Hub security baseline: open a folder or a template to report on.');
		return;
	}
	const running = client;
	const result = await window.withProgress({ location: ProgressLocation.Notification, title: 'IoT Hub security baseline: building the coverage report…' }, () =>
		running.sendRequest<{ content: string; subjects: number }>(COVERAGE_REPORT_REQUEST, { uri: target.toString(), format: 'html' }),
	);
	const title = `Baseline coverage: ${folder?.name ?? target.path.split('/').pop()}`;
	if (!reportPanel) {
		// The report is static HTML from our own renderer (template text escaped); no scripts, no local files.
		reportPanel = window.createWebviewPanel('iothubBaseline.coverageReport', title, ViewColumn.Active, { enableScripts: false, enableCommandUris: false, localResourceRoots: [] });
		reportPanel.onDidDispose(() => {
			reportPanel = undefined;
		});
	} else {
		reportPanel.title = title;
		reportPanel.reveal();
	}
	reportPanel.webview.html = result.content;
}

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
	const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
	const serverOptions: ServerOptions = {
		run: { module: serverModule, transport: TransportKind.ipc },
		debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
	};
	const clientOptions: LanguageClientOptions = {
		documentSelector: LANGUAGES.flatMap((language) => ['file', 'untitled'].map((scheme) => ({ language, scheme }))),
		// The server pulls `iothubBaseline` settings; this makes VS Code tell it when they change.
		synchronize: { configurationSection: 'iothubBaseline' },
	};
	// The id matches the settings prefix, so `iothubBaseline.trace.server` traces the protocol.
	client = new LanguageClient('iothubBaseline', 'IoT Hub Security Baseline', serverOptions, clientOptions);
	client.registerFeature(showRuleDocFeature);

	context.subscriptions.push(
		commands.registerCommand('iothubBaseline.restartServer', async () => {
			if (!client) return;
			await client.restart();
		}),
		commands.registerCommand('iothubBaseline.fixAll', async () => {
			const editor = window.activeTextEditor;
			if (!editor) return;
			const doc = editor.document;
			const all = new Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
			const actions = await commands.executeCommand<CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, all, FIX_ALL_KIND.value);
			const action = actions?.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind) && a.edit);
			if (!action?.edit) {
				void window.showInformationMessage('IoT Hub security baseline: nothing to fix automatically in this file.');
				return;
			}
			await workspace.applyEdit(action.edit);
		}),
		commands.registerCommand('iothubBaseline.showRuleDoc', (ruleId?: unknown) => showRuleDoc(context, ruleId)),
		commands.registerCommand('iothubBaseline.showCoverageReport', async () => {
			try {
				await showCoverageReport();
			} catch (error) {
				void window.showErrorMessage(`IoT Hub security baseline: ${error instanceof Error ? error.message : String(error)}`);
			}
		}),
	);

	await client.start();
}

export async function deactivate(): Promise<void> {
	if (client) await client.stop();
	client = undefined;
}
