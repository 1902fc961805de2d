// Node 20 cannot run TypeScript directly: transpile the sources and tests (no bundling, so each test
// imports the real modules) into out/, keeping the folder layout so relative paths still resolve.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import path from 'node:path';

function walk(dir, out = []) {
	for (const name of readdirSync(dir)) {
		const p = path.join(dir, name);
		if (name === 'node_modules' || name === 'fixtures') continue;
		if (statSync(p).isDirectory()) walk(p, out);
		else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
	}
	return out;
}
rmSync('out', { recursive: true, force: true });
const entryPoints = ['server/src', 'rules', 'test', 'client/src'].flatMap((d) => walk(d));
await esbuild.build({ entryPoints, outdir: 'out', outbase: '.', format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: 'inline' });
