// Suppressions in the core: every directive form (Bicep, ARM JSON with comments, next line and whole
// resource), configuration entries, misuse (no justification, unused, unknown id, wrong line) and the
// "Suppress <rule> for this resource" edit, checked on whole texts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { allRules, ruleById } from '../../rules/index';
import { analyzeDocument, type AnalysisResult, type AnalyzeOptions } from '../../server/src/analysis/analyze';
import { loadConfig } from '../../server/src/analysis/config';
import type { Finding } from '../../server/src/analysis/findings';
import { applyEdits } from '../../server/src/analysis/fix/resolve';
import { memoryHost } from '../../server/src/analysis/host';
import { catalogIds, suppressionFix } from '../../server/src/analysis/suppressions';
import { ensureBicep } from '../support/bicep';

const WS = 'file:///ws/';
const PNA = 'iothub-disable-public-network-access';
const TLS = 'iothub-min-tls-1-2';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
const catalog = catalogIds(allRules);
/** Only these two rules run, so every test is about them. */
const rules = [ruleById(PNA)!, ruleById(TLS)!];

function analyse(name: string, text: string, files: Record<string, string> = {}, opts: AnalyzeOptions = {}): AnalysisResult {
	const all: Record<string, string> = { [WS + name]: text };
	for (const [n, t] of Object.entries(files)) all[WS + n] = t;
	return analyzeDocument(WS + name, text, memoryHost(all), rules, { rethrow: true, catalog, ...opts });
}

/** [rule id, the text the finding covers, justification or 'active'] per finding, in order. */
function summary(r: AnalysisResult, text: string): [string, string, string][] {
	return r.findings.map((f) => [f.ruleId, text.slice(f.location.span.start, f.location.span.end), f.suppression ? `suppressed: ${f.suppression.justification ?? '(none)'}` : 'active']);
}

const active = (r: AnalysisResult) => r.findings.filter((f) => !f.suppression).map((f) => f.ruleId);

function armTemplate(resource: string[], extra = ''): string {
	return [
		'{',
		`  "$schema": "${SCHEMA}",`,
		'  "contentVersion": "1.0.0.0",',
		extra,
		'  "resources": [',
		...resource,
		'  ]',
		'}',
		'',
	]
		.filter((l) => l !== '')
		.join('\n');
}

const armHubLines = (before: string[] = [], inner: string[] = []) => [
	...before,
	'    {',
	...inner,
	'      "type": "Microsoft.Devices/IotHubs",',
	'      "apiVersion": "2023-06-30",',
	'      "name": "contoso-hub",',
	'      "location": "westeurope",',
	'      "sku": { "name": "S1", "capacity": 1 },',
	'      "properties": {',
	'        "publicNetworkAccess": "Enabled",',
	'        "minTlsVersion": "1.0"',
	'      }',
	'    }',
];

const bicepHub = (lines: { above?: string[]; pna?: string[]; tls?: string[] } = {}) =>
	[
		...(lines.above ?? []),
		"resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {",
		"  name: 'contoso-hub'",
		"  location: 'westeurope'",
		"  sku: { name: 'S1', capacity: 1 }",
		'  properties: {',
		...(lines.pna ?? []),
		"    publicNetworkAccess: 'Enabled'",
		...(lines.tls ?? []),
		"    minTlsVersion: '1.0'",
		'  }',
		'}',
		'',
	].join('\n');

