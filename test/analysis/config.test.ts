// iothub-baseline.json in the core: validation (one problem per mistake, at its place), discovery (nearest
// file, stopping at the workspace folder or the repository root) and what the file says about paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { configParameterFile, findConfig, isIgnored, loadConfig, matchGlob, parseConfig } from '../../server/src/analysis/config';
import { memoryHost } from '../../server/src/analysis/host';
import { catalogIds } from '../../server/src/analysis/suppressions';

const catalog = catalogIds(allRules);
const TLS = 'iothub-min-tls-1-2';
const PNA = 'iothub-disable-public-network-access';
const URI = 'file:///ws/iothub-baseline.json';

/** [severity, message, the text the problem covers] per problem. */
function problems(text: string): [string, string, string][] {
	return parseConfig(URI, text, catalog).problems.map((p) => [p.severity, p.message, text.slice(p.location.span.start, p.location.span.end)]);
}

describe('config: parsing and validation', () => {
	it('reads every setting from JSON with comments and trailing commas', () => {
		const text = `{
	// The team's policy.
	"$schema": "./schemas/iothub-baseline.schema.json",
	"rules": { "${TLS}": "error", "iothub-customer-managed-key": "warning", "unused-suppression": "off", },
	"reportUnknown": true,
	"parameterFiles": { "infra/main.json": "infra/main.prod.parameters.json" },
	"ignore": ["examples/**", "*.test.json"],
	/* For the JSON templates without comments. */
	"suppressions": [
		{ "file": "legacy/hub.json", "resource": "old-hub", "rule": "${PNA}", "justification": "Retired in Q3." },
		{ "file": "legacy/*.json", "rule": ["${TLS}", "${PNA}"], "justification": "Lab." },
	],
}`;
		const { config, problems: found } = parseConfig(URI, text, catalog);
		assert.deepEqual(found, []);
		assert.deepEqual(config.rules, { [TLS]: 'error', 'iothub-customer-managed-key': 'warning', 'unused-suppression': 'off' });
		assert.equal(config.reportUnknown, true);
		assert.deepEqual(config.parameterFiles, { 'infra/main.json': 'infra/main.prod.parameters.json' });
		assert.deepEqual(config.ignore, ['examples/**', '*.test.json']);
		assert.deepEqual(
			config.suppressions.map((s) => [s.file, s.resource, s.rules, s.justification, text.slice(s.location.span.start, s.location.span.start + 9)]),
			[
				['legacy/hub.json', 'old-hub', [PNA], 'Retired in Q3.', '{ "file":'],
				['legacy/*.json', undefined, [TLS, PNA], 'Lab.', '{ "file":'],
			],
		);
	});

	it('an empty file is an empty configuration', () => {
		assert.deepEqual(problems(''), []);
		assert.deepEqual(problems('// nothing yet\n'), []);
	});

	it('says what is wrong, where, for each mistake', () => {
		assert.deepEqual(problems('{ "rules": { "iothub-min-tls-12": "error" } }'), [['error', `unknown rule 'iothub-min-tls-12' in 'rules' (did you mean '${TLS}'?)`, '"iothub-min-tls-12"']]);
		assert.deepEqual(problems(`{ "rules": { "${TLS}": "warn" } }`), [['error', `unknown level "warn" for rule '${TLS}' (expected off, info, warning or error)`, '"warn"']]);
		assert.deepEqual(problems(`{ "rules": { "${TLS}": 2 } }`), [['error', `unknown level 2 for rule '${TLS}' (expected off, info, warning or error)`, '2']]);
		assert.deepEqual(problems('{ "rules": [] }'), [['error', "'rules' must be an object of rule id to level", '[]']]);
		assert.deepEqual(problems('{ "reportUnknown": "yes" }'), [['error', "'reportUnknown' must be true or false", '"yes"']]);
		assert.deepEqual(problems('{ "parameterFiles": { "a.json": "" } }'), [['error', "'parameterFiles' entry 'a.json' must name a parameter file", '""']]);
		assert.deepEqual(problems('{ "ignore": "examples" }'), [['error', "'ignore' must be an array of path globs", '"examples"']]);
		assert.deepEqual(problems('{ "ignore": [1] }'), [['error', "'ignore' entries must be non-empty path globs", '1']]);
		assert.deepEqual(problems('{ "rule": {} }'), [['error', "unknown setting 'rule' (expected rules, reportUnknown, parameterFiles, ignore or suppressions)", '"rule"']]);
		assert.deepEqual(problems('[]'), [['error', 'the configuration must be a JSON object', '[]']]);
		assert.deepEqual(problems('{ "rules": { '), [['error', 'invalid JSON: close brace expected', '']]);
	});

	it('checks suppression entries', () => {
		const one = (entry: string) => problems(`{ "suppressions": [${entry}] }`);
		assert.deepEqual(one(`{ "rule": "${TLS}", "justification": "x" }`), [['error', "a suppression needs 'file' (a path glob)", `{ "rule": "${TLS}", "justification": "x" }`]]);
		assert.deepEqual(one('{ "file": "a.json", "justification": "x" }'), [['error', "a suppression needs 'rule' (a rule id or an array of them)", '{ "file": "a.json", "justification": "x" }']]);
		assert.deepEqual(one('{ "file": "a.json", "rule": "nope", "justification": "x" }'), [['error', "unknown rule 'nope' in a suppression", '"nope"']]);
		assert.deepEqual(one('{ "file": "a.json", "rule": [], "justification": "x" }'), [['error', "a suppression's 'rule' must be a rule id or an array of rule ids", '[]']]);
		assert.deepEqual(one(`{ "file": "a.json", "rule": "${TLS}", "why": "x" }`), [
			['error', "unknown property 'why' in a suppression (expected file, resource, rule or justification)", '"why"'],
		]);
		assert.deepEqual(one(`{ "file": "a.json", "rule": "${TLS}", "resource": 3, "justification": "x" }`), [['error', "a suppression's 'resource' must be a string", '3']]);
		assert.deepEqual(one('"a.json"'), [['error', "'suppressions' entries must be objects with file, rule and justification", '"a.json"']]);
		// Missing justification: a warning (the entry still applies).
		assert.deepEqual(one(`{ "file": "a.json", "rule": "${TLS}" }`), [['warning', `the suppression of '${TLS}' in 'a.json' has no justification`, `{ "file": "a.json", "rule": "${TLS}" }`]]);
	});

	it('keeps what is valid next to a mistake', () => {
		const { config, problems: found } = parseConfig(URI, `{ "rules": { "${TLS}": "error", "${PNA}": "loud" }, "reportUnknown": true }`, catalog);
		assert.equal(found.length, 1);
		assert.deepEqual(config.rules, { [TLS]: 'error' });
		assert.equal(config.reportUnknown, true);
	});
});

