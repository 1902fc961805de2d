// VS Code side: starts the language server (dist/server.js over node-ipc) for ARM JSON and Bicep
// documents and adds two commands. Everything else (analysis, quick fixes, settings) lives in the server.

import * as path from 'path';
import { CodeAction, CodeActionKind, Range, commands, window, workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** Must match the server's FIX_ALL_KIND. */
const FIX_ALL_KIND = CodeActionKind.SourceFixAll.append('iothub-baseline');
const LANGUAGES = ['json', 'jsonc', 'arm-template', 'bicep', 'bicep-params'];

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
	);

	await client.start();
}

export async function deactivate(): Promise<void> {
	if (client) await client.stop();
	client = undefined;
}
