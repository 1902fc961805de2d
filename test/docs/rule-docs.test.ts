// Every rule has a doc (rules/<id>.md) in the shape STYLE.md describes, and the doc's examples do what
// the doc says: the snippets under "Configure with Bicep" / "Configure with ARM template" are linted and
// must be secure, snippets marked `<!-- insecure -->` must raise the documented rule.
//
// The precise criterion, per fenced ```bicep / ```json block (linted as file:///docs/example.bicep|json,
// every rule at its catalog level, the documented rule at least at `warning` when its default is off):
//
// - A block is a *secure example* when it stands under a "### Configure with ..." heading, an *insecure
//   example* when the last non-blank line before its fence is `<!-- insecure -->`, and is not linted at all
//   when that line is `<!-- fragment -->` (for partial snippets). Any other bicep/json block fails the test:
//   it is unclear what it shows.
// - Every linted block must be a complete template: it parses without problems and deploys a resource of a
//   type the rule checks (for a template-wide rule: an IoT Hub or DPS), so a block cannot pass by saying nothing.
// - Secure example: no finding at all (any level) from the documented rule, and no warning or error from any
//   *property rule*. Property rules are every rule except the deployment rules below, which ask for another
//   resource in the same deployment (a private endpoint, diagnostic settings, a Defender solution): a doc's
//   example shows one concern and need not carry every companion resource. A deployment rule's own doc must
//   still satisfy itself.
// - Insecure example: at least one finding from the documented rule, and no warning or error from any other
//   property rule, so the block shows exactly the documented problem.
//
// A rule registered in allRules whose doc does not exist yet fails here on purpose.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import type { Finding } from '../../server/src/analysis/findings';
import { noHost } from '../../server/src/analysis/host';
import type { Rule } from '../../server/src/analysis/rule';
import type { Severity } from '../../server/src/analysis/types';
import { allRules } from '../../rules/index';
import { ensureBicep } from '../support/bicep';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const rulesDir = path.join(repoRoot, 'rules');

/** Rules satisfied only by another resource in the deployment (see the header). */
export const DEPLOYMENT_RULES = new Set(['iothub-private-endpoint', 'dps-private-endpoint', 'iothub-diagnostic-logs', 'dps-diagnostic-logs', 'iothub-defender-for-iot']);

/** The sections STYLE.md asks for, in order (extra sections may stand between them). */
const SECTIONS = ['## Synopsis', '## Description', '## Recommendation', '## Examples', '### Configure with Bicep', '### Configure with ARM template', '## Quick fix', '## Notes', '## Links'];

const MCSB_AREAS: Record<string, string> = {
	NS: 'network-security',
	IM: 'identity-management',
	PA: 'privileged-access',
	DP: 'data-protection',
	AM: 'asset-management',
	LT: 'logging-threat-detection',
	BR: 'backup-recovery',
	ES: 'endpoint-security',
	PV: 'posture-vulnerability-management',
	IR: 'incident-response',
	GS: 'governance-strategy',
	DS: 'devops-security',
};

const HUB_TYPE = 'Microsoft.Devices/IotHubs';
const DPS_TYPE = 'Microsoft.Devices/provisioningServices';

export interface CodeBlock {
	lang: string;
	text: string;
	/** 1-based line of the opening fence. */
	line: number;
	/** The nearest `##` and `###` headings above the block. */
	section?: string;
	subsection?: string;
	marker?: 'insecure' | 'fragment';
}

export interface ParsedDoc {
	frontMatter: Record<string, string>;
	/** Headings outside code blocks, as written (`## Notes`), with their 1-based lines. */
	headings: { text: string; line: number }[];
	blocks: CodeBlock[];
	/** Link targets of `[text](url)` outside code blocks. */
	links: { text: string; url: string }[];
	/** Lines of a section's body (outside code blocks), by `##` heading. */
	sectionText: Map<string, string>;
}