describe('config: discovery', () => {
	const cfg = (rules: Record<string, string>) => JSON.stringify({ rules });

	it('takes the nearest file from the document up; files are not merged', () => {
		const host = memoryHost({
			'file:///repo/.git/HEAD': 'ref: refs/heads/main',
			'file:///repo/iothub-baseline.json': cfg({ [TLS]: 'error' }),
			'file:///repo/infra/iothub-baseline.json': cfg({ [PNA]: 'off' }),
		});
		assert.equal(findConfig('file:///repo/infra/hubs/main.bicep', host, { catalog })?.uri, 'file:///repo/infra/iothub-baseline.json');
		assert.deepEqual(findConfig('file:///repo/infra/hubs/main.bicep', host, { catalog })?.config.rules, { [PNA]: 'off' });
		assert.equal(findConfig('file:///repo/other/main.json', host, { catalog })?.uri, 'file:///repo/iothub-baseline.json');
	});

	it('stops at the repository root (a folder holding .git) and at the workspace folder', () => {
		const host = memoryHost({
			'file:///iothub-baseline.json': cfg({}),
			'file:///repo/.git/HEAD': 'ref: refs/heads/main',
			'file:///ws/iothub-baseline.json': cfg({}),
		});
		assert.equal(findConfig('file:///repo/infra/main.json', host, { catalog }), undefined);
		assert.equal(findConfig('file:///ws/app/infra/main.json', host, { catalog, roots: ['file:///ws/app'] }), undefined);
		assert.equal(findConfig('file:///ws/app/infra/main.json', host, { catalog })?.uri, 'file:///ws/iothub-baseline.json');
		// Without .git or a workspace folder the walk goes to the root.
		assert.equal(findConfig('file:///elsewhere/main.json', host, { catalog })?.uri, 'file:///iothub-baseline.json');
	});

	it('an untitled document uses the first workspace folder', () => {
		const host = memoryHost({ 'file:///ws/iothub-baseline.json': cfg({ [TLS]: 'info' }) });
		assert.equal(findConfig('untitled:Untitled-1', host, { catalog, roots: ['file:///ws'] })?.uri, 'file:///ws/iothub-baseline.json');
		assert.equal(findConfig('untitled:Untitled-1', host, { catalog }), undefined);
	});

	it('asks the host only for the candidates on the way (the server watches exactly those)', () => {
		const asked: string[] = [];
		const files: Record<string, string> = { 'file:///ws/.git/HEAD': '' };
		findConfig('file:///ws/a/b/main.json', { readText: (u) => (asked.push(u), files[u]), exists: (u) => u === 'file:///ws/.git' }, { catalog });
		assert.deepEqual(asked, ['file:///ws/a/b/iothub-baseline.json', 'file:///ws/a/iothub-baseline.json', 'file:///ws/iothub-baseline.json']);
	});
});

