// Building coverage reports in tests: from files on disk (examples/, the corpus) or from in-memory texts.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatOf } from '../../server/src/analysis/analyze';
import { memoryHost } from '../../server/src/analysis/host';
import { analyzeForCoverage, buildCoverage, type AnalyzedDocument, type ControlResult, type CoverageReport, type SubjectCoverage } from '../../server/src/analysis/report/coverage';
import type { Rule } from '../../server/src/analysis/rule';
import type { Severity } from '../../server/src/analysis/types';
import { collectFiles, displayPath } from '../../server/src/cli/collect-files';
import { fileSystemHost } from '../../server/src/cli/fs-host';
import { readTextFile } from '../../server/src/cli/read-text';
import { allRules } from '../../rules/index';

/** The repository root (tests run from out/test/report/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface CoverageOpts {
	rules?: Rule[];
	levels?: Record<string, Severity>;
}

/** The report for files and folders on disk, paths shown relative to the repository root. */
export function coverageOfPaths(paths: string[], opts: CoverageOpts = {}): CoverageReport {
	const rules = opts.rules ?? allRules;
	const host = fileSystemHost();
	const docs: AnalyzedDocument[] = [];
	for (const file of collectFiles(paths, repoRoot).files) {
		const uri = pathToFileURL(file).href;
		if (!formatOf(uri)) continue;
		const read = readTextFile(file);
		if (!read.ok) continue;
		const result = analyzeForCoverage(uri, read.text, host, rules, { levels: opts.levels, rethrow: true });
		if (result.kind !== 'other') docs.push({ uri, result });
	}
	return buildCoverage(docs, { rules, levels: opts.levels, displayPath: (u) => displayPath(new URL(u).pathname, repoRoot) });
}

export const MEM = 'file:///mem/';

/** The report for in-memory files (names relative to file:///mem/); `analyse` lists the documents to analyse. */
export function coverageOfTexts(files: Record<string, string>, analyse: string[] = Object.keys(files), opts: CoverageOpts = {}): CoverageReport {
	const rules = opts.rules ?? allRules;
	const byUri: Record<string, string> = {};
	for (const [name, text] of Object.entries(files)) byUri[MEM + name] = text;
	const host = memoryHost(byUri);
	const docs: AnalyzedDocument[] = analyse.map((name) => ({ uri: MEM + name, result: analyzeForCoverage(MEM + name, files[name], host, rules, { levels: opts.levels, rethrow: true }) }));
	return buildCoverage(docs, { rules, levels: opts.levels, displayPath: (u) => (u.startsWith(MEM) ? u.slice(MEM.length) : u) });
}

export function subject(report: CoverageReport, name: string): SubjectCoverage {
	const s = report.subjects.find((x) => x.name === name);
	if (!s) throw new Error(`no subject '${name}' in the report (has: ${report.subjects.map((x) => x.name).join(', ')})`);
	return s;
}

export function control(s: SubjectCoverage, id: string): ControlResult {
	const c = s.controls.find((x) => x.control.id === id);
	if (!c) throw new Error(`no control ${id} for '${s.name}'`);
	return c;
}

/** A Bicep IoT Hub; `props` are lines inside `properties`. */
export function bicepHub(name: string, props: string[] = [], extra = ''): string {
	return `resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: '${name}'
  location: 'westeurope'
  sku: {
    name: 'S1'
    capacity: 1
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
${props.map((p) => `    ${p}`).join('\n')}
  }
}
${extra}`;
}

/** Every property-level setting of the baseline, secure. */
export const SECURE_PROPS = [
	"publicNetworkAccess: 'Disabled'",
	"minTlsVersion: '1.2'",
	'disableLocalAuth: true',
	'disableDeviceSAS: true',
	'disableModuleSAS: true',
	'restrictOutboundNetworkAccess: true',
	'allowedFqdnList: [',
	"  'contoso.servicebus.windows.net'",
	']',
];
