// The coverage report's content: every baseline control for every hub and DPS, with the right status and,
// for failures, the rule and the place. On examples/, on in-memory templates for each status, and on a few
// corpus templates (skipped, visibly, when ../shared/corpus is absent).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { AnalysisResult } from '../../server/src/analysis/analyze';
import { BASELINE_CONTROLS } from '../../server/src/analysis/data/baseline-controls';
import type { Finding } from '../../server/src/analysis/findings';
import { memoryHost } from '../../server/src/analysis/host';
import { analyzeForCoverage, buildCoverage, ruleAppliesTo, type CoverageReport, type SubjectCoverage } from '../../server/src/analysis/report/coverage';
import { allRules } from '../../rules/index';
import { ensureBicep } from '../support/bicep';
import { MEM, SECURE_PROPS, bicepHub, control, coverageOfPaths, coverageOfTexts, repoRoot, subject } from './support';

const BASELINE_IDS = BASELINE_CONTROLS.map((c) => c.id);
/** Controls whose outcome the rules decide. */
const RULE_CONTROLS = BASELINE_CONTROLS.filter((c) => c.coverage === 'rules').map((c) => c.id);
/** The controls of the hub's own properties: a secure example must pass every one of them. */
const PROPERTY_CONTROLS = ['NS-2', 'IM-1', 'IM-3', 'IM-8', 'PA-7', 'DP-3'];

function assertAllControls(s: SubjectCoverage): void {
	const ids = s.controls.map((c) => c.control.id);
	assert.deepEqual(ids.slice(0, BASELINE_IDS.length), BASELINE_IDS, `${s.name}: every baseline control, in order`);
	for (const c of s.controls) {
		if (c.control.coverage !== 'rules') assert.equal(c.status, c.control.coverage, `${s.name} ${c.control.id}`);
	}
}

function lineAt(relPath: string, line: number): string {
	return readFileSync(path.join(repoRoot, relPath), 'utf8').split(/\r?\n/)[line - 1] ?? '';
}

