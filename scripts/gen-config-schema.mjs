// Writes schemas/iothub-baseline.schema.json, the JSON schema of the workspace configuration file
// (completion and validation in VS Code through `contributes.jsonValidation`). Rule ids, titles, controls and
// default levels come from rules/index.ts, so the schema never lists a rule the tool does not have.
// `node build.mjs` runs it; `--check` only reports whether the file is current (exit 1 when not).
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'schemas', 'iothub-baseline.schema.json');

async function loadCatalog() {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'iothub-schema-'));
	try {
		const outfile = path.join(dir, 'catalog.cjs');
		await esbuild.build({
			stdin: {
				contents: "export { allRules } from './rules/index'; export { metaRules } from './server/src/analysis/suppressions';",
				resolveDir: root,
				loader: 'ts',
			},
			bundle: true,
			platform: 'node',
			format: 'cjs',
			mainFields: ['module', 'main'],
			outfile,
			logLevel: 'error',
		});
		return createRequire(import.meta.url)(outfile);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const LEVELS = ['off', 'info', 'warning', 'error'];
const LEVEL_DESCRIPTIONS = ['Do not run the rule.', 'Report as information.', 'Report as a warning.', 'Report as an error.'];
const DOCS = 'https://github.com/iothub-baseline/iothub-security-baseline/blob/main';

export function buildSchema(rules, metaRules) {
	const all = [...rules, ...metaRules];
	const describe = (r) =>
		metaRules.includes(r)
			? `${r.title} (findings about suppressions). Default: \`${r.severity}\`. [Documentation](${DOCS}/docs/configuration.md#${r.id})`
			: `**${r.mcsb}**: ${r.title}. Default: \`${r.severity}\`. [Documentation](${DOCS}/rules/${r.id}.md)`;
	const ruleId = {
		type: 'string',
		enum: all.map((r) => r.id),
		markdownEnumDescriptions: all.map(describe),
	};
	return {
		$schema: 'http://json-schema.org/draft-07/schema#',
		$id: `${DOCS}/schemas/iothub-baseline.schema.json`,
		title: 'IoT Hub security baseline: workspace configuration (iothub-baseline.json)',
		markdownDescription: `Team settings for the IoT Hub security baseline linter, read by the VS Code extension and the \`iothub-baseline\` CLI alike. JSON with comments. The nearest file above a template (up to the workspace folder or the repository root) applies. [Reference](${DOCS}/docs/configuration.md)`,
		type: 'object',
		additionalProperties: false,
		properties: {
			$schema: { type: 'string' },
			rules: {
				type: 'object',
				markdownDescription: 'Level per rule id: `off`, `info`, `warning` or `error`. Wins over the personal `iothubBaseline.rules` setting; the CLI\'s `--rule ID=LEVEL` wins over it.',
				properties: Object.fromEntries(all.map((r) => [r.id, { type: 'string', enum: LEVELS, enumDescriptions: LEVEL_DESCRIPTIONS, markdownDescription: describe(r) }])),
				additionalProperties: false,
			},
			reportUnknown: {
				type: 'boolean',
				markdownDescription: "Report values that cannot be checked before deployment (for example a parameter with no value) as information: \"cannot verify: depends on parameter 'x'\". Wins over the `iothubBaseline.reportUnknown` setting.",
			},
			parameterFiles: {
				type: 'object',
				markdownDescription: 'Parameter file per template: keys are template paths or globs (`*`, `**`), values parameter file paths, both relative to this file\'s folder. Without an entry, `<name>.parameters.json` beside `<name>.json` is used, and `.bicepparam` files name their template with `using`.',
				additionalProperties: { type: 'string', minLength: 1 },
			},
			ignore: {
				type: 'array',
				markdownDescription: 'Files not to analyse: globs relative to this file\'s folder. `*` and `?` stay within a folder, `**` crosses folders, a pattern without `/` matches a name at any depth, and a folder matches everything in it.',
				items: { type: 'string', minLength: 1 },
				uniqueItems: true,
			},
			suppressions: {
				type: 'array',
				markdownDescription: 'Suppressions for files that cannot hold a directive comment (ARM JSON without comments). Suppressed findings are not shown or counted; SARIF reports them with `kind: "external"` and the justification.',
				items: {
					type: 'object',
					additionalProperties: false,
					required: ['file', 'rule', 'justification'],
					properties: {
						file: { type: 'string', minLength: 1, markdownDescription: 'The template or parameter file: a path or glob relative to this file\'s folder.' },
						resource: { type: 'string', minLength: 1, markdownDescription: 'The resource name as evaluated (for example `contoso-hub`), `*` wildcards allowed. Leave out to cover every resource in the file.' },
						rule: {
							markdownDescription: 'The rule id, or an array of rule ids.',
							anyOf: [ruleId, { type: 'array', items: ruleId, minItems: 1, uniqueItems: true }],
						},
						justification: { type: 'string', minLength: 1, markdownDescription: 'Why the finding does not apply. Shown in SARIF and JSON reports.' },
					},
					defaultSnippets: [{ label: 'suppression', body: { file: '$1', resource: '$2', rule: '$3', justification: '$4' } }],
				},
			},
		},
	};
}

const { allRules, metaRules } = await loadCatalog();
const text = `${JSON.stringify(buildSchema(allRules, metaRules), null, '\t')}\n`;
let current;
try {
	current = readFileSync(target, 'utf8');
} catch {
	current = undefined;
}
if (process.argv.includes('--check')) {
	if (current !== text) {
		console.error(`${path.relative(root, target)} is out of date: run node scripts/gen-config-schema.mjs`);
		process.exit(1);
	}
} else if (current !== text) {
	writeFileSync(target, text);
}