describe('config: paths', () => {
	const loaded = loadConfig(
		URI,
		JSON.stringify({ ignore: ['examples', '*.test.json', 'build/**/gen-*.bicep'], parameterFiles: { 'infra/*.json': 'infra/prod.parameters.json', '**/lab.bicep': '../shared/lab.bicepparam' } }),
		catalog,
	);

	it('globs: * and ? within a folder, ** across, no slash = any depth, a folder = everything in it', () => {
		assert.equal(matchGlob('infra/*.json', 'infra/main.json'), true);
		assert.equal(matchGlob('infra/*.json', 'infra/sub/main.json'), false);
		assert.equal(matchGlob('infra/**/*.json', 'infra/main.json'), true);
		assert.equal(matchGlob('infra/**/*.json', 'infra/a/b/main.json'), true);
		assert.equal(matchGlob('main.?son', 'main.json'), true);
		assert.equal(matchGlob('main.json', 'deep/down/main.json'), true);
		assert.equal(matchGlob('legacy', 'legacy/a/b.json'), true);
		assert.equal(matchGlob('legacy/', 'legacy/a/b.json'), true);
		assert.equal(matchGlob('./Infra/Main.JSON', 'infra/main.json'), true);
	});

	it('ignore', () => {
		assert.equal(isIgnored(loaded, 'file:///ws/examples/hub.json'), true);
		assert.equal(isIgnored(loaded, 'file:///ws/infra/hub.test.json'), true);
		assert.equal(isIgnored(loaded, 'file:///ws/build/x/y/gen-hub.bicep'), true);
		assert.equal(isIgnored(loaded, 'file:///ws/infra/hub.json'), false);
		assert.equal(isIgnored(loaded, 'file:///elsewhere/examples/hub.json'), false);
		assert.equal(isIgnored(undefined, 'file:///ws/examples/hub.json'), false);
	});

	it('parameter files are resolved against the configuration folder', () => {
		assert.equal(configParameterFile(loaded, 'file:///ws/infra/main.json'), 'file:///ws/infra/prod.parameters.json');
		assert.equal(configParameterFile(loaded, 'file:///ws/a/b/lab.bicep'), 'file:///shared/lab.bicepparam');
		assert.equal(configParameterFile(loaded, 'file:///ws/other.json'), undefined);
	});
});
