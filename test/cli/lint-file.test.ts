// lintFile on its own: what the text report leaves out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintFile } from '../../server/src/cli/lint-file';
import { FIXTURES, repoRoot } from './run-cli';

describe('cli: lintFile', () => {
	it('withoutFixes (the text report) gives the same findings with no fixes written', () => {
		const file = `${FIXTURES}/insecure/iot-hub.json`;
		const full = lintFile(file, { cwd: repoRoot });
		const lean = lintFile(file, { cwd: repoRoot, withoutFixes: true });
		assert.ok(full.findings.some((f) => f.fixes.length > 0));
		assert.ok(lean.findings.every((f) => f.fixes.length === 0));
		assert.deepEqual(
			lean.findings,
			full.findings.map((f) => ({ ...f, fixes: [] })),
		);
	});
});
