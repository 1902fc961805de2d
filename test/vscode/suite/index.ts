// Entry point VS Code calls in the extension host (`--extensionTestsPath`): runs the scenarios of suite.ts
// one after another and prints PASS/FAIL lines and `N passed, N failed`. No mocha: nothing to install.

import { scenarios } from './suite';

export async function run(): Promise<void> {
	let passed = 0;
	let failed = 0;
	for (const s of scenarios) {
		const t0 = Date.now();
		try {
			const detail = await s.run();
			passed++;
			console.log(`PASS ${s.name} (${Date.now() - t0} ms)${detail ? `\n  ${detail}` : ''}`);
		} catch (e) {
			failed++;
			console.log(`FAIL ${s.name} (${Date.now() - t0} ms): ${e instanceof Error ? e.message : String(e)}`);
		}
	}
	console.log(`${passed} passed, ${failed} failed`);
	if (failed > 0) throw new Error(`${failed} scenario(s) failed`);
}
