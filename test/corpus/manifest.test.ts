// Agreement with the corpus ground truth (../shared/corpus/manifest.json): for every IoT Hub the
// manifest lists, does the linter report public network access, TLS, local auth and identity exactly
// when the manifest says the effective value is insecure? Counts are compared per file and rule.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import type { Host } from '../../server/src/analysis/host';
import { allRules } from '../../rules/index';
import { ensureBicep } from '../support/bicep';
import { fileSystemHost } from '../../server/src/cli/fs-host';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const corpus = path.resolve(repoRoot, '..', 'shared', 'corpus');
const present = existsSync(path.join(corpus, 'manifest.json'));

interface ManifestHub {
	declaredVia: string;
	[prop: string]: unknown;
}
interface ManifestFile {
	path: string;
	kind: string;
	role: string;
	iotHubs?: ManifestHub[];
}

/** rule id → manifest property and how to judge a resolved value. */
const checks: { rule: string; prop: string; secure(v: string): boolean }[] = [
	{ rule: 'iothub-disable-public-network-access', prop: 'publicNetworkAccess', secure: (v) => v.toLowerCase() === 'disabled' },
	{ rule: 'iothub-min-tls-1-2', prop: 'minTlsVersion', secure: (v) => v === '1.2' || v === '1.3' },
	{ rule: 'iothub-disable-local-auth', prop: 'disableLocalAuth', secure: (v) => v.toLowerCase() === 'true' },
	{ rule: 'iothub-managed-identity', prop: 'identity.type', secure: (v) => v !== '' && v.toLowerCase() !== 'none' },
];

/** Hubs we cannot see by design: linked templates are URLs and are never fetched. */
function outOfReach(hub: ManifestHub): string | undefined {
	if (hub.declaredVia.startsWith('linked-template:')) return 'linked template (templateLink is never fetched)';
	return undefined;
}

/**
 * Is the manifest value insecure? undefined when it cannot be determined statically (`null`,
 * `<required>` parameters): the linter must stay silent there, so those hubs expect no finding.
 */
export function expectedInsecure(raw: unknown, secure: (v: string) => boolean): boolean | undefined {
	if (raw === null || raw === undefined) return undefined;
	let v = String(raw).trim();
	if (v.startsWith('default:')) return true;
	const m = /^(?:param|module-default):[^=]+=(.*)$/.exec(v);
	if (m) {
		v = m[1].replace(/\s*\(.*\)\s*$/, '').trim();
		if (v === '<required>') return undefined;
		if (v === '<null>') return true;
	}
	return !secure(v.replace(/^'(.*)'$/, '$1'));
}

// Modules and parameter files are read from disk as the CLI reads them.
const host: Host = fileSystemHost();

describe('corpus agreement with manifest.json', { skip: present ? false : 'corpus absent (../shared/corpus): skipped' }, () => {
	const manifest = present ? (JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestFile[] }) : { files: [] };
	const files = manifest.files.filter((f) => (f.role === 'template' || f.role === 'companion') && ['bicep', 'arm-json', 'compiled-bicep-json'].includes(f.kind));
	const totals = { tp: 0, fp: 0, fn: 0, tn: 0 };
	const disagreements: string[] = [];
	const skipped: string[] = [];

	before(() => ensureBicep());

	for (const file of files) {
		it(file.path, () => {
			const full = path.join(corpus, file.path);
			const uri = pathToFileURL(full).toString();
			const text = readFileSync(full, 'utf8').replace(/^\uFEFF/, '');
			const result = analyzeDocument(uri, text, host, allRules, {});
			assert.deepEqual(result.problems.map((p) => p.message), [], 'no parse problem on a real template');
			for (const check of checks) {
				let expected = 0;
				let negatives = 0;
				for (const hub of file.iotHubs ?? []) {
					const why = outOfReach(hub);
					if (why) {
						skipped.push(`${file.path}: ${why}`);
						continue;
					}
					const e = expectedInsecure(hub[check.prop], check.secure);
					if (e === true) expected++;
					else negatives++;
				}
				const actual = result.findings.filter((f) => f.ruleId === check.rule && !f.unknown).length;
				totals.tp += Math.min(expected, actual);
				totals.fp += Math.max(0, actual - expected);
				totals.fn += Math.max(0, expected - actual);
				totals.tn += Math.max(0, negatives - Math.max(0, actual - expected));
				if (actual !== expected) disagreements.push(`${file.path} ${check.rule}: expected ${expected}, got ${actual}`);
			}
		});
	}

	it('precision and recall', () => {
		const precision = totals.tp / Math.max(1, totals.tp + totals.fp);
		const recall = totals.tp / Math.max(1, totals.tp + totals.fn);
		console.log(`# corpus: ${files.length} files, TP ${totals.tp}, FP ${totals.fp}, FN ${totals.fn}, TN ${totals.tn}; precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
		for (const s of new Set(skipped)) console.log(`# corpus: not analysed by design: ${s}`);
		assert.deepEqual(disagreements, []);
	});
});
