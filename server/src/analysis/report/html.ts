// Coverage report → one self-contained HTML file: inline CSS, no scripts, no fonts or images from the
// network, and a Content-Security-Policy that forbids them anyway, so the file can be attached to a review
// and shown in a sandboxed webview. Every piece of template text is escaped.

import {
	CONTROL_STATUSES,
	RULE_STATUS_LABELS,
	STATUS_LABELS,
	formatLocation,
	kindLabel,
	notCheckedReason,
	responsibilityLabel,
	type ControlResult,
	type CoverageFinding,
	type CoverageReport,
	type SubjectCoverage,
} from './coverage';
import { DEFAULT_TITLE, type RenderOptions } from './markdown';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value → HTML. */
export function esc(s: string): string {
	return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Only http(s) links from our own data reach an href; anything else becomes '#'. */
function safeHref(url: string): string {
	return /^https:\/\/[^\s"'<>]+$/.test(url) ? esc(url) : '#';
}

const CSS = `
:root { color-scheme: light dark; --fail: #c62828; --unknown: #8a6d00; --suppressed: #6a1b9a; --pass: #2e7d32; --muted: #6b6b6b; --line: #d0d0d0; --head: #f3f3f3; }
@media (prefers-color-scheme: dark) { :root { --fail: #ef9a9a; --unknown: #ffe082; --suppressed: #ce93d8; --pass: #a5d6a7; --muted: #a0a0a0; --line: #444; --head: #2a2a2a; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid var(--line); padding-bottom: .2em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; } th, td { border: 1px solid var(--line); padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: var(--head); } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12.5px ui-monospace, "Cascadia Code", Consolas, monospace; }
.meta, .note { color: var(--muted); } .note { font-size: .92em; }
.status { font-weight: 600; }
td.st { width: 11em; } td.ctl { width: 4em; white-space: nowrap; } td.resp { width: 8em; }
ul.rules code { word-break: break-word; }
.s-fail { color: var(--fail); } .s-unknown { color: var(--unknown); } .s-suppressed { color: var(--suppressed); } .s-pass { color: var(--pass); }
.s-platform, .s-not-checkable, .s-not-checked, .s-off { color: var(--muted); }
ul.findings { padding-left: 1.2em; } ul.findings li { margin: .25em 0; } ul.rules { list-style: none; margin: 0; padding: 0; }
.loc { white-space: nowrap; }
`;

function statusSpan(status: string, label: string): string {
	return `<span class="status s-${esc(status)}">${esc(label)}</span>`;
}

function controlStatus(c: ControlResult): string {
	const reason = c.status === 'not-checked' ? `<br><span class="note">${esc(notCheckedReason(c))}</span>` : '';
	return `${statusSpan(c.status, STATUS_LABELS[c.status])}${reason}`;
}

function rulesCell(c: ControlResult): string {
	if (c.rules.length === 0) return `<span class="note">${esc(c.control.note)}</span>`;
	const items = c.rules.map((r) => `<li><code>${esc(r.ruleId)}</code>: ${statusSpan(r.status, RULE_STATUS_LABELS[r.status])}</li>`).join('');
	return `<ul class="rules">${items}</ul>`;
}

function findingItem(controlId: string, f: CoverageFinding): string {
	const kind = f.suppressed ? 'suppressed' : f.unknown ? 'unknown' : 'fail';
	let html = `<li>${statusSpan(kind, kind)} <b>${esc(controlId)}</b> <code>${esc(f.ruleId)}</code> (${esc(f.severity)}) at <span class="loc">${esc(formatLocation(f.location))}</span>: ${esc(f.message)}`;
	if (f.suppressed) {
		const how = f.suppressionKind ? ` (${esc(f.suppressionKind)})` : '';
		html += `<br><span class="note">Suppressed${how}: ${f.justification ? esc(f.justification) : '<i>no justification given</i>'}</span>`;
	}
	return `${html}</li>`;
}

function subjectSection(s: SubjectCoverage, index: number): string {
	const rows = s.controls
		.map(
			(c) =>
				`<tr><td class="ctl"><a href="${safeHref(c.control.url)}">${esc(c.control.id)}</a></td><td>${esc(c.control.title)}</td><td class="resp">${esc(responsibilityLabel(c.control))}</td><td class="st">${controlStatus(c)}</td><td>${rulesCell(c)}</td></tr>`,
		)
		.join('\n');
	const findings = s.controls.flatMap((c) => c.rules.flatMap((r) => r.findings.map((f) => findingItem(c.control.id, f))));
	return `<section id="r${index}">
<h2>${esc(kindLabel(s.kind))} <code>${esc(s.name)}</code></h2>
<p class="meta">Declared at <span class="loc">${esc(formatLocation(s.location))}</span> (${esc(s.type)}). Analysed in: ${s.seenIn.map(esc).join(', ')}.${s.otherNames.length > 0 ? ` Also deployed as ${s.otherNames.map((n) => `<code>${esc(n)}</code>`).join(', ')}.` : ''}</p>
<table>
<thead><tr><th>Control</th><th>Title</th><th>Responsibility</th><th>Status</th><th>Rules / notes</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${findings.length > 0 ? `<h3>Findings</h3>\n<ul class="findings">\n${findings.join('\n')}\n</ul>` : ''}
</section>`;
}

export function renderHtml(report: CoverageReport, options: RenderOptions = {}): string {
	const title = options.title ?? DEFAULT_TITLE;
	const hubs = report.subjects.filter((s) => s.kind === 'iotHub').length;
	const dps = report.subjects.length - hubs;
	const by = [options.generator ? `Generated by ${esc(options.generator)}` : '', options.generatedAt ? `on ${esc(options.generatedAt)}` : ''].filter(Boolean).join(' ');
	const parts: string[] = [];
	parts.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">Baseline: <a href="${safeHref(report.baseline.url)}">${esc(report.baseline.name)}</a> (${esc(report.baseline.benchmark)} ${esc(report.baseline.version)}).${by ? ` ${by}.` : ''}
Analysed ${report.documents.length} ${report.documents.length === 1 ? 'file' : 'files'}: ${hubs} IoT ${hubs === 1 ? 'hub' : 'hubs'}, ${dps} DPS.</p>
<p class="note">Statuses: <b>Fail</b> (a rule reports the resource, with rule and location), <b>Unknown</b> (depends on a value known only at deployment), <b>Suppressed</b> (reported but accepted, with the justification), <b>Pass</b>, <b>Not checked</b> (the rule is off, or no rule covers the control for this resource type), <b>Platform-managed</b> (Microsoft’s responsibility), <b>Not checkable in a template</b>.</p>`);
	if (report.levelOverrides.length > 0) {
		parts.push(`<p class="note">Rule levels changed from the defaults: ${report.levelOverrides.map((o) => `<code>${esc(o.ruleId)}</code> = ${esc(o.level)}`).join(', ')}.</p>`);
	}
	if (report.subjects.length === 0) {
		parts.push('<p>No IoT Hub (Microsoft.Devices/IotHubs) or Device Provisioning Service (Microsoft.Devices/provisioningServices) is deployed by these files.</p>');
	} else {
		const head = CONTROL_STATUSES.map((s) => `<th>${esc(STATUS_LABELS[s])}</th>`).join('');
		const rows = report.subjects
			.map((s, i) => {
				const cells = CONTROL_STATUSES.map((k) => `<td class="num">${s.counts[k] > 0 && (k === 'fail' || k === 'unknown' || k === 'suppressed') ? statusSpan(k, String(s.counts[k])) : s.counts[k]}</td>`).join('');
				return `<tr><td><a href="#r${i}">${esc(kindLabel(s.kind))} <code>${esc(s.name)}</code></a></td><td class="loc">${esc(formatLocation(s.location))}</td>${cells}</tr>`;
			})
			.join('\n');
		parts.push(`<h2>Summary</h2>
<table>
<thead><tr><th>Resource</th><th>Declared at</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`);
		report.subjects.forEach((s, i) => parts.push(subjectSection(s, i)));
	}
	if (report.unattributed.length > 0) {
		parts.push(`<h2>Findings not tied to a hub or DPS in these files</h2>\n<ul class="findings">\n${report.unattributed.map((f) => findingItem(f.control, f)).join('\n')}\n</ul>`);
	}
	if (report.problems.length > 0) {
		parts.push(`<h2>Files that could not be read completely</h2>\n<ul>\n${report.problems.map((p) => `<li><span class="loc">${esc(formatLocation(p.location))}</span>: ${esc(p.message)}</li>`).join('\n')}\n</ul>`);
	}
	parts.push(`<h2>Files analysed</h2>\n<ul>\n${report.documents.map((d) => `<li>${esc(d.path)} <span class="note">(${esc(d.kind)})</span></li>`).join('\n')}\n</ul>`);
	parts.push('</body>\n</html>\n');
	return parts.join('\n');
}