describe('coverage report: examples/', () => {
	let report: CoverageReport;
	before(async () => {
		await ensureBicep();
		report = coverageOfPaths(['examples']);
	});

	it('finds the four example hubs, each once, where they are declared', () => {
		assert.deepEqual(
			report.subjects.map((s) => `${s.kind} ${s.name} ${s.location.path}:${s.location.line}`),
			['iotHub contoso-edge-prod examples/insecure-hub.bicep:11', 'iotHub contoso-prod-hub examples/insecure-hub.json:29', 'iotHub contoso-secure-hub examples/secure-hub.bicep:9', 'iotHub contoso-secure-hub examples/secure-hub.json:13'],
		);
		assert.ok(report.documents.some((d) => d.path === 'examples/insecure-hub.parameters.json' && d.kind === 'armParameters'));
		assert.ok(!report.documents.some((d) => d.path === 'examples/not-a-template.json'), 'JSON that is not a template is not listed');
	});

	it('lists every baseline control for each hub, the fixed ones with their fixed status', () => {
		for (const s of report.subjects) {
			assertAllControls(s);
			assert.equal(control(s, 'DP-4').status, 'platform');
			assert.equal(control(s, 'AM-2').status, 'not-checkable');
			assert.equal(control(s, 'NS-1').status, 'platform');
			const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
			assert.equal(total, s.controls.length);
		}
	});

	it('shows the insecure ARM hub failing, with rule and file:line', () => {
		const s = subject(report, 'contoso-prod-hub');
		const dp3 = control(s, 'DP-3');
		assert.equal(dp3.status, 'fail');
		const tls = dp3.rules.find((r) => r.ruleId === 'iothub-min-tls-1-2');
		assert.equal(tls?.status, 'fail');
		const f = tls!.findings[0];
		assert.equal(f.location.path, 'examples/insecure-hub.json');
		assert.match(lineAt(f.location.path, f.location.line!), /minTlsVersion/);

		const ns2 = control(s, 'NS-2');
		assert.equal(ns2.status, 'fail');
		const pna = ns2.rules.find((r) => r.ruleId === 'iothub-disable-public-network-access')!;
		// Both the template (its sibling parameter file applied) and the parameter file's own analysis.
		assert.deepEqual([...new Set(pna.findings.map((x) => x.location.path))].sort(), ['examples/insecure-hub.json', 'examples/insecure-hub.parameters.json']);
		for (const x of pna.findings) assert.match(lineAt(x.location.path, x.location.line!), /publicNetworkAccess|"value": "Enabled"/);

		assert.equal(control(s, 'IM-1').status, 'fail');
		assert.equal(control(s, 'IM-3').status, 'fail');
		const im8 = control(s, 'IM-8');
		assert.equal(im8.status, 'fail');
		// The listKeys() output is a template-level finding: it reaches the hub by the name in its message.
		assert.equal(im8.rules.find((r) => r.ruleId === 'iothub-no-secrets-in-outputs')?.status, 'fail');
		assert.deepEqual(report.unattributed, []);
	});

	it('shows the insecure Bicep hub failing, in the .bicep file and at the .bicepparam value', () => {
		const s = subject(report, 'contoso-edge-prod');
		assert.deepEqual(s.seenIn.sort(), ['examples/insecure-hub.bicep', 'examples/insecure-hub.bicepparam']);
		const pna = control(s, 'NS-2').rules.find((r) => r.ruleId === 'iothub-disable-public-network-access')!;
		assert.equal(pna.status, 'fail');
		assert.ok(pna.findings.some((f) => f.location.path === 'examples/insecure-hub.bicepparam' && f.location.line === 4));
		const tls = control(s, 'DP-3').rules[0];
		assert.equal(tls.status, 'fail');
		assert.equal(`${tls.findings[0].location.path}:${tls.findings[0].location.line}`, 'examples/insecure-hub.bicep:20');
	});

	it('shows the secure hubs passing', () => {
		for (const s of report.subjects.filter((x) => x.name === 'contoso-secure-hub')) {
			for (const id of PROPERTY_CONTROLS) assert.equal(control(s, id).status, 'pass', `${s.location.path} ${id}`);
			for (const id of RULE_CONTROLS) {
				const c = control(s, id);
				// Unknown is allowed (a required parameter such as the Log Analytics workspace id), failing is not.
				assert.ok(['pass', 'unknown', 'not-checked'].includes(c.status), `${s.location.path} ${id}: ${c.status}`);
				for (const r of c.rules) assert.ok(r.findings.every((f) => f.unknown), `${s.location.path} ${r.ruleId}: ${r.findings.map((f) => f.message).join(' | ')}`);
			}
			assert.equal(s.counts.fail, 0);
		}
	});

	it('marks a rule that is off as not checked, never as passing', () => {
		const off = coverageOfPaths(['examples/insecure-hub.json'], { levels: { 'iothub-min-tls-1-2': 'off' } });
		const dp3 = control(subject(off, 'contoso-prod-hub'), 'DP-3');
		assert.equal(dp3.status, 'not-checked');
		assert.equal(dp3.reason, 'rule-off');
		assert.deepEqual(
			dp3.rules.map((r) => [r.ruleId, r.status, r.findings.length]),
			[['iothub-min-tls-1-2', 'off', 0]],
		);
		assert.deepEqual(off.levelOverrides, [{ ruleId: 'iothub-min-tls-1-2', level: 'off' }]);
		// Off by default in the catalog: DP-6 (customer-managed key).
		const dp6 = control(subject(report, 'contoso-prod-hub'), 'DP-6');
		assert.equal(dp6.status, 'not-checked');
		assert.equal(dp6.reason, 'rule-off');
	});
});