describe('suppressions: Bicep directives', () => {
	before(ensureBicep);

	it('#disable-next-line suppresses the finding on the next line, with its justification', () => {
		const text = bicepHub({ tls: [`    #disable-next-line ${TLS} -- legacy devices need TLS 1.0 until 2026`] });
		const r = analyse('main.bicep', text);
		assert.deepEqual(summary(r, text), [
			[PNA, "'Enabled'", 'active'],
			[TLS, "'1.0'", 'suppressed: legacy devices need TLS 1.0 until 2026'],
		]);
		const s = r.findings[1].suppression!;
		assert.equal(s.kind, 'inSource');
		assert.equal(text.slice(s.location.span.start, s.location.span.end), `#disable-next-line ${TLS} -- legacy devices need TLS 1.0 until 2026`);
	});

	it('above the resource line it covers the whole resource; several ids in one directive', () => {
		const text = bicepHub({ above: [`#disable-next-line ${PNA} ${TLS} -- lab hub, torn down nightly`] });
		assert.deepEqual(active(analyse('main.bicep', text)), []);
	});

	it('above the decorators of the resource it covers the resource too', () => {
		const text = bicepHub({ above: [`#disable-next-line ${PNA} -- lab hub`, "@description('''", 'A hub (', "''')", '@batchSize(1)'] });
		assert.deepEqual(active(analyse('main.bicep', text)), [TLS]);
	});

	it('directives stack: each one on its own line above the same line', () => {
		const text = bicepHub({ above: [`#disable-next-line ${PNA} -- lab`, `#disable-next-line ${TLS} -- lab`] });
		const r = analyse('main.bicep', text);
		assert.deepEqual(active(r), []);
		assert.deepEqual(r.findings.map((f) => f.suppression?.justification), ['lab', 'lab']);
	});

	it("ids that are not ours are the Bicep linter's: not reported, and a directive with only those is ignored", () => {
		const text = bicepHub({ above: ['#disable-next-line no-unused-params', `#disable-next-line no-hardcoded-location ${PNA} -- lab`] });
		const r = analyse('main.bicep', text);
		assert.deepEqual(summary(r, text), [
			[PNA, "'Enabled'", 'suppressed: lab'],
			[TLS, "'1.0'", 'active'],
		]);
	});

	it('the ARM comment form works in Bicep too', () => {
		const text = bicepHub({ tls: [`    // iothub-baseline-disable-next-line ${TLS} -- lab`] });
		assert.deepEqual(active(analyse('main.bicep', text)), [PNA]);
	});

	it('a directive inside a multi-line string is text', () => {
		const text = bicepHub({ above: ["var doc = '''", `#disable-next-line ${PNA} -- not a directive`, "'''"] });
		assert.deepEqual(active(analyse('main.bicep', text)), [PNA, TLS]);
	});

	it('a directive above a module covers what its resources report at the module; one in the module covers the resource', () => {
		const child = bicepHub();
		const main = [`#disable-next-line ${TLS} -- the module is a lab hub`, "module lab './child.bicep' = {", "  name: 'lab'", '}', ''].join('\n');
		const r = analyse('main.bicep', main, { 'child.bicep': child });
		assert.deepEqual(summary(r, main), [
			[PNA, "'./child.bicep'", 'active'],
			[TLS, "'./child.bicep'", 'suppressed: the module is a lab hub'],
		]);
		const inModule = bicepHub({ above: [`#disable-next-line ${PNA} -- decided in the module`] });
		const m = analyse('main.bicep', main, { 'child.bicep': inModule });
		assert.deepEqual(active(m), []);
		assert.equal(m.findings[0].suppression?.location.uri, `${WS}child.bicep`);
	});
});

