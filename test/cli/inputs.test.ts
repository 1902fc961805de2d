// What the CLI accepts and refuses: arguments, paths, encodings, odd files; exit code 2 cases.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, PNA, TLS, only, repoRoot, runCli, tempDir } from './run-cli';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
const insecure = `${FIXTURES}/insecure`;
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** A one-line template with one IoT Hub whose properties are given. */
function oneLineHub(name: string, props: string, parameters = ''): string {
	return `{"$schema": "${SCHEMA}", "contentVersion": "1.0.0.0", "parameters": {${parameters}}, "resources": [{"type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "${name}", "location": "westeurope", "properties": {${props}}}]}\n`;
}

describe('cli: exit code 2 and one line on stderr', () => {
	const cases: [string, string[], string][] = [
		['a path that does not exist', ['does-not-exist'], 'iothub-baseline: does-not-exist: no such file or directory\n'],
		['an unknown option', ['--frobnicate', insecure], "iothub-baseline: unknown option '--frobnicate'\n"],
		['no PATH', [], 'iothub-baseline: no PATH given (see --help)\n'],
		['an unknown format', ['--format', 'xml', insecure], "iothub-baseline: unknown format 'xml' (expected text, json, sarif)\n"],
		['an unknown rule id', ['--rule', 'no-such-rule=off', insecure], "iothub-baseline: unknown rule 'no-such-rule' in --rule\n"],
		['an unknown level', ['--rule', `${TLS}=loud`, insecure], `iothub-baseline: unknown level 'loud' for rule '${TLS}' (expected off, info, warning, error)\n`],
		['a malformed --rule', ['--rule', TLS, insecure], `iothub-baseline: --rule expects ID=LEVEL, got '${TLS}'\n`],
		['a bad --max-warnings', ['--max-warnings', 'many', insecure], "iothub-baseline: --max-warnings expects a non-negative integer, got 'many'\n"],
		['--parameters with two paths', ['--parameters', `${insecure}/iot-hub.parameters.json`, insecure, FIXTURES], 'iothub-baseline: --parameters needs exactly one template PATH\n'],
		['--parameters with a directory', ['--parameters', `${insecure}/iot-hub.parameters.json`, insecure], `iothub-baseline: --parameters needs a template file, and ${insecure} is a directory\n`],
		['a missing --parameters file', ['--parameters', 'nope.json', `${insecure}/iot-hub.json`], 'iothub-baseline: nope.json: no such file or directory\n'],
	];
	for (const [name, args, stderr] of cases) {
		it(name, () => {
			const r = runCli(args);
			assert.equal(r.status, 2);
			assert.equal(r.stderr, stderr);
			assert.equal(r.stdout, '');
		});
	}

	it('no usable input: an empty directory, or JSON that is no template', () => {
		const t = tempDir();
		try {
			const empty = runCli([t.dir]);
			assert.equal(empty.status, 2);
			assert.equal(empty.stderr, `iothub-baseline: no .json, .jsonc, .bicep or .bicepparam files in ${t.dir}\n`);
			const r = runCli([`${FIXTURES}/mixed/not-a-template.json`]);
			assert.equal(r.status, 2);
			assert.equal(r.stderr, `iothub-baseline: no ARM/Bicep templates or parameter files found in ${FIXTURES}/mixed/not-a-template.json\n`);
		} finally {
			t.cleanup();
		}
	});
});