export function parseDoc(text: string): ParsedDoc {
	const lines = text.split(/\r?\n/);
	const frontMatter: Record<string, string> = {};
	let i = 0;
	if (lines[0] === '---') {
		for (i = 1; i < lines.length && lines[i] !== '---'; i++) {
			const m = /^([A-Za-z][\w-]*):\s*(.*?)\s*$/.exec(lines[i]);
			if (m) frontMatter[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
		}
		i++;
	}
	const doc: ParsedDoc = { frontMatter, headings: [], blocks: [], links: [], sectionText: new Map() };
	let section: string | undefined;
	let subsection: string | undefined;
	let lastNonBlank = '';
	for (; i < lines.length; i++) {
		const line = lines[i];
		const fence = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
		if (fence) {
			const close = fence[1];
			const start = i;
			const body: string[] = [];
			for (i++; i < lines.length && !lines[i].startsWith(close); i++) body.push(lines[i]);
			const marker = /^<!--\s*(insecure|fragment)\s*-->$/.exec(lastNonBlank.trim())?.[1] as CodeBlock['marker'];
			doc.blocks.push({ lang: fence[2].toLowerCase(), text: `${body.join('\n')}\n`, line: start + 1, section, subsection, marker });
			lastNonBlank = close;
			continue;
		}
		const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
		if (heading) {
			const text = `${heading[1]} ${heading[2]}`;
			doc.headings.push({ text, line: i + 1 });
			if (heading[1].length <= 2) {
				section = text;
				subsection = undefined;
			} else if (heading[1].length === 3) {
				subsection = text;
			}
		} else if (section) {
			doc.sectionText.set(section, `${doc.sectionText.get(section) ?? ''}${line}\n`);
		}
		for (const m of line.matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)) doc.links.push({ text: m[1], url: m[2] });
		if (line.trim() !== '') lastNonBlank = line;
	}
	return doc;
}

function docPath(rule: Rule): string {
	return path.join(rulesDir, `${rule.id}.md`);
}

/** Levels for linting a doc example: catalog defaults, the documented rule on even when it is off by default. */
function levelsFor(rule: Rule): Record<string, Severity> {
	return { [rule.id]: rule.severity === 'off' ? 'warning' : rule.severity };
}

interface Linted {
	findings: Finding[];
	problems: string[];
	/** Deployed resource types in the template. */
	types: string[];
}

function lint(block: CodeBlock, rule: Rule): Linted {
	const uri = block.lang === 'bicep' ? 'file:///docs/example.bicep' : 'file:///docs/example.json';
	const result = analyzeDocument(uri, block.text, noHost, allRules, { levels: levelsFor(rule), rethrow: true });
	const problems = result.problems.map((p) => p.message);
	if (result.kind === 'other') problems.push(`not recognised as a template (kind '${result.kind}')`);
	const types = (result.template?.resources ?? []).filter((r) => !r.existing).map((r) => r.type.toLowerCase());
	return { findings: result.findings, problems, types };
}

function describeFindings(findings: Finding[]): string {
	return findings.map((f) => `  ${f.ruleId} (${f.severity}): ${f.message}`).join('\n') || '  (none)';
}

const loud = (f: Finding) => f.severity === 'warning' || f.severity === 'error';

/** Types the rule's examples must deploy for the example to mean anything. */
function subjectTypes(rule: Rule): string[] {
	const own = rule.resourceTypes.filter((t) => [HUB_TYPE, DPS_TYPE].some((s) => s.toLowerCase() === t.toLowerCase()));
	return (own.length > 0 ? own : rule.resourceTypes.length > 0 ? rule.resourceTypes : [HUB_TYPE, DPS_TYPE]).map((t) => t.toLowerCase());
}

function checkSecure(rule: Rule, block: CodeBlock, where: string): void {
	const { findings, problems, types } = lint(block, rule);
	assert.deepEqual(problems, [], `${where}: the example does not parse cleanly`);
	assert.ok(subjectTypes(rule).some((t) => types.includes(t)), `${where}: the example deploys no ${subjectTypes(rule).join(' or ')}, so it shows nothing`);
	const own = findings.filter((f) => f.ruleId === rule.id);
	assert.equal(own.length, 0, `${where}: the secure example raises ${rule.id}:\n${describeFindings(own)}`);
	const others = findings.filter((f) => f.ruleId !== rule.id && !DEPLOYMENT_RULES.has(f.ruleId) && loud(f));
	assert.equal(others.length, 0, `${where}: the secure example raises warnings/errors from other property rules:\n${describeFindings(others)}`);
}

