// Bundles the extension client, the language server and the CLI with esbuild, and copies the two
// grammar wasm files next to the server (the only assets the package ships besides the bundles).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });
const common = {
	// jsonc-parser's `main` is a UMD build that esbuild cannot follow; its ESM build bundles cleanly.
	mainFields: ['module', 'main'],
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	minify: process.argv.includes('--minify'),
	sourcemap: false,
	logLevel: 'warning',
	// web-tree-sitter's ESM build reads import.meta.url; in a CJS bundle we supply it from __filename.
	banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
	define: { 'import.meta.url': '__import_meta_url' },
};
await Promise.all([
	esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
	esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
	esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + common.banner.js } }),
]);
chmodSync('dist/cli.js', 0o755);
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'), 'dist/tree-sitter-bicep.wasm');
// The configuration schema lists the rule ids: keep it in step with rules/index.ts.
await import('./scripts/gen-config-schema.mjs');