describe('suppressions: ARM JSON directives', () => {
	it('// iothub-baseline-disable-next-line suppresses the next line', () => {
		const text = armTemplate(armHubLines()).replace('        "minTlsVersion"', `        // iothub-baseline-disable-next-line ${TLS} -- legacy devices\n        "minTlsVersion"`);
		assert.deepEqual(summary(analyse('main.json', text), text), [
			[PNA, '"Enabled"', 'active'],
			[TLS, '"1.0"', 'suppressed: legacy devices'],
		]);
	});

	it("above the resource's { it covers the whole resource", () => {
		const text = armTemplate(armHubLines([`    // iothub-baseline-disable-next-line ${PNA} ${TLS} -- lab hub`]));
		assert.deepEqual(active(analyse('main.json', text)), []);
	});

	it('above the "type" line it covers the whole resource', () => {
		const text = armTemplate(armHubLines([], [`      // iothub-baseline-disable-next-line ${PNA} -- lab hub`]));
		assert.deepEqual(active(analyse('main.json', text)), [TLS]);
	});

	it('#disable-next-line is Bicep only: in JSON it is not a directive', () => {
		// `#` cannot start a JSON line, so only a parse problem would show it; keep it in a string instead.
		const text = armTemplate(armHubLines()).replace('"contoso-hub"', `"#disable-next-line ${PNA}"`);
		assert.deepEqual(active(analyse('main.json', text)), [PNA, TLS]);
	});

	it('a parameter file finding follows the directive in the template, and a directive in the parameter file', () => {
		const template = armTemplate(
			[
				'    {',
				`      // iothub-baseline-disable-next-line ${PNA} -- decided in the template`,
				'      "type": "Microsoft.Devices/IotHubs",',
				'      "apiVersion": "2023-06-30",',
				'      "name": "contoso-hub",',
				'      "location": "westeurope",',
				'      "properties": { "publicNetworkAccess": "[parameters(\'access\')]", "minTlsVersion": "[parameters(\'tls\')]" }',
				'    }',
			],
			'  "parameters": { "access": { "type": "string" }, "tls": { "type": "string" } },',
		);
		const params = [
			'{',
			`  "$schema": "${PARAMS_SCHEMA}",`,
			'  "contentVersion": "1.0.0.0",',
			'  "parameters": {',
			'    "access": { "value": "Enabled" },',
			`    // iothub-baseline-disable-next-line ${TLS} -- test environment`,
			'    "tls": { "value": "1.0" }',
			'  }',
			'}',
			'',
		].join('\n');
		const r = analyse('main.parameters.json', params, { 'main.json': template });
		assert.deepEqual(summary(r, params), [
			[PNA, '"Enabled"', 'suppressed: decided in the template'],
			[TLS, '"1.0"', 'suppressed: test environment'],
		]);
	});
});

