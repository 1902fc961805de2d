// Agreement of the cross-resource rules with the corpus ground truth (../shared/corpus/manifest.json): for
// every IoT Hub the manifest lists, iothub-private-endpoint and iothub-diagnostic-logs must stay silent when
// the manifest says the template creates a private endpoint / diagnostic settings for it
// (privateEndpointInSameTemplate / diagnosticSettingsInSameTemplate: true), and should report it when the
// manifest says it does not (false, or a nullable parameter left out: `param:x=<null>`). `null` is not
// determined statically: such hubs are not counted. Agreement is printed; a hub the manifest says is covered
// but that is reported fails the test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import type { Host } from '../../server/src/analysis/host';
import iothubDiagnosticLogs from '../../rules/iothub-diagnostic-logs';
import iothubPrivateEndpoint from '../../rules/iothub-private-endpoint';
import { ensureBicep } from '../support/bicep';
import { fileSystemHost } from '../../server/src/cli/fs-host';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const corpus = path.resolve(repoRoot, '..', 'shared', 'corpus');
const present = existsSync(path.join(corpus, 'manifest.json'));

interface ManifestHub {
	declaredVia: string;
	privateEndpointInSameTemplate?: unknown;
	diagnosticSettingsInSameTemplate?: unknown;
}
interface ManifestFile {
	path: string;
	kind: string;
	role: string;
	iotHubs?: ManifestHub[];
}

const checks = [
	{ rule: iothubPrivateEndpoint, prop: 'privateEndpointInSameTemplate' as const },
	{ rule: iothubDiagnosticLogs, prop: 'diagnosticSettingsInSameTemplate' as const },
];

/** true = covered (no finding expected), false = not covered (a finding expected), undefined = not determined. */
export function expectedCovered(raw: unknown): boolean | undefined {
	if (raw === true || raw === false) return raw;
	if (typeof raw !== 'string') return undefined;
	// A nullable parameter left out: the template creates nothing unless a caller passes it.
	if (/^(param|module-default):[^=]+=<null>$/.test(raw.trim())) return false;
	return undefined;
}

// Modules and parameter files are read from disk as the CLI reads them.
const host: Host = fileSystemHost();

describe('corpus: private endpoints and diagnostic settings agree with manifest.json', { skip: present ? false : 'corpus absent (../shared/corpus): skipped' }, () => {
	const manifest = present ? (JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestFile[] }) : { files: [] };
	const files = manifest.files.filter((f) => (f.role === 'template' || f.role === 'companion') && ['bicep', 'arm-json', 'compiled-bicep-json'].includes(f.kind) && (f.iotHubs?.length ?? 0) > 0);
	const totals = new Map(checks.map((c) => [c.rule.id, { tp: 0, fp: 0, fn: 0, tn: 0, undetermined: 0 }]));
	const disagreements: string[] = [];
	const coveredButReported: string[] = [];

	before(() => ensureBicep());

	for (const file of files) {
		it(file.path, () => {
			const full = path.join(corpus, file.path);
			const uri = pathToFileURL(full).toString();
			const text = readFileSync(full, 'utf8').replace(/^\uFEFF/, '');
			const result = analyzeDocument(uri, text, host, checks.map((c) => c.rule), {});
			assert.deepEqual(result.problems.map((p) => p.message), [], 'no parse problem on a real template');
			for (const check of checks) {
				const t = totals.get(check.rule.id)!;
				let expected = 0;
				let negatives = 0;
				let covered = 0;
				for (const hub of file.iotHubs ?? []) {
					// Linked templates are URLs and are never fetched: their hubs are out of reach by design.
					if (hub.declaredVia.startsWith('linked-template:')) continue;
					const e = expectedCovered(hub[check.prop]);
					if (e === undefined) t.undetermined++;
					else if (e) {
						negatives++;
						covered++;
					} else expected++;
				}
				// Hubs reported (a hub's findings count once).
				const reported = new Set(result.findings.filter((f) => f.ruleId === check.rule.id && !f.unknown).map((f) => f.resourceName)).size;
				t.tp += Math.min(expected, reported);
				t.fp += Math.max(0, reported - expected);
				t.fn += Math.max(0, expected - reported);
				t.tn += Math.max(0, negatives - Math.max(0, reported - expected));
				if (reported !== expected) disagreements.push(`${file.path} ${check.rule.id}: expected ${expected} reported hub(s), got ${reported}`);
				if (covered > 0 && reported > expected) coveredButReported.push(`${file.path} ${check.rule.id}: the manifest says the hub is covered, but it is reported`);
			}
		});
	}

	it('agreement', () => {
		for (const [id, t] of totals) {
			const agree = t.tp + t.tn;
			const all = t.tp + t.tn + t.fp + t.fn;
			console.log(`# corpus ${id}: ${files.length} files, agreement ${agree}/${all} (TP ${t.tp}, TN ${t.tn}, FP ${t.fp}, FN ${t.fn}; ${t.undetermined} hub(s) not determined by the manifest)`);
		}
		for (const d of disagreements) console.log(`# corpus disagreement: ${d}`);
		assert.deepEqual(coveredButReported, []);
	});
});