describe('coverage report: statuses', () => {
	before(ensureBicep);

	it('reports a value known only at deployment as unknown', () => {
		const r = coverageOfTexts({ 'main.bicep': `param tls string\n${bicepHub('hub-u', SECURE_PROPS.map((p) => (p.startsWith('minTlsVersion') ? 'minTlsVersion: tls' : p)))}` });
		const dp3 = control(subject(r, 'hub-u'), 'DP-3');
		assert.equal(dp3.status, 'unknown');
		assert.equal(dp3.rules[0].findings[0].unknown, true);
		assert.match(dp3.rules[0].findings[0].message, /tls/);
	});

	it('reports a suppressed finding as suppressed, with its justification', () => {
		const text = bicepHub('hub-s', SECURE_PROPS.map((p) => (p.startsWith('minTlsVersion') ? "minTlsVersion: '1.0'" : p)));
		const base = coverageOfTexts({ 'main.bicep': text });
		assert.equal(control(subject(base, 'hub-s'), 'DP-3').status, 'fail');
		// Suppressions come from the analysis (directives, configuration): mark the finding as the analysis would.
		const docs = [{ uri: `${MEM}main.bicep`, result: analysisWithSuppression(text, 'iothub-min-tls-1-2', 'Legacy devices until the 2026 migration <b>') }];
		const r = buildCoverage(docs, { rules: allRules, displayPath: (u) => u.slice(MEM.length) });
		const dp3 = control(subject(r, 'hub-s'), 'DP-3');
		assert.equal(dp3.status, 'suppressed');
		const f = dp3.rules[0].findings[0];
		assert.equal(f.suppressed, true);
		assert.equal(f.justification, 'Legacy devices until the 2026 migration <b>');
	});

	it('lets a failing rule win over a suppressed or unknown one in the same control', () => {
		const text = `param pna string\n${bicepHub('hub-w', SECURE_PROPS.map((p) => (p.startsWith('publicNetworkAccess') ? 'publicNetworkAccess: pna' : p.startsWith('restrictOutbound') ? 'restrictOutboundNetworkAccess: false' : p)))}`;
		const ns2 = control(subject(coverageOfTexts({ 'main.bicep': text }), 'hub-w'), 'NS-2');
		const statuses = Object.fromEntries(ns2.rules.map((r) => [r.ruleId, r.status]));
		assert.equal(statuses['iothub-disable-public-network-access'], 'unknown');
		assert.equal(statuses['iothub-restrict-outbound'], 'fail');
		assert.equal(ns2.status, 'fail');
	});

	it('lists every control for a DPS; controls no rule checks for DPS are "not checked"', () => {
		const r = coverageOfTexts({
			'dps.bicep': `resource dps 'Microsoft.Devices/provisioningServices@2022-12-12' = {
  name: 'contoso-dps'
  location: 'westeurope'
  sku: {
    name: 'S1'
    capacity: 1
  }
  properties: {
    publicNetworkAccess: 'Enabled'
  }
}
`,
		});
		const s = subject(r, 'contoso-dps');
		assert.equal(s.kind, 'dps');
		assertAllControls(s);
		for (const c of s.controls.filter((x) => x.control.coverage === 'rules')) {
			const forDps = allRules.filter((rule) => rule.mcsb === c.control.id && ruleAppliesTo(rule, 'dps'));
			if (forDps.length === 0) {
				assert.equal(c.status, 'not-checked', c.control.id);
				assert.equal(c.reason, 'no-rule', c.control.id);
			} else {
				assert.deepEqual(
					c.rules.map((x) => x.ruleId),
					forDps.map((x) => x.id),
				);
			}
		}
		// The hub rules never show up on a DPS.
		assert.ok(!s.controls.some((c) => c.rules.some((x) => x.ruleId === 'iothub-min-tls-1-2')));
	});

	it('counts a module hub once, as its caller deploys it', () => {
		const files = {
			'hub.bicep': `param name string\nparam tls string = '1.0'\n${bicepHub('x', SECURE_PROPS.map((p) => (p.startsWith('minTlsVersion') ? 'minTlsVersion: tls' : p))).replace("name: 'x'", 'name: name')}`,
			'main.bicep': "module m './hub.bicep' = {\n  name: 'hub-module'\n  params: {\n    name: 'called-hub'\n    tls: '1.2'\n  }\n}\n",
		};
		const r = coverageOfTexts(files);
		assert.equal(r.subjects.length, 1);
		const s = r.subjects[0];
		assert.equal(s.name, 'called-hub');
		assert.equal(s.location.path, 'hub.bicep');
		assert.deepEqual(s.seenIn.sort(), ['hub.bicep', 'main.bicep']);
		// hub.bicep alone would fail DP-3 on its default: the caller passes '1.2', so the hub passes.
		assert.equal(control(s, 'DP-3').status, 'pass');

		const alone = coverageOfTexts(files, ['hub.bicep']);
		assert.equal(control(alone.subjects[0], 'DP-3').status, 'fail');
	});

	it('gives a role assignment finding to the hub it names', () => {
		const owner = `resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hub.id, 'ops')
  scope: hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: '00000000-0000-0000-0000-000000000001'
  }
}
`;
		const r = coverageOfTexts({ 'main.bicep': bicepHub('hub-rbac', SECURE_PROPS, owner) });
		const pa7 = control(subject(r, 'hub-rbac'), 'PA-7');
		assert.equal(pa7.status, 'fail');
		assert.match(pa7.rules[0].findings[0].message, /Owner/);
	});

	it('keeps findings no hub in the files can own, and skips hubs that are not deployed', () => {
		const text = `resource ext 'Microsoft.Devices/IotHubs@2023-06-30' existing = {
  name: 'elsewhere'
}
output key string = ext.listKeys().value[0].primaryKey
`;
		const r = coverageOfTexts({ 'main.bicep': text });
		assert.deepEqual(r.subjects, []);
		assert.deepEqual(
			r.unattributed.map((f) => f.ruleId),
			['iothub-no-secrets-in-outputs'],
		);
		// Next to a hub the template does deploy, the finding still is not that hub's.
		const both = coverageOfTexts({ 'main.bicep': `${bicepHub('deployed-hub', SECURE_PROPS)}\n${text}` });
		assert.equal(control(subject(both, 'deployed-hub'), 'IM-8').status, 'pass');
		assert.deepEqual(
			both.unattributed.map((f) => f.ruleId),
			['iothub-no-secrets-in-outputs'],
		);
	});
});

