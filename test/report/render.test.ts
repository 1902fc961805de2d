// The renderers: one self-contained HTML file (no scripts, nothing from the network, template text escaped)
// and Markdown whose tables survive names with `|` and whose text never turns into HTML.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BASELINE_CONTROLS } from '../../server/src/analysis/data/baseline-controls';
import { esc, renderHtml } from '../../server/src/analysis/report/html';
import { mdText, renderMarkdown } from '../../server/src/analysis/report/markdown';
import type { CoverageReport } from '../../server/src/analysis/report/coverage';
import { ensureBicep } from '../support/bicep';
import { SECURE_PROPS, bicepHub, coverageOfPaths, coverageOfTexts } from './support';

const EVIL = `<script>alert('x')</script>|*a*_b_[c](d)&amp;"q"`;

describe('coverage report rendering', () => {
	let evil: CoverageReport;
	let examples: CoverageReport;
	before(async () => {
		await ensureBicep();
		// A hub name and a finding message with markup in them (the message quotes the name).
		const props = SECURE_PROPS.map((p) => (p.startsWith('minTlsVersion') ? "minTlsVersion: '1.0'" : p));
		evil = coverageOfTexts({ 'main.bicep': bicepHub(EVIL.replace(/'/g, "\\'"), props) });
		examples = coverageOfPaths(['examples']);
	});

	it('escapes every piece of template text in HTML', () => {
		const html = renderHtml(evil);
		assert.equal(evil.subjects[0].name, EVIL);
		assert.doesNotMatch(html, /<script/i);
		assert.match(html, /&lt;script&gt;alert\(&#39;x&#39;\)&lt;\/script&gt;\|\*a\*_b_\[c\]\(d\)&amp;amp;&quot;q&quot;/);
		// The message names the hub too; it is escaped there as well.
		assert.ok(!html.includes("<script>alert('x')"));
		assert.ok(html.includes('DP-3: IoT Hub &#39;&lt;script&gt;'));
	});

	it('writes one self-contained HTML file: no scripts, no network, a strict CSP', () => {
		for (const html of [renderHtml(evil), renderHtml(examples, { generator: 'test', generatedAt: '2025-01-01T00:00:00Z', title: '<t>' })]) {
			assert.match(html, /^<!DOCTYPE html>/);
			assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
			assert.doesNotMatch(html, /<script|<link|<img|<iframe|\son\w+=|src=|@import|url\(/i);
			// Links only to learn.microsoft.com and to anchors in the page.
			for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1], /^(https:\/\/learn\.microsoft\.com\/|#r\d+$)/, m[1]);
		}
		assert.ok(renderHtml(examples, { title: '<t>' }).includes('<title>&lt;t&gt;</title>'));
	});

	it('lists every control of every hub in both formats', () => {
		const html = renderHtml(examples);
		const md = renderMarkdown(examples);
		for (const s of examples.subjects) {
			assert.ok(html.includes(`<code>${esc(s.name)}</code>`));
			assert.ok(md.includes(`## IoT Hub ${mdText(s.name)}`));
		}
		for (const c of BASELINE_CONTROLS) {
			const rows = md.split('\n').filter((l) => l.startsWith(`| [${c.id}](`));
			assert.equal(rows.length, examples.subjects.length, `${c.id} rows in Markdown`);
			assert.equal(html.split(`>${c.id}</a></td>`).length - 1, examples.subjects.length, `${c.id} rows in HTML`);
		}
		assert.match(md, /`iothub-min-tls-1-2` \(warning\) at examples\/insecure-hub\.json:36: DP-3: IoT Hub 'contoso-prod-hub' allows TLS older than 1\.2/);
		assert.match(html, /<code>iothub-min-tls-1-2<\/code> \(warning\) at <span class="loc">examples\/insecure-hub\.json:36<\/span>/);
	});

	it('keeps Markdown tables intact and turns no template text into HTML or links', () => {
		const md = renderMarkdown(evil);
		assert.doesNotMatch(md, /<script/i);
		const name = mdText(EVIL);
		assert.equal(name, "&lt;script&gt;alert('x')&lt;/script&gt;\\|\\*a\\*\\_b\\_\\[c\\](d)&amp;amp;\"q\"");
		const summary = md.split('\n').find((l) => l.startsWith('| IoT Hub '))!;
		// Columns: resource, declared at and the seven statuses; an escaped `|` does not split a cell.
		assert.equal(summary.split(/(?<!\\)\|/).length - 2, 9);
		assert.equal(mdText('a\nb\r\nc'), 'a b c');
	});

	it('says so when the files deploy no hub or DPS', () => {
		const none = coverageOfTexts({ 'main.bicep': "param x string = 'y'\n" });
		assert.match(renderMarkdown(none), /No IoT Hub \(Microsoft\.Devices\/IotHubs\) or Device Provisioning Service/);
		assert.match(renderHtml(none), /No IoT Hub \(Microsoft\.Devices\/IotHubs\) or Device Provisioning Service/);
	});

	it('shows suppressions with their justification, escaped', () => {
		const props = SECURE_PROPS.map((p) => (p.startsWith('minTlsVersion') ? "minTlsVersion: '1.0'" : p));
		const report = coverageOfTexts({ 'main.bicep': bicepHub('hub-s', props) });
		const f = report.subjects[0].controls.find((c) => c.control.id === 'DP-3')!.rules[0].findings[0];
		f.suppressed = true;
		f.justification = 'Until <2026>';
		f.suppressionKind = 'inSource';
		assert.match(renderHtml(report), /Suppressed \(inSource\): Until &lt;2026&gt;/);
		assert.match(renderMarkdown(report), /suppressed \(inSource\): Until &lt;2026&gt;/);
	});
});
