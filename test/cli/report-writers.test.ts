// The JSON and SARIF writers the CLI streams through give byte for byte the documents jsonReport and
// sarifReport describe, indented by JSON.stringify(..., null, 2), whatever the files hold (or if none).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { metaRules } from '../../server/src/analysis/suppressions';
import { summarize, type FileResult } from '../../server/src/cli/file-result';
import { JsonReportWriter, jsonReport } from '../../server/src/cli/format-json';
import { SarifReportWriter, sarifReport, type SarifOptions } from '../../server/src/cli/format-sarif';
import { lintFile } from '../../server/src/cli/lint-file';
import { FIXTURES, TLS, repoRoot } from './run-cli';

const lint = (file: string) => lintFile(file, { cwd: repoRoot });
const unreadable: FileResult = { path: 'gone.json', uri: 'file:///gone.json', status: 'error', reason: 'permission denied', problems: [], findings: [], notices: [] };

const runs: [string, () => FileResult[]][] = [
	['templates, a parameter file, a broken file, a binary file and JSON that is no template', () => ['insecure/iot-hub.json', 'insecure/iot-hub.parameters.json', 'mixed/broken.json', 'mixed/binary.json', 'mixed/not-a-template.json', 'secure/secure-hub.json'].map((f) => lint(`${FIXTURES}/${f}`))],
	['no file', () => []],
	['no analysed file', () => [lint(`${FIXTURES}/mixed/not-a-template.json`), unreadable]],
	['an analysed file with nothing to report', () => [lint(`${FIXTURES}/secure/secure-hub.json`)]],
];

function written(add: (write: (s: string) => void) => void): string {
	let out = '';
	add((s) => (out += s));
	return out;
}

describe('cli: report writers', () => {
	for (const [name, results] of runs) {
		for (const quiet of [false, true]) {
			it(`JSON: ${name}${quiet ? ' (--quiet)' : ''}`, () => {
				const rs = results();
				const summary = summarize(rs);
				const out = written((write) => {
					const w = new JsonReportWriter(write, quiet);
					for (const r of rs) w.add(r);
					w.end(summary);
				});
				assert.equal(out, `${JSON.stringify(jsonReport(rs, summary, quiet), null, 2)}\n`);
			});

			it(`SARIF: ${name}${quiet ? ' (--quiet)' : ''}`, () => {
				const rs = results();
				const options: SarifOptions = { cwd: repoRoot, rules: [...allRules, ...metaRules], levels: quiet ? { [TLS]: 'error' } : {}, quiet };
				const out = written((write) => {
					const w = new SarifReportWriter(options);
					for (const r of rs) w.add(r);
					w.end(write);
				});
				assert.equal(out, `${JSON.stringify(sarifReport(rs, options), null, 2)}\n`);
			});
		}
	}
});
