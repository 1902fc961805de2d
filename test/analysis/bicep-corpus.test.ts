// Every .bicep file of the shared corpus (../shared/corpus next to the repository): it loads without
// throwing, reports no problem (all of it is valid Bicep, some of it newer than the grammar), and the IoT
// Hubs the manifest lists for it are found (directly or through local modules) with the right apiVersion.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadBicepTemplate } from '../../server/src/analysis/bicep/adapter';
import { initBicep, parseBicep } from '../../server/src/analysis/bicep/parser';
import type { Host } from '../../server/src/analysis/host';

/** The repository root: the nearest folder up with our package.json (tests may run from a build folder). */
function repoRoot(): string {
	for (let dir = __dirname; ; dir = path.dirname(dir)) {
		const pkg = path.join(dir, 'package.json');
		if (existsSync(pkg) && /"name":\s*"iothub-security-baseline"/.test(readFileSync(pkg, 'utf8'))) return dir;
		if (path.dirname(dir) === dir) return process.cwd();
	}
}

const corpus = path.resolve(repoRoot(), '../shared/corpus');
const present = existsSync(path.join(corpus, 'manifest.json'));

interface ManifestFile {
	path: string;
	kind: string;
	iotHubs?: { apiVersion: string; copyLoop: boolean; declaredVia: string }[];
	existingHubReferences?: string[];
}

function bicepFiles(dir: string, out: string[] = []): string[] {
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) bicepFiles(p, out);
		else if (e.name.endsWith('.bicep')) out.push(p);
	}
	return out;
}

const host: Host = {
	readText(uri) {
		try {
			return readFileSync(fileURLToPath(uri), 'utf8');
		} catch {
			return undefined;
		}
	},
};

describe('bicep corpus', () => {
	if (!present) {
		it('corpus', (t) => t.skip('corpus absent'));
		return;
	}
	const manifest = JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
	const byPath = new Map(manifest.files.map((f) => [f.path, f]));
	const files = bicepFiles(corpus).sort();
	const totals = { files: 0, hubs: 0, parseMs: 0, loadMs: 0 };

	before(() => initBicep());

	it('has .bicep files', () => assert.ok(files.length >= 30, `only ${files.length} files`));

	for (const file of files) {
		const rel = path.relative(corpus, file).split(path.sep).join('/');
		it(rel, () => {
			const text = readFileSync(file, 'utf8');
			const uri = pathToFileURL(file).toString();
			// Warm, then time one parse and one whole load (parse + model + modules) of the same text.
			parseBicep(text)?.delete();
			let t0 = performance.now();
			parseBicep(text)?.delete();
			totals.parseMs += performance.now() - t0;
			t0 = performance.now();
			const t = loadBicepTemplate(uri, text, host);
			totals.loadMs += performance.now() - t0;
			totals.files++;
			assert.deepEqual(t.problems, []);
			const entry = byPath.get(rel);
			assert.ok(entry, `${rel} is not in the manifest`);
			const hubs = t.resources.filter((r) => r.type.toLowerCase() === 'microsoft.devices/iothubs' && !r.existing);
			totals.hubs += hubs.length;
			assert.deepEqual(
				hubs.map((h) => [h.apiVersion, h.inLoop === true]).sort(),
				(entry.iotHubs ?? []).map((h) => [h.apiVersion, h.copyLoop]).sort(),
			);
			// Hubs declared through a module point back at the module declaration.
			for (const [i, h] of (entry.iotHubs ?? []).entries()) {
				if (h.declaredVia.startsWith('module:')) assert.ok(hubs[i]?.via?.length, 'module hub without via');
			}
			const existing = t.resources.filter((r) => r.type.toLowerCase() === 'microsoft.devices/iothubs' && r.existing && !r.via);
			assert.equal(existing.length, entry.existingHubReferences?.length ?? 0);
		});
	}

	it('totals', (t) => {
		t.diagnostic(`${totals.files} files, ${totals.hubs} hubs; parse ${totals.parseMs.toFixed(1)} ms, load ${totals.loadMs.toFixed(1)} ms`);
		assert.ok(totals.hubs >= 20);
	});
});
