// Issue 8 - pathological files through the analysis core: a 50 MB template, 100,000-deep nesting, a 10 MB
// single line, binary garbage named .json, an empty file, whitespace only, a lone BOM. The core must
// return quickly with at most one clear problem for a template it cannot analyse, and nothing at all for
// a file that is not a template. Inputs are generated here, never committed. The CLI part (one line per
// unusable file, carries on, exit 2 only when nothing is usable) runs dist/cli.js when it is built.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import { allRules } from '../../rules/index';
import { assertInvariants, bicepUnavailable, hostOf, prng, repoRoot, timed, WS, type Docs } from './support';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const MB = 1024 * 1024;

/** Seconds allowed for one pathological input (2-core CI). */
const QUICK_MS = 3000;

function run(uri: string, text: string, docs: Docs = {}) {
	const all = { ...docs, [uri]: text };
	const { value, ms } = timed(() => analyzeDocument(uri, text, hostOf(all), allRules, { rethrow: true }));
	assertInvariants(value, all, uri);
	return { result: value, ms };
}

function binary(bytes: number, seed: number): Buffer {
	const rnd = prng(seed);
	const b = Buffer.alloc(bytes);
	for (let i = 0; i < bytes; i++) b[i] = Math.floor(rnd() * 256);
	return b;
}

/** A pretty-printed template of about `size` characters: one insecure hub and many harmless storage accounts. */
function bigTemplate(size: number): string {
	const head = `{\n  "$schema": "${SCHEMA}",\n  "contentVersion": "1.0.0.0",\n  "resources": [\n    { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub", "location": "westeurope", "properties": { "minTlsVersion": "1.0" } }`;
	const parts = [head];
	let len = head.length;
	for (let i = 0; len < size; i++) {
		const s = `,\n    { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "st${i}", "location": "westeurope", "properties": { "minimumTlsVersion": "TLS1_2", "tags": [1, 2, 3] } }`;
		parts.push(s);
		len += s.length;
	}
	parts.push('\n  ]\n}\n');
	return parts.join('');
}

const nonTemplates: Record<string, () => string> = {
	'empty file': () => '',
	'whitespace only': () => ' \t\r\n\n   \u00a0\u2028 ',
	'lone BOM': () => '\uFEFF',
	'BOM and whitespace': () => '\uFEFF\r\n',
	'binary garbage (1 MB, read as UTF-8)': () => binary(MB, 7).toString('utf8'),
	'binary garbage (1 MB, read as Latin-1)': () => binary(MB, 8).toString('latin1'),
	'100,000-deep arrays, unclosed': () => '['.repeat(100_000),
	'100,000-deep arrays, closed': () => '['.repeat(100_000) + ']'.repeat(100_000),
	'100,000-deep objects': () => '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
	'10 MB single line of garbage': () => 'x'.repeat(10 * MB),
	'10 MB single-line JSON string': () => JSON.stringify('y'.repeat(10 * MB)),
	'10 MB single-line JSON array of numbers': () => '[' + '1,'.repeat(5 * MB) + '1]',
};

