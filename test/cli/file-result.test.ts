// Unit tests of the CLI's result helpers (no process spawned).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarize, visible, withoutRepeats, type FileResult, type ReportFinding } from '../../server/src/cli/file-result';

function finding(uri: string, start: number, ruleId = 'iothub-min-tls-1-2', severity: ReportFinding['severity'] = 'warning'): ReportFinding {
	return {
		ruleId,
		control: 'DP-3',
		severity,
		message: `message of ${ruleId}`,
		location: { path: uri.replace('file:///ws/', ''), uri, range: { start: { line: 0, character: start }, end: { line: 0, character: start + 1 } }, offset: { start, end: start + 1 } },
		related: [],
		fixes: [],
		unknown: false,
	};
}

function file(uri: string, findings: ReportFinding[]): FileResult {
	return { path: uri.replace('file:///ws/', ''), uri, status: 'analysed', kind: 'bicep', problems: [], findings, notices: [] };
}

describe('cli: file results', () => {
	it('withoutRepeats drops a finding an earlier file already reported at the same place', () => {
		const seen = new Set<string>();
		// main.bicep's analysis reports inside its module; the module's own analysis reports the same.
		const main = withoutRepeats(file('file:///ws/main.bicep', [finding('file:///ws/modules/hub.bicep', 10), finding('file:///ws/main.bicep', 3)]), seen);
		const module = withoutRepeats(file('file:///ws/modules/hub.bicep', [finding('file:///ws/modules/hub.bicep', 10), finding('file:///ws/modules/hub.bicep', 10, 'iothub-disable-public-network-access'), finding('file:///ws/modules/hub.bicep', 20)]), seen);
		assert.equal(main.findings.length, 2);
		assert.deepEqual(
			module.findings.map((f) => [f.ruleId, f.location.offset.start]),
			[
				['iothub-disable-public-network-access', 10],
				['iothub-min-tls-1-2', 20],
			],
		);
	});

	it('summarize counts analysed files and every severity; visible filters for --quiet', () => {
		const a = file('file:///ws/a.json', [finding('file:///ws/a.json', 1, 'x', 'error'), finding('file:///ws/a.json', 2, 'y', 'info')]);
		a.problems.push({ severity: 'error', message: 'Invalid JSON', location: a.findings[0].location });
		const skipped: FileResult = { path: 'b.json', uri: 'file:///ws/b.json', status: 'skipped', reason: 'binary file', problems: [], findings: [], notices: [] };
		assert.deepEqual(summarize([a, skipped]), { errors: 2, warnings: 0, info: 1, files: 1, suppressed: 0 });
		assert.deepEqual(visible(a.findings, true).map((f) => f.ruleId), ['x']);
		assert.equal(visible(a.findings, false).length, 2);
	});
});
