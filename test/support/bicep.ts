// Loads the Bicep grammar once per test process and plugs the Bicep front end into the analyser.
let ready: Promise<void> | undefined;

export function ensureBicep(): Promise<void> {
	ready ??= (async () => {
		// Required lazily so that JSON-only tests never load the grammar.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { installBicep } = require('../../server/src/analysis/bicep/install') as typeof import('../../server/src/analysis/bicep/install');
		await installBicep();
	})();
	return ready;
}