describe('pathological files: ARM JSON', () => {
	for (const [name, make] of Object.entries(nonTemplates)) {
		it(`${name}: not a template, nothing to say, quickly`, () => {
			const text = make();
			const { result, ms } = run(WS + 'garbage.json', text);
			assert.equal(result.kind, 'other');
			assert.deepEqual(result.findings, []);
			assert.deepEqual(result.problems, []);
			assert.ok(ms < QUICK_MS, `${ms.toFixed(0)} ms`);
		});
	}

	it('the same inputs named as a parameter file: nothing to say, template unharmed', () => {
		const template = `{"$schema":"${SCHEMA}","contentVersion":"1.0.0.0","parameters":{"tls":{"type":"string"}},"resources":[{"type":"Microsoft.Devices/IotHubs","apiVersion":"2023-06-30","name":"hub","properties":{"minTlsVersion":"[parameters('tls')]","publicNetworkAccess":"Disabled"}}]}`;
		for (const [name, make] of Object.entries(nonTemplates)) {
			const text = make();
			const p = run(WS + 'main.parameters.json', text, { [WS + 'main.json']: template });
			assert.ok(p.ms < QUICK_MS, `${name}: ${p.ms.toFixed(0)} ms`);
			const t = run(WS + 'main.json', template, { [WS + 'main.parameters.json']: text });
			assert.equal(t.result.kind, 'armTemplate', name);
			assert.ok(t.ms < QUICK_MS, `${name}: template with this parameter file: ${t.ms.toFixed(0)} ms`);
		}
	});

	it('100,000-deep nesting inside a template: one clear problem, quickly', () => {
		const inner = [
			['arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
			['objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
			['unclosed objects', '{"a":'.repeat(100_000)],
		];
		for (const [name, nest] of inner) {
			const text = `{\n  "$schema": "${SCHEMA}",\n  "contentVersion": "1.0.0.0",\n  "resources": [ { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub", "properties": ${nest} } ]\n}\n`;
			const { result, ms } = run(WS + 'deep.json', text);
			assert.ok(ms < QUICK_MS, `${name}: ${ms.toFixed(0)} ms`);
			assert.equal(result.problems.length, 1, `${name}: one problem, got ${JSON.stringify(result.problems)}`);
			assert.match(result.problems[0].message, /nested too deeply|Invalid JSON/, name);
		}
	});

	it('deep but parseable nesting inside a template (child resources, properties): bounded time', () => {
		for (const depth of [100, 300, 1000]) {
			const child = '{"type":"Microsoft.Devices/IotHubs","apiVersion":"2023-06-30","name":"h","resources":[';
			const text = `{"$schema":"${SCHEMA}","contentVersion":"1.0.0.0","resources":[` + child.repeat(depth) + ']}'.repeat(depth) + ']}';
			const { result, ms } = run(WS + 'children.json', text);
			assert.ok(result.problems.length <= 1);
			assert.ok(ms < QUICK_MS, `${depth} nested child resources: ${ms.toFixed(0)} ms`);
			const props = `{"$schema":"${SCHEMA}","contentVersion":"1.0.0.0","resources":[{"type":"Microsoft.Devices/IotHubs","apiVersion":"2023-06-30","name":"h","properties":` + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}]}';
			const p = run(WS + 'props.json', props);
			assert.ok(p.ms < QUICK_MS, `${depth} nested property objects: ${p.ms.toFixed(0)} ms`);
		}
	});

	it('10 MB single-line (minified) template with an insecure hub: analysed or refused with one problem, quickly', () => {
		const text = bigTemplate(10 * MB).replace(/\n\s*/g, '');
		const { result, ms } = run(WS + 'minified.json', text);
		assert.ok(ms < 10 * QUICK_MS, `${ms.toFixed(0)} ms`);
		assert.ok(result.problems.length <= 1);
		if (result.problems.length === 0) assert.ok(result.findings.length >= 2, 'the hub is found');
	});

	it('10 MB single-line string value in a template: quickly', () => {
		const text = `{"$schema":"${SCHEMA}","contentVersion":"1.0.0.0","variables":{"big":"${'z'.repeat(10 * MB)}"},"resources":[{"type":"Microsoft.Devices/IotHubs","apiVersion":"2023-06-30","name":"[concat('h', variables('big'))]","properties":{}}]}`;
		const { result, ms } = run(WS + 'longline.json', text);
		assert.ok(ms < 2 * QUICK_MS, `${ms.toFixed(0)} ms`);
		assert.ok(result.problems.length <= 1);
	});

	it('50 MB template: one clear problem (too large), quickly', () => {
		const text = bigTemplate(50 * MB);
		const { result, ms } = run(WS + 'huge.json', text);
		assert.ok(ms < QUICK_MS, `${ms.toFixed(0)} ms`);
		assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
		assert.match(result.problems[0].message, /^Cannot analyse this file: it is 50(\.0)? MB, more than the \d+ MB/);
		assert.deepEqual(result.findings, []);
	});

	it('50 MB of JSON that is not a template: nothing to say, quickly', () => {
		const text = '[' + '{"k":"v","n":[1,2,3]},'.repeat(Math.ceil((50 * MB) / 24)) + '{}]';
		const { result, ms } = run(WS + 'data.json', text);
		assert.ok(ms < QUICK_MS, `${ms.toFixed(0)} ms`);
		assert.deepEqual(result.problems, []);
		assert.equal(result.kind, 'other');
	});
});

