// The JSON schema of iothub-baseline.json (VS Code completion and validation) against the rule catalog and
// the validator in the core, the extension manifest that contributes it, and the examples in
// docs/configuration.md (each configuration is valid; each directive suppresses something).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import { allRules } from '../../rules/index';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import { parseConfig } from '../../server/src/analysis/config';
import { memoryHost } from '../../server/src/analysis/host';
import { catalogIds } from '../../server/src/analysis/suppressions';
import { ensureBicep } from '../support/bicep';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');
const schema = JSON.parse(read('schemas/iothub-baseline.schema.json'));
const catalog = catalogIds(allRules);
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

function schemaAccepts(text: string): boolean {
	return validate(parseJsonc(text, [], { allowTrailingComma: true })) === true;
}

describe('config schema', () => {
	it("lists exactly the catalog's rule ids (and the suppression findings'), for levels and for suppressions", () => {
		assert.deepEqual(Object.keys(schema.properties.rules.properties), catalog);
		assert.deepEqual(schema.properties.suppressions.items.properties.rule.anyOf[0].enum, catalog);
		for (const rule of allRules) {
			assert.match(schema.properties.rules.properties[rule.id].markdownDescription, new RegExp(`^\\*\\*${rule.mcsb}\\*\\*: .*Default: \`${rule.severity}\``));
		}
	});

	it('is what scripts/gen-config-schema.mjs writes', () => {
		const r = spawnSync(process.execPath, ['scripts/gen-config-schema.mjs', '--check'], { cwd: repoRoot, encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
	});

	it('is contributed for iothub-baseline.json, which opens as JSON with comments, and is packaged', () => {
		const pkg = JSON.parse(read('package.json'));
		assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'iothub-baseline.json', url: './schemas/iothub-baseline.schema.json' }]);
		assert.ok(pkg.contributes.languages.some((l: { id: string; filenames?: string[] }) => l.id === 'jsonc' && l.filenames?.includes('iothub-baseline.json')));
		assert.match(read('.vscodeignore'), /^!schemas\/\*\.json$/m);
	});

	it('agrees with the core validator on good and bad files', () => {
		const cases: [string, boolean][] = [
			['{}', true],
			['{ "rules": { "iothub-min-tls-1-2": "error", "unused-suppression": "off" }, "reportUnknown": false }', true],
			['{ "ignore": ["a/**"], "parameterFiles": { "a.json": "a.parameters.json" } }', true],
			['{ "suppressions": [{ "file": "a.json", "rule": ["iothub-min-tls-1-2"], "justification": "why" }] }', true],
			['{ "rules": { "iothub-min-tls-12": "error" } }', false],
			['{ "rules": { "iothub-min-tls-1-2": "warn" } }', false],
			['{ "reportUnknown": "yes" }', false],
			['{ "rule": {} }', false],
			['{ "ignore": [""] }', false],
			['{ "suppressions": [{ "file": "a.json", "rule": "nope", "justification": "why" }] }', false],
			['{ "suppressions": [{ "file": "a.json", "rule": "iothub-min-tls-1-2", "why": "x" }] }', false],
		];
		for (const [text, ok] of cases) {
			assert.equal(schemaAccepts(text), ok, `schema on ${text}`);
			assert.equal(parseConfig('file:///ws/iothub-baseline.json', text, catalog).problems.length === 0, ok, `core on ${text}`);
		}
		// A suppression without a justification: the schema flags it (a warning in VS Code), the core warns.
		const noWhy = '{ "suppressions": [{ "file": "a.json", "rule": "iothub-min-tls-1-2" }] }';
		assert.equal(schemaAccepts(noWhy), false);
		assert.deepEqual(parseConfig('file:///ws/iothub-baseline.json', noWhy, catalog).problems.map((p) => p.severity), ['warning']);
	});
});

describe('docs/configuration.md examples', () => {
	before(ensureBicep);
	const doc = read('docs/configuration.md');
	const blocks = [...doc.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
	const configs = blocks.filter((b) => b.lang === 'jsonc' && b.text.startsWith('// iothub-baseline.json'));
	const templates = blocks.filter((b) => b.lang === 'bicep' || (b.lang === 'jsonc' && !b.text.startsWith('// iothub-baseline.json')));

	it('every configuration example is valid for the schema and the core', () => {
		assert.ok(configs.length >= 2);
		for (const c of configs) {
			assert.equal(schemaAccepts(c.text), true, c.text);
			assert.deepEqual(parseConfig('file:///ws/iothub-baseline.json', c.text, catalog).problems, []);
		}
	});

	it('every directive in a template example suppresses something, with a justification', () => {
		assert.ok(templates.length >= 3);
		for (const t of templates) {
			const uri = t.lang === 'bicep' ? 'file:///ws/main.bicep' : 'file:///ws/main.json';
			const r = analyzeDocument(uri, t.text, memoryHost({}), allRules, { rethrow: true, catalog });
			assert.deepEqual(r.problems, [], t.text);
			assert.ok(r.findings.some((f) => f.suppression), `nothing suppressed in\n${t.text}`);
			assert.deepEqual(
				r.findings.filter((f) => f.ruleId === 'unused-suppression' || f.ruleId === 'suppression-justification').map((f) => f.message),
				[],
			);
		}
	});
});
