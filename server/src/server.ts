// Entry point of the language server bundle (dist/server.js). VS Code starts it over node-ipc; other
// editors run `node dist/server.js --stdio`. With no transport argument it talks over stdio too.

import { ProposedFeatures, createConnection, type Connection } from 'vscode-languageserver/node';
import { installBicep } from './analysis/bicep/install';
import { startLanguageServer } from './lsp/language-server';

const transports = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const connection: Connection = process.argv.some((a) => transports.some((t) => a === t || a.startsWith(`${t}=`)))
	? createConnection(ProposedFeatures.all)
	: createConnection(ProposedFeatures.all, process.stdin, process.stdout);

// The server must outlive any bad input: log what escaped a handler and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`Uncaught error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

// The grammar wasm files sit next to the bundle. Loading takes ~25 ms; JSON analysis does not wait for it.
const bicepReady = installBicep({ wasmDir: __dirname }).then(
	() => true,
	(error: unknown) => {
		connection.console.error(`Bicep support failed to load, only ARM JSON is analysed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		return false;
	},
);

startLanguageServer(connection, { bicepReady });