describe('suppressions: misuse', () => {
	before(ensureBicep);

	it('no justification: still suppresses, and is reported as suppression-justification (info)', () => {
		const text = bicepHub({ tls: [`    #disable-next-line ${TLS}`] });
		const r = analyse('main.bicep', text);
		assert.deepEqual(summary(r, text), [
			[PNA, "'Enabled'", 'active'],
			['suppression-justification', `#disable-next-line ${TLS}`, 'active'],
			[TLS, "'1.0'", 'suppressed: (none)'],
		]);
		const meta = r.findings[1];
		assert.equal(meta.severity, 'info');
		assert.equal(meta.message, `The suppression of '${TLS}' has no justification. Add one after '--': why the finding does not apply here.`);
		// An empty justification after `--` is no justification either.
		assert.equal(analyse('main.bicep', bicepHub({ tls: [`    #disable-next-line ${TLS} --   `] })).findings.filter((f) => f.ruleId === 'suppression-justification').length, 1);
	});

	it('the placeholder justification of the code action is reported until replaced', () => {
		const text = bicepHub({ tls: [`    #disable-next-line ${TLS} -- TODO: justification`] });
		const meta = analyse('main.bicep', text).findings.find((f) => f.ruleId === 'suppression-justification');
		assert.equal(meta?.messageId, 'placeholder');
	});

	it('a directive on the wrong line suppresses nothing: unused-suppression with a fix that removes the line', () => {
		const text = bicepHub({ pna: [`    #disable-next-line ${TLS} -- wrong line`] });
		const r = analyse('main.bicep', text);
		assert.deepEqual(summary(r, text), [
			['unused-suppression', TLS, 'active'],
			[PNA, "'Enabled'", 'active'],
			[TLS, "'1.0'", 'active'],
		]);
		const unused = r.findings[0];
		assert.equal(unused.message, `Unused suppression of '${TLS}': nothing reports '${TLS}' on the next line or in a resource declared there. Remove it, or put it directly above the line or resource the finding is on.`);
		assert.deepEqual(unused.fixes.map((f) => f.title), ['Remove this suppression']);
		assert.equal(applyEdits(text, unused.fixes[0].edits[`${WS}main.bicep`]), bicepHub());
	});

	it('one unused id among used ones: the fix removes that id only', () => {
		const text = bicepHub({ tls: [`    #disable-next-line ${PNA} ${TLS} -- legacy`] });
		const r = analyse('main.bicep', text);
		const unused = r.findings.filter((f) => f.ruleId === 'unused-suppression');
		assert.deepEqual(unused.map((f) => text.slice(f.location.span.start, f.location.span.end)), [PNA]);
		assert.equal(applyEdits(text, unused[0].fixes[0].edits[`${WS}main.bicep`]), bicepHub({ tls: [`    #disable-next-line ${TLS} -- legacy`] }));
	});

	it('an unknown rule id is reported with a "did you mean" fix', () => {
		const text = bicepHub({ tls: ['    #disable-next-line iothub-min-tls-12 -- typo'] });
		const r = analyse('main.bicep', text);
		const unknown = r.findings.filter((f) => f.ruleId === 'unused-suppression');
		assert.equal(unknown.length, 1);
		assert.equal(unknown[0].message, `Unknown rule 'iothub-min-tls-12' in this suppression, so it suppresses nothing (did you mean '${TLS}'?).`);
		assert.deepEqual(unknown[0].fixes.map((f) => f.title), [`Change 'iothub-min-tls-12' to '${TLS}'`, 'Remove this suppression']);
		const fixed = applyEdits(text, unknown[0].fixes[0].edits[`${WS}main.bicep`]);
		assert.equal(fixed, bicepHub({ tls: [`    #disable-next-line ${TLS} -- typo`] }));
		assert.deepEqual(active(analyse('main.bicep', fixed)), [PNA]);
	});

	it('an ARM directive without ids, or at the end of the file, suppresses nothing', () => {
		const noIds = armTemplate(armHubLines(['    // iothub-baseline-disable-next-line -- why']));
		assert.deepEqual(analyse('main.json', noIds).findings.filter((f) => f.ruleId === 'unused-suppression').map((f) => f.messageId), ['noRule']);
		const atEnd = `${armTemplate(armHubLines())}\n// iothub-baseline-disable-next-line ${PNA} -- nothing below`;
		const unused = analyse('main.json', atEnd).findings.filter((f) => f.ruleId === 'unused-suppression');
		assert.match(unused[0].message, /there is no line after it/);
	});

	it('not called unused when its rule did not run, or when a parse problem may hide the finding', () => {
		const off = bicepHub({ tls: [`    #disable-next-line ${TLS} -- legacy`] });
		assert.deepEqual(analyse('main.bicep', off, {}, { levels: { [TLS]: 'off' } }).findings.map((f) => f.ruleId), [PNA]);
		// A catalog rule that is not among the rules run (here: local auth) is not "unused" either.
		const other = bicepHub({ tls: ['    #disable-next-line iothub-disable-local-auth -- decided elsewhere'] });
		assert.deepEqual(analyse('main.bicep', other).findings.map((f) => f.ruleId), [PNA, TLS]);
		const broken = `${armTemplate(armHubLines())}`.replace('"westeurope",', `"westeurope",\n      // iothub-baseline-disable-next-line ${TLS} -- x\n      "sku": { "name": "S1" "capacity": 1 },`);
		const r = analyse('main.json', broken);
		assert.equal(r.problems.length, 1);
		assert.equal(r.findings.filter((f) => f.ruleId === 'unused-suppression').length, 0);
	});

	it('levels apply to the findings about suppressions', () => {
		const text = bicepHub({ pna: [`    #disable-next-line ${TLS}`] });
		const r = analyse('main.bicep', text, {}, { levels: { 'unused-suppression': 'off', 'suppression-justification': 'error' } });
		assert.deepEqual(
			r.findings.map((f) => [f.ruleId, f.severity]),
			[
				['suppression-justification', 'error'],
				[PNA, 'warning'],
				[TLS, 'warning'],
			],
		);
	});
});