function checkInsecure(rule: Rule, block: CodeBlock, where: string): void {
	const { findings, problems, types } = lint(block, rule);
	assert.deepEqual(problems, [], `${where}: the example does not parse cleanly`);
	assert.ok(subjectTypes(rule).some((t) => types.includes(t)), `${where}: the example deploys no ${subjectTypes(rule).join(' or ')}`);
	const own = findings.filter((f) => f.ruleId === rule.id);
	assert.ok(own.length > 0, `${where}: the insecure example does not raise ${rule.id}; it raises:\n${describeFindings(findings)}`);
	const others = findings.filter((f) => f.ruleId !== rule.id && !DEPLOYMENT_RULES.has(f.ruleId) && loud(f));
	assert.equal(others.length, 0, `${where}: the insecure example should show only ${rule.id}, but also raises:\n${describeFindings(others)}`);
}

describe('rule docs', () => {
	before(ensureBicep);

	it('every rule has a doc', () => {
		const missing = allRules.filter((r) => !existsSync(docPath(r))).map((r) => `rules/${r.id}.md`);
		assert.deepEqual(missing, [], `rule docs missing: ${missing.join(', ')}`);
	});

	for (const rule of allRules) {
		describe(rule.id, () => {
			const file = docPath(rule);
			const rel = `rules/${rule.id}.md`;
			let doc: ParsedDoc | undefined;
			const load = (): ParsedDoc => {
				assert.ok(existsSync(file), `${rel} is missing`);
				doc ??= parseDoc(readFileSync(file, 'utf8'));
				return doc;
			};

			it('front matter matches the rule', () => {
				const fm = load().frontMatter;
				assert.equal(fm.id, rule.id, `${rel}: front matter id`);
				assert.equal(fm.mcsb, rule.mcsb, `${rel}: front matter mcsb`);
				assert.equal(fm.severity, rule.severity, `${rel}: front matter severity (the rule's default level)`);
				assert.ok(fm.resourceType, `${rel}: front matter resourceType is missing`);
				const expected = rule.id.startsWith('dps-') ? DPS_TYPE : HUB_TYPE;
				assert.equal(fm.resourceType, expected, `${rel}: front matter resourceType`);
				if (rule.resourceTypes.length > 0) {
					assert.ok(
						rule.resourceTypes.some((t) => t.toLowerCase() === fm.resourceType.toLowerCase()),
						`${rel}: resourceType ${fm.resourceType} is not one the rule checks (${rule.resourceTypes.join(', ')})`,
					);
				}
			});

			it('has the sections of STYLE.md in order', () => {
				const { headings, sectionText } = load();
				assert.ok(headings.length > 0 && /^# \S/.test(headings[0].text), `${rel}: the first heading must be the '# Title'`);
				assert.equal(headings.filter((h) => /^# /.test(h.text)).length, 1, `${rel}: exactly one '# Title'`);
				let from = 0;
				for (const wanted of SECTIONS) {
					const at = headings.findIndex((h, i) => i >= from && h.text === wanted);
					assert.ok(at >= 0, `${rel}: '${wanted}' is missing or out of order (expected after '${headings[from - 1]?.text ?? headings[0].text}')`);
					// "Configure with" belong to Examples: no other `##` between them.
					if (wanted.startsWith('###')) {
						const between = headings.slice(from, at).filter((h) => /^## /.test(h.text));
						assert.deepEqual(between, [], `${rel}: '${wanted}' must stand under '## Examples'`);
					}
					from = at + 1;
				}
				assert.equal(sectionText.get('## Synopsis')?.trim(), rule.title, `${rel}: the Synopsis is the rule's title`);
			});

			it('links to its MCSB control and the IoT Hub baseline', () => {
				const { links } = load();
				const [area] = rule.mcsb.split('-');
				const base = `https://learn.microsoft.com/security/benchmark/azure/mcsb-${MCSB_AREAS[area] ?? '?'}#${rule.mcsb.toLowerCase()}-`;
				assert.ok(
					links.some((l) => l.url.startsWith(base) && l.text.includes(rule.mcsb)),
					`${rel}: no link to the MCSB control (${base}...) whose text names ${rule.mcsb}`,
				);
				assert.ok(
					links.some((l) => /learn\.microsoft\.com\/security\/benchmark\/azure\/baselines\/azure-iot-hub-security-baseline/.test(l.url)),
					`${rel}: no link to the Azure security baseline for IoT Hub`,
				);
			});

			it('has a Bicep and an ARM example under the "Configure with" headings', () => {
				const { blocks } = load();
				const bicep = blocks.filter((b) => b.subsection === '### Configure with Bicep' && !b.marker);
				const arm = blocks.filter((b) => b.subsection === '### Configure with ARM template' && !b.marker);
				assert.ok(bicep.some((b) => b.lang === 'bicep'), `${rel}: no \`\`\`bicep block under '### Configure with Bicep'`);
				assert.ok(arm.some((b) => b.lang === 'json'), `${rel}: no \`\`\`json block under '### Configure with ARM template'`);
				for (const b of [...bicep, ...arm]) {
					const want = b.subsection === '### Configure with Bicep' ? 'bicep' : 'json';
					assert.equal(b.lang, want, `${rel}:${b.line}: a '${b.lang}' block under '${b.subsection}'`);
				}
			});

			it('every bicep/json block is a secure example, an insecure example or a marked fragment', () => {
				const { blocks } = load();
				const unclear = blocks.filter((b) => (b.lang === 'bicep' || b.lang === 'json') && !b.marker && !b.subsection?.startsWith('### Configure with'));
				assert.deepEqual(
					unclear.map((b) => `${rel}:${b.line}`),
					[],
					'blocks outside "Configure with" must be marked <!-- insecure --> (linted) or <!-- fragment --> (not linted)',
				);
			});

			it('secure examples raise nothing from this rule and no warning/error from property rules', () => {
				const blocks = load().blocks.filter((b) => !b.marker && b.subsection?.startsWith('### Configure with') && (b.lang === 'bicep' || b.lang === 'json'));
				for (const b of blocks) checkSecure(rule, b, `${rel}:${b.line}`);
			});

			it('insecure examples raise exactly this rule', () => {
				const blocks = load().blocks.filter((b) => b.marker === 'insecure');
				for (const b of blocks) {
					assert.ok(b.lang === 'bicep' || b.lang === 'json', `${rel}:${b.line}: an insecure example must be \`\`\`bicep or \`\`\`json`);
					checkInsecure(rule, b, `${rel}:${b.line}`);
				}
			});
		});
	}
});

describe('rule doc parser', () => {
	it('reads front matter, headings, blocks and markers', () => {
		const doc = parseDoc(
			[
				'---',
				'id: x',
				"mcsb: 'NS-2'",
				'---',
				'# T',
				'## Examples',
				'### Configure with Bicep',
				'```bicep',
				'# not a heading',
				'```',
				'## Notes',
				'<!-- insecure -->',
				'',
				'```json',
				'{}',
				'```',
				'<!-- fragment -->',
				'```bicep',
				'x',
				'```',
				'- [MCSB NS-2](https://example.test/a)',
			].join('\n'),
		);
		assert.deepEqual(doc.frontMatter, { id: 'x', mcsb: 'NS-2' });
		assert.deepEqual(
			doc.headings.map((h) => h.text),
			['# T', '## Examples', '### Configure with Bicep', '## Notes'],
		);
		assert.deepEqual(
			doc.blocks.map((b) => [b.lang, b.subsection ?? b.section, b.marker]),
			[
				['bicep', '### Configure with Bicep', undefined],
				['json', '## Notes', 'insecure'],
				['bicep', '## Notes', 'fragment'],
			],
		);
		assert.deepEqual(doc.links, [{ text: 'MCSB NS-2', url: 'https://example.test/a' }]);
	});
});