describe('cli: inputs', () => {
	const t = tempDir();
	after(() => t.cleanup());

	it('--help and --version', () => {
		const help = runCli(['--help']);
		assert.equal(help.status, 0);
		assert.match(help.stdout, /^Usage: iothub-baseline \[options\] PATH\.\.\./);
		const version = runCli(['--version']);
		assert.equal(version.status, 0);
		assert.equal(version.stdout, `${pkg.version}\n`);
	});

	it('reads UTF-8 with a BOM and UTF-16 LE/BE with a BOM; positions are the same as for plain UTF-8', () => {
		const dir = path.join(t.dir, 'encodings');
		mkdirSync(dir);
		const text = readFileSync(path.join(repoRoot, insecure, 'iot-hub.json'), 'utf8');
		const le = Buffer.from(`\ufeff${text}`, 'utf16le');
		const be = Buffer.from(le).swap16();
		writeFileSync(path.join(dir, 'a-utf8-bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
		writeFileSync(path.join(dir, 'b-utf16le.json'), le);
		writeFileSync(path.join(dir, 'c-utf16be.json'), be);
		const r = runCli([...only(PNA, TLS), dir], { cwd: dir });
		assert.equal(r.stderr, '');
		assert.deepEqual(
			r.lines.map((l) => l.split('  ')[0]),
			['a-utf8-bom.json:17:26', 'b-utf16le.json:17:26', 'c-utf16be.json:17:26', '3 problems (0 errors, 3 warnings, 0 info) in 3 files'],
		);
	});

	it('columns count UTF-16 code units (an emoji before the finding counts 2)', () => {
		const dir = path.join(t.dir, 'columns');
		mkdirSync(dir);
		const text = oneLineHub('\u{1F680}-hub', '"publicNetworkAccess": "Disabled", "minTlsVersion": "1.0"');
		writeFileSync(path.join(dir, 'emoji.json'), text);
		const r = runCli([...only(TLS), 'emoji.json'], { cwd: dir });
		const column = text.indexOf('"1.0"') + 1;
		assert.equal(r.lines[0].split('  ')[0], `emoji.json:1:${column}`);
		const json = JSON.parse(runCli([...only(TLS), '--format', 'json', 'emoji.json'], { cwd: dir }).stdout);
		assert.deepEqual(json.files[0].findings[0].range, { start: { line: 0, character: column - 1 }, end: { line: 0, character: column + 4 } });
	});

	it('--parameters names the parameter file of a single template', () => {
		const dir = path.join(t.dir, 'explicit-params');
		mkdirSync(dir);
		writeFileSync(path.join(dir, 'hub.json'), oneLineHub('explicit-hub', '"publicNetworkAccess": "[parameters(\'pna\')]", "minTlsVersion": "1.2"', '"pna": {"type": "string", "defaultValue": "Disabled"}'));
		writeFileSync(path.join(dir, 'prod.values.json'), `{"$schema": "${PARAMS_SCHEMA}", "contentVersion": "1.0.0.0", "parameters": {"pna": {"value": "Enabled"}}}\n`);
		const without = runCli([...only(PNA), 'hub.json'], { cwd: dir });
		assert.deepEqual(without.lines, ['0 problems (0 errors, 0 warnings, 0 info) in 1 file']);
		const withParams = runCli([...only(PNA), '--parameters', 'prod.values.json', '--format', 'json', 'hub.json'], { cwd: dir });
		const finding = JSON.parse(withParams.stdout).files[0].findings[0];
		assert.equal(finding.ruleId, PNA);
		assert.deepEqual(
			finding.related.map((x: { path: string; message: string }) => [x.path, x.message]),
			[['prod.values.json', "The value comes from the parameter file value of 'pna'."]],
		);
	});

	it('--report-unknown reports values known only at deployment as info', () => {
		const dir = path.join(t.dir, 'unknown');
		mkdirSync(dir);
		writeFileSync(path.join(dir, 'hub.json'), oneLineHub('unknown-hub', '"publicNetworkAccess": "Disabled", "minTlsVersion": "[parameters(\'tls\')]"', '"tls": {"type": "string"}'));
		assert.deepEqual(runCli([...only(TLS), 'hub.json'], { cwd: dir }).lines, ['0 problems (0 errors, 0 warnings, 0 info) in 1 file']);
		const r = runCli([...only(TLS), '--report-unknown', 'hub.json'], { cwd: dir });
		assert.equal(r.lines.length, 2, r.stdout);
		assert.match(r.lines[0], /^hub\.json:1:\d+  info  DP-3  DP-3: Cannot verify properties\.minTlsVersion of IoT Hub 'unknown-hub': .+  iothub-min-tls-1-2$/);
		assert.equal(r.lines[1], '1 problem (0 errors, 0 warnings, 1 info) in 1 file');
		assert.equal(r.status, 0);
	});

	it('does not follow symlinked directories (no loop), lints symlinked files, notes broken links', () => {
		const dir = path.join(t.dir, 'links');
		mkdirSync(path.join(dir, 'sub'), { recursive: true });
		const hub = oneLineHub('linked-hub', '"publicNetworkAccess": "Disabled", "minTlsVersion": "1.0"');
		const column = hub.indexOf('"1.0"') + 1;
		writeFileSync(path.join(dir, 'sub', 'hub.json'), hub);
		symlinkSync(dir, path.join(dir, 'sub', 'loop'), 'dir');
		symlinkSync(path.join(dir, 'sub', 'hub.json'), path.join(dir, 'alias.json'));
		symlinkSync(path.join(dir, 'missing.json'), path.join(dir, 'broken.json'));
		const r = runCli([...only(TLS), '.'], { cwd: dir });
		assert.deepEqual(
			r.lines.map((l) => l.split('  ')[0]),
			[`alias.json:1:${column}`, `sub/hub.json:1:${column}`, '2 problems (0 errors, 2 warnings, 0 info) in 2 files'],
		);
		assert.equal(r.stderr, 'iothub-baseline: broken.json: broken symbolic link\n');
	});

	it('skips files above 20 MB with one line', () => {
		const dir = path.join(t.dir, 'large');
		mkdirSync(dir);
		const hub = oneLineHub('small-hub', '"publicNetworkAccess": "Disabled", "minTlsVersion": "1.0"');
		const column = hub.indexOf('"1.0"') + 1;
		writeFileSync(path.join(dir, 'big.json'), hub + ' '.repeat(20 * 1024 * 1024));
		writeFileSync(path.join(dir, 'small.json'), hub);
		const r = runCli([...only(TLS), '.'], { cwd: dir });
		assert.equal(r.stderr, 'iothub-baseline: big.json: skipped: larger than 20 MB\n');
		assert.deepEqual(r.lines.map((l) => l.split('  ')[0]), [`small.json:1:${column}`, '1 problem (0 errors, 1 warning, 0 info) in 1 file']);
	});

	it('a file named explicitly with another extension is skipped with a note', () => {
		const dir = path.join(t.dir, 'extension');
		mkdirSync(dir);
		writeFileSync(path.join(dir, 'hub.txt'), oneLineHub('txt-hub', ''));
		writeFileSync(path.join(dir, 'hub.json'), oneLineHub('json-hub', '"publicNetworkAccess": "Disabled", "minTlsVersion": "1.2"'));
		const r = runCli([...only(TLS), 'hub.txt', 'hub.json'], { cwd: dir });
		assert.equal(r.stderr, 'iothub-baseline: hub.txt: skipped: not a .json, .jsonc, .bicep or .bicepparam file\n');
		assert.equal(r.status, 0);
	});
});

describe('cli: Bicep', () => {
	let dir = '';
	const t = tempDir();
	before(() => {
		dir = t.dir;
		writeFileSync(
			path.join(dir, 'hub.bicep'),
			["resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {", "  name: 'bicep-hub'", "  location: 'westeurope'", "  sku: {", "    name: 'S1'", '    capacity: 1', '  }', '  properties: {', "    publicNetworkAccess: 'Disabled'", "    minTlsVersion: '1.0'", '  }', '}', ''].join('\n'),
		);
	});
	after(() => t.cleanup());

	it('loads the grammar from next to dist/cli.js and analyses .bicep files', () => {
		const r = runCli([...only(TLS), 'hub.bicep'], { cwd: dir });
		assert.doesNotMatch(r.stderr, /Bicep support unavailable|internal error/);
		assert.match(r.lines.at(-1) ?? '', / in 1 file$/);
	});
});