describe('suppressions: iothub-baseline.json entries', () => {
	const template = armTemplate(armHubLines());
	const config = (suppressions: unknown[]) => loadConfig(`${WS}iothub-baseline.json`, JSON.stringify({ suppressions }, null, 2), catalog);

	it('an entry naming the file, resource and rule suppresses as "external", with its justification', () => {
		const c = config([{ file: 'infra/*.json', resource: 'contoso-*', rule: TLS, justification: 'legacy devices' }]);
		assert.deepEqual(c.problems, []);
		const r = analyzeDocument(`${WS}infra/main.json`, template, memoryHost({}), rules, { catalog, config: c });
		const tls = r.findings.find((f) => f.ruleId === TLS)!;
		assert.equal(tls.suppression?.kind, 'external');
		assert.equal(tls.suppression?.justification, 'legacy devices');
		assert.equal(tls.suppression?.location.uri, `${WS}iothub-baseline.json`);
		assert.deepEqual(active(r), [PNA]);
	});

	it('matches only its file, resource and rules (a rule array covers several)', () => {
		const run = (entry: Record<string, unknown>) => active(analyzeDocument(`${WS}infra/main.json`, template, memoryHost({}), rules, { catalog, config: config([{ justification: 'x', ...entry }]) }));
		assert.deepEqual(run({ file: 'other/*.json', rule: TLS }), [PNA, TLS]);
		assert.deepEqual(run({ file: 'main.json', resource: 'other-hub', rule: TLS }), [PNA, TLS]);
		assert.deepEqual(run({ file: 'main.json', rule: [PNA, TLS] }), []);
		assert.deepEqual(run({ file: 'infra', rule: PNA }), [TLS]);
	});

	it('an entry without a justification suppresses, and the configuration has a warning', () => {
		const c = config([{ file: 'main.json', rule: TLS }]);
		assert.deepEqual(
			c.problems.map((p) => [p.severity, p.message]),
			[['warning', `the suppression of '${TLS}' in 'main.json' has no justification`]],
		);
		assert.deepEqual(active(analyzeDocument(`${WS}main.json`, template, memoryHost({}), rules, { catalog, config: c })), [PNA]);
	});

	it('ignore globs leave a file unanalysed', () => {
		const c = loadConfig(`${WS}iothub-baseline.json`, '{ "ignore": ["legacy/**"] }', catalog);
		const r = analyzeDocument(`${WS}legacy/old/main.json`, template, memoryHost({}), rules, { catalog, config: c });
		assert.deepEqual(r, { kind: 'other', findings: [], problems: [], ignored: true });
	});
});