/** Analyse and mark the rule's findings as suppressed, as the suppression layer does. */
function analysisWithSuppression(text: string, ruleId: string, justification: string): AnalysisResult {
	const r = coverageOfTextsResult(text);
	return { ...r, findings: r.findings.map((f): Finding => (f.ruleId === ruleId ? { ...f, suppression: { kind: 'inSource', justification, location: f.location } } : f)) };
}

function coverageOfTextsResult(text: string): AnalysisResult {
	return analyzeForCoverage(`${MEM}main.bicep`, text, memoryHost({ [`${MEM}main.bicep`]: text }), allRules, { rethrow: true });
}

describe('coverage report: corpus templates', () => {
	const corpus = path.resolve(repoRoot, '..', 'shared', 'corpus');
	const present = existsSync(path.join(corpus, 'manifest.json'));
	const skip = present ? false : `corpus not found at ${corpus}`;
	before(ensureBicep);

	/** Corpus folders: a hub and a DPS with a parameter file; a module used by two test deployments; a routed hub. */
	const cases = [
		{ dir: 'anthony-c-martin__azure-quickstart-templates/101-iothub-device-provisioning', hubs: 1, dps: 1 },
		{ dir: 'Azure__bicep-registry-modules/avm/res/devices/iot-hub', hubs: 2, dps: 0 },
		{ dir: 'Azure__azure-quickstart-templates/quickstarts/microsoft.devices/iothub-auto-route-messages', hubs: 2, dps: 0 },
	];
	for (const c of cases) {
		it(`reports every control for every hub and DPS in ${c.dir}`, { skip }, () => {
			const r = coverageOfPaths([path.join(corpus, c.dir)]);
			assert.equal(r.subjects.filter((s) => s.kind === 'iotHub').length, c.hubs, r.subjects.map((s) => `${s.name} ${s.location.path}`).join(', '));
			assert.equal(r.subjects.filter((s) => s.kind === 'dps').length, c.dps);
			for (const s of r.subjects) {
				assertAllControls(s);
				for (const ctl of s.controls) {
					for (const rule of ctl.rules) {
						if (rule.status === 'fail') assert.ok(rule.findings.some((f) => !f.unknown && !f.suppressed && f.location.line !== undefined), `${s.name} ${rule.ruleId}: a fail has a located finding`);
					}
				}
			}
		});
	}

	it('finds the module hub of the AVM tests once, with both test deployments', { skip }, () => {
		const r = coverageOfPaths([path.join(corpus, 'Azure__bicep-registry-modules/avm/res/devices/iot-hub')]);
		const hub = r.subjects.find((s) => s.location.path.endsWith('iot-hub/main.bicep'));
		assert.ok(hub, 'the hub declared in main.bicep');
		assert.equal(hub.seenIn.filter((p) => p.endsWith('main.test.bicep')).length, 2);
		assert.equal(hub.otherNames.length, 1, 'the two test deployments name it differently');
	});
});