describe('pathological files: Bicep', () => {
	/** Known slow in the Bicep front end (reported): run at 128 KB as todo, 1 MB takes 8-14 s. */
	// Binary input is refused up front (NUL bytes), so no case is known to be slow any more.
	const KNOWN_SLOW: Record<string, string> = {};
	const bicepCases: Record<string, () => string> = {
		...nonTemplates,
		'100,000-deep objects (Bicep)': () => '{\n'.repeat(100_000),
		'100,000-deep parentheses': () => `var x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`,
		'100,000-deep arrays in a variable': () => `var x = ${'['.repeat(100_000)}1${']'.repeat(100_000)}\n`,
		'10 MB single-line string': () => `var x = '${'z'.repeat(10 * MB)}'\n`,
		'50 MB template': () => {
			const one = "resource st%I 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'st%I', location: 'westeurope', properties: { minimumTlsVersion: 'TLS1_2' } }\n";
			const n = Math.ceil((50 * MB) / one.length);
			const parts = ["resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'hub'\n  location: 'westeurope'\n  properties: {}\n}\n"];
			for (let i = 0; i < n; i++) parts.push(one.replace(/%I/g, String(i)));
			return parts.join('');
		},
	};
	for (const [name, make] of Object.entries(bicepCases)) {
		const known = KNOWN_SLOW[name];
		it(`${name}: at most one problem, quickly`, known ? { todo: known } : {}, async (t) => {
			const why = await bicepUnavailable();
			if (why) {
				t.skip(why);
				return;
			}
			const text = known ? make().slice(0, 128 * 1024) : make();
			const { result, ms } = run(WS + 'garbage.bicep', text);
			const limit = known ? QUICK_MS / 8 : QUICK_MS;
			assert.ok(ms < limit, `${ms.toFixed(0)} ms for ${text.length} characters (limit ${limit} ms)`);
			assert.ok(result.problems.length <= 1);
			if (text.trim().replace(/^\uFEFF/, '') === '') assert.deepEqual(result.findings, [], 'an empty Bicep file has nothing to say');
			if (text.length > 20 * MB) assert.equal(result.problems.length, 1, 'a 50 MB Bicep file: one problem (too large)');
		});
	}
});

describe('pathological files: CLI', () => {
	const cli = path.join(repoRoot, 'dist', 'cli.js');

	it('one line per unusable file, carries on, exit 2 only when nothing is usable', (t) => {
		if (!existsSync(cli)) {
			t.skip(`dist/cli.js not built (run \`node build.mjs\`): CLI part skipped`);
			return;
		}
		const dir = mkdtempSync(path.join(os.tmpdir(), 'iothub-robust-'));
		try {
			const runCli = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
			const write = (files: Record<string, string | Buffer>) => {
				for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
			};
			const noStack = (out: string) => assert.doesNotMatch(out, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
			const linesAbout = (out: string, name: string) => out.split('\n').filter((l) => l.includes(name));

			// Nothing usable: files that are not templates or cannot be read.
			const unusable: Record<string, string | Buffer> = {
				'empty.json': '',
				'blank.json': ' \n\t\n',
				'bom.json': '\uFEFF',
				'binary.json': binary(64 * 1024, 9),
				'deep.json': '['.repeat(100_000),
			};
			write(unusable);
			const none = runCli(['.']);
			assert.equal(none.error, undefined);
			noStack(none.stdout + none.stderr);
			assert.equal(none.status, 2, `nothing usable: exit 2\n${none.stdout}${none.stderr}`);
			for (const name of Object.keys(unusable)) assert.ok(linesAbout(none.stdout + none.stderr, name).length <= 1, `${name}: at most one line`);

			// Templates that cannot be analysed: one line each, the run carries on (exit 1: errors).
			const broken: Record<string, string> = {
				'deep-template.json': `{"$schema":"${SCHEMA}","contentVersion":"1.0.0.0","resources":[` + '{"a":'.repeat(100_000),
				'broken.bicep': "resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {\n  name: 'x\n",
			};
			write(broken);
			write({ 'good.json': `{"$schema":"${SCHEMA}","contentVersion":"1.0.0.0","resources":[{"type":"Microsoft.Devices/IotHubs","apiVersion":"2023-06-30","name":"hub","properties":{"minTlsVersion":"1.0","publicNetworkAccess":"Disabled"}}]}` });
			const mixed = runCli(['.']);
			const out = mixed.stdout + mixed.stderr;
			noStack(out);
			assert.notEqual(mixed.status, 2, `usable files were linted: exit ${mixed.status}\n${out}`);
			assert.match(out, /good\.json/, 'the usable file is reported');
			for (const name of [...Object.keys(unusable), ...Object.keys(broken)]) {
				const lines = linesAbout(out, name);
				assert.ok(lines.length <= 1, `${name}: ${lines.length} lines:\n${lines.join('\n')}`);
			}
			for (const name of Object.keys(broken)) assert.equal(linesAbout(out, name).length, 1, `${name}: one line saying why\n${out}`);
			t.diagnostic(`nothing usable: exit ${none.status}; with broken and good templates: exit ${mixed.status}`);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