describe('suppressions: the "Suppress <rule> for this resource" edit', () => {
	before(ensureBicep);

	function suppressAndReanalyse(name: string, text: string, ruleId: string): { output: string; after: Finding[] } {
		const r = analyse(name, text);
		const finding = r.findings.find((f) => f.ruleId === ruleId)!;
		const fix = suppressionFix(r.template!, WS + name, text, finding)!;
		assert.equal(fix.title, `Suppress ${ruleId} for this resource`);
		const output = applyEdits(text, fix.edits[WS + name]);
		return { output, after: analyse(name, output).findings };
	}

	it('ARM: a comment line above the resource, in its indentation; the finding is then suppressed', () => {
		const text = armTemplate(armHubLines());
		const { output, after } = suppressAndReanalyse('main.json', text, TLS);
		assert.equal(output, armTemplate(armHubLines([`    // iothub-baseline-disable-next-line ${TLS} -- TODO: justification`])));
		assert.deepEqual(
			after.map((f) => [f.ruleId, f.suppression ? 'suppressed' : 'active']),
			[
				['suppression-justification', 'active'],
				[PNA, 'active'],
				[TLS, 'suppressed'],
			],
		);
	});

	it('ARM with \\r\\n line breaks keeps them', () => {
		const text = armTemplate(armHubLines()).replace(/\n/g, '\r\n');
		const { output } = suppressAndReanalyse('main.json', text, PNA);
		assert.equal(output, armTemplate(armHubLines([`    // iothub-baseline-disable-next-line ${PNA} -- TODO: justification`])).replace(/\n/g, '\r\n'));
	});

	it('Bicep: #disable-next-line above the resource line (after its decorators)', () => {
		const text = bicepHub({ above: ["@description('The hub')"] });
		const { output, after } = suppressAndReanalyse('main.bicep', text, PNA);
		assert.equal(output, bicepHub({ above: ["@description('The hub')", `#disable-next-line ${PNA} -- TODO: justification`] }));
		assert.deepEqual(
			after.filter((f) => !f.suppression).map((f) => f.ruleId),
			['suppression-justification', TLS],
		);
	});

	it('Bicep: a resource on the first line gets the directive above it', () => {
		const text = [
			"resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {",
			"  name: 'contoso-hub'",
			"  location: 'westeurope'",
			"  properties: { publicNetworkAccess: 'Disabled', minTlsVersion: '1.2' }",
			'}',
			'',
		].join('\n');
		const { output, after } = suppressAndReanalyse('main.bicep', text.replace("'Disabled'", "'Enabled'"), PNA);
		assert.equal(output, `#disable-next-line ${PNA} -- TODO: justification\n${text.replace("'Disabled'", "'Enabled'")}`);
		assert.deepEqual(after.filter((f) => !f.suppression).map((f) => f.ruleId), ['suppression-justification']);
	});

	it('is not offered in a parameter file or for a finding about a suppression', () => {
		const template = armTemplate(armHubLines()).replace('"Enabled"', '"[parameters(\'access\')]"').replace('  "resources"', '  "parameters": { "access": { "type": "string" } },\n  "resources"');
		const params = `{ "$schema": "${PARAMS_SCHEMA}", "contentVersion": "1.0.0.0", "parameters": { "access": { "value": "Enabled" } } }\n`;
		const r = analyse('main.parameters.json', params, { 'main.json': template });
		assert.equal(r.findings.length, 1);
		assert.equal(suppressionFix(r.template!, `${WS}main.parameters.json`, params, r.findings[0]), undefined);
		const text = bicepHub({ tls: [`    #disable-next-line ${TLS}`] });
		const b = analyse('main.bicep', text);
		const meta = b.findings.find((f) => f.ruleId === 'suppression-justification')!;
		assert.equal(suppressionFix(b.template!, `${WS}main.bicep`, text, meta), undefined);
	});

	it('a finding outside any resource (an output) gets a directive on its own line', () => {
		const rule = ruleById('iothub-no-secrets-in-outputs')!;
		const text = "param hubName string\nresource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {\n  name: hubName\n}\noutput cs string = hub.listKeys().value[0].primaryKey\n";
		const r = analyzeDocument(`${WS}main.bicep`, text, memoryHost({}), [rule], { catalog });
		assert.equal(r.findings.length, 1);
		const fix = suppressionFix(r.template!, `${WS}main.bicep`, text, r.findings[0])!;
		assert.equal(fix.title, 'Suppress iothub-no-secrets-in-outputs on this line');
		const output = applyEdits(text, fix.edits[`${WS}main.bicep`]);
		assert.equal(output, text.replace('output cs', '#disable-next-line iothub-no-secrets-in-outputs -- TODO: justification\noutput cs'));
		const again = analyzeDocument(`${WS}main.bicep`, output, memoryHost({}), [rule], { catalog });
		assert.equal(again.findings.find((f) => f.ruleId === rule.id)?.suppression?.kind, 'inSource');
	});
});
