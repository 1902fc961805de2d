// fast-check generators for the robustness suites: random ARM templates (with hostile expressions,
// recursive variables, huge copy counts...), text mutations of real templates, and insecure IoT Hub
// templates in many layouts for the fix-safety suite.

import fc from 'fast-check';

export const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
export const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

const PARAM_NAMES = ['p0', 'p1', 'minTls', 'publicAccess', 'P0'];
const VAR_NAMES = ['v0', 'v1', 'v2', 'hubName', 'V0'];

/** Every function the evaluator knows, runtime functions, and names it does not know. */
const FUNCTIONS = [
	'concat', 'format', 'if', 'equals', 'not', 'and', 'or', 'coalesce', 'bool', 'int', 'string', 'json', 'array', 'createArray',
	'createObject', 'items', 'toLower', 'toUpper', 'trim', 'split', 'replace', 'startsWith', 'endsWith', 'substring', 'indexOf',
	'lastIndexOf', 'padLeft', 'length', 'empty', 'contains', 'first', 'last', 'skip', 'take', 'range', 'tryGet', 'union',
	'intersection', 'add', 'sub', 'mul', 'div', 'mod', 'min', 'max', 'greater', 'less', 'resourceId', 'subscriptionResourceId',
	'tenantResourceId', 'extensionResourceId', 'copyIndex', 'reference', 'resourceGroup', 'subscription', 'uniqueString', 'guid',
	'listKeys', 'listConnectionStrings', 'utcNow', 'deployment', 'environment',
	// not ARM functions
	'nosuchfunction', 'ns.userFn', 'CONCAT', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'eval',
];

const HUGE = ['100000000', '2147483647', '9007199254740993', '99999999999999999999999', '-100000000', '1000000', '0', '-1'];

const literal = fc.oneof(
	fc.constantFrom("'x'", "''", "'it''s'", "'1.0'", "'1.2'", "'Enabled'", "'Disabled'", 'true', 'false', 'null', '1', '-5', '0.5'),
	fc.constantFrom(...HUGE),
	fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/'/g, "''")}'`),
);

/** ARM expression text (between the brackets). */
export const armExpression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
	expr: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		literal,
		fc.constantFrom(...PARAM_NAMES).map((n) => `parameters('${n}')`),
		fc.constantFrom(...VAR_NAMES).map((n) => `variables('${n}')`),
		fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('expr'), { maxLength: 4 })).map(([f, args]) => `${f}(${args.join(', ')})`),
		fc.tuple(tie('expr'), fc.constantFrom('.a', '.properties', '.keys[0].value', '[0]', "['k']", '[100000000]')).map(([e, s]) => e + s),
	),
})).expr;

/** Corrupt an expression: unbalanced brackets/parens/quotes. */
function corrupt(s: string, how: number): string {
	switch (how) {
		case 0:
			return s.replace(/\)([^)]*)$/, '$1');
		case 1:
			return s + '(';
		case 2:
			return s.replace("'", '');
		case 3:
			return '[' + s;
		case 4:
			return s + ']]';
		default:
			return s.replace(/\(/, '((');
	}
}

/** A JSON string value: plain text or an expression `[...]`, sometimes malformed. */
export const armStringValue: fc.Arbitrary<string> = fc.oneof(
	{ arbitrary: armExpression.map((e) => `[${e}]`), weight: 5 },
	{ arbitrary: fc.tuple(armExpression, fc.integer({ min: 0, max: 5 })).map(([e, k]) => corrupt(`[${e}]`, k)), weight: 2 },
	{ arbitrary: fc.constantFrom('[[escaped]', '[]', '[ ]', '[', ']', '[[', "['unterminated]", '[concat(]', '[)]', '[a.b.c()]', '[1 2]'), weight: 1 },
	{ arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
	{ arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }), weight: 1 },
	{ arbitrary: fc.string({ unit: 'binary', maxLength: 10 }), weight: 1 },
	{ arbitrary: fc.constantFrom('\u0000', '\uFEFF', '\uD800', '\uDC00x', '\u202E', '\u2028\u2029', 'e\u0301', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '👩‍👩‍👧'), weight: 1 },
);

export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		armStringValue,
		fc.integer(),
		fc.double(),
		fc.boolean(),
		fc.constant(null),
		fc.array(tie('value'), { maxLength: 4 }),
		fc.dictionary(fc.oneof(fc.constantFrom('minTlsVersion', 'publicNetworkAccess', 'disableLocalAuth', 'properties', 'type', 'value', 'a'), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 4 }),
	),
})).value;

const resourceType = fc.oneof(
	fc.constantFrom(
		'Microsoft.Devices/IotHubs',
		'Microsoft.Devices/iothubs',
		'Microsoft.Devices/IotHubs/certificates',
		'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups',
		'Microsoft.Devices/provisioningServices',
		'Microsoft.Network/privateEndpoints',
		'Microsoft.Insights/diagnosticSettings',
		'Microsoft.Devices/IotHubs/providers/diagnosticSettings',
		'Microsoft.Storage/storageAccounts',
		'Microsoft.Resources/deployments',
		'certificates',
		'',
		'/',
		'a/b/c/d/e/f',
	),
	armStringValue,
);

const apiVersion = fc.oneof(
	fc.constantFrom('2016-02-03', '2018-04-01', '2020-03-01', '2021-07-02', '2023-06-30', '2023-06-30-preview', '2099-01-01', 'latest', ''),
	armStringValue,
	fc.integer(),
);

const hubProperties = fc.dictionary(
	fc.constantFrom('minTlsVersion', 'publicNetworkAccess', 'disableLocalAuth', 'disableDeviceSAS', 'disableModuleSAS', 'networkRuleSets', 'ipFilterRules', 'privateEndpointConnections', 'routing', 'MinTlsVersion', 'features'),
	fc.oneof(jsonValue, fc.constantFrom<unknown>('1.0', '1.1', '1.2', '1.3', 'Enabled', 'Disabled', true, false, 1.2, 0, [], {})),
	{ maxKeys: 5 },
);

const copy = fc.oneof(
	fc.record({ name: fc.constantFrom('loop', 'hubs'), count: fc.oneof(fc.constantFrom(0, 1, 800, 100000000, -1, 1e300), armStringValue) }),
	jsonValue,
);

interface ResourceArbs {
	resource: unknown;
	template: unknown;
}

const templateArbs = fc.letrec<ResourceArbs>((tie) => ({
	resource: fc.record(
		{
			type: resourceType,
			apiVersion,
			name: fc.oneof(armStringValue, fc.constantFrom('hub', 'hub/child', ''), fc.integer()),
			location: fc.constantFrom('westeurope', "[resourceGroup().location]"),
			copy,
			condition: fc.oneof(fc.boolean(), armStringValue),
			existing: fc.oneof(fc.boolean(), jsonValue),
			scope: armStringValue,
			sku: jsonValue,
			identity: jsonValue,
			properties: fc.oneof(
				{ arbitrary: hubProperties, weight: 4 },
				{ arbitrary: jsonValue, weight: 1 },
				{
					// Nested deployment with an inline template (inner or outer scope).
					arbitrary: fc.record({
						mode: fc.constant('Incremental'),
						expressionEvaluationOptions: fc.record({ scope: fc.constantFrom('inner', 'outer', 'INNER', 1) }),
						parameters: fc.dictionary(fc.constantFrom(...PARAM_NAMES), fc.record({ value: jsonValue })),
						templateLink: fc.record({ uri: fc.constantFrom('https://example.invalid/t.json', 'http://127.0.0.1:1/x.json', 'file:///etc/passwd'), contentVersion: fc.constant('1.0.0.0') }),
						template: tie('template'),
					}, { requiredKeys: ['template'] }),
					weight: 1,
				},
			),
			resources: fc.array(tie('resource'), { maxLength: 2 }),
		},
		{ requiredKeys: ['type'] },
	),
	template: fc.record(
		{
			$schema: fc.oneof({ arbitrary: fc.constant(SCHEMA), weight: 6 }, fc.constantFrom(PARAMS_SCHEMA, 'https://example.invalid/deploymentTemplate.json', '', 'deploymentTemplate.json#   '), jsonValue),
			contentVersion: fc.oneof({ arbitrary: fc.constant('1.0.0.0'), weight: 6 }, jsonValue),
			languageVersion: fc.constantFrom('2.0', '1.9-experimental'),
			parameters: fc.dictionary(
				fc.constantFrom(...PARAM_NAMES),
				fc.oneof(
					fc.record({
						type: fc.constantFrom('string', 'int', 'bool', 'object', 'array', 'securestring', 'secureObject', 'SecureString'),
						defaultValue: jsonValue,
						allowedValues: fc.oneof(fc.array(jsonValue, { maxLength: 3 }), jsonValue),
					}, { requiredKeys: ['type'] }),
					jsonValue,
				),
				{ maxKeys: 4 },
			),
			variables: fc.dictionary(fc.oneof(fc.constantFrom(...VAR_NAMES), fc.constant('copy')), fc.oneof(jsonValue, fc.constant([{ name: 'vs', count: 100000000, input: "[copyIndex('vs')]" }])), { maxKeys: 5 }),
			resources: fc.oneof(
				{ arbitrary: fc.array(tie('resource'), { maxLength: 4 }), weight: 5 },
				{ arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), tie('resource'), { maxKeys: 3 }), weight: 1 },
				{ arbitrary: jsonValue, weight: 1 },
			),
			outputs: fc.dictionary(
				fc.oneof(fc.constantFrom('connectionString', 'key', 'password', 'hostName', 'primaryKey', 'sas'), fc.string({ maxLength: 8 })),
				fc.oneof(fc.record({ type: fc.constantFrom('string', 'securestring', 'object', 'array', 'int'), value: jsonValue, copy: copy }, { requiredKeys: ['type'] }), jsonValue),
				{ maxKeys: 3 },
			),
		},
		{ requiredKeys: ['$schema', 'contentVersion', 'resources'] },
	),
}));

export const armTemplateObject = templateArbs.template;

/** How a generated template is written out. */
export const layout: fc.Arbitrary<Layout> = fc.record({
	indent: fc.constantFrom<string | number>(0, 2, 4, '\t'),
	crlf: fc.boolean(),
	bom: fc.boolean(),
	comments: fc.boolean(),
	trailingCommas: fc.boolean(),
});

export interface Layout {
	indent: string | number;
	crlf: boolean;
	bom: boolean;
	comments: boolean;
	trailingCommas: boolean;
}

/** Write a JSON value as template text in the given layout (comments and trailing commas are JSONC, which ARM accepts). */
export function writeJson(value: unknown, l: Layout): string {
	let text = JSON.stringify(value, null, l.indent) ?? 'null';
	if (l.comments) {
		let n = 0;
		text = text.replace(/,\n/g, () => (++n % 3 === 0 ? `, // c${n}\n` : n % 3 === 1 ? `, /* c${n} */\n` : ',\n'));
		if (!text.includes('\n')) text = text.replace(/^\{/, '{ /* one-line */');
	}
	if (l.trailingCommas) text = text.replace(/(["\d\]}el])(\s*\n\s*[}\]])/g, '$1,$2');
	if (l.crlf) text = text.replace(/\n/g, '\r\n');
	if (l.bom) text = '\uFEFF' + text;
	return text;
}

// ---------------------------------------------------------------------------------------------------
// Mutations of existing text

export type Mutation =
	| { kind: 'truncate'; at: number }
	| { kind: 'setChar'; at: number; code: number }
	| { kind: 'flipByte'; at: number; bit: number }
	| { kind: 'deleteLine'; at: number }
	| { kind: 'duplicateLine'; at: number; times: number }
	| { kind: 'insert'; at: number; text: string }
	| { kind: 'nest'; at: number; depth: number; open: string }
	| { kind: 'longString'; at: number; length: number }
	| { kind: 'numberForString'; at: number; num: string }
	| { kind: 'breakExpression'; at: number; how: number }
	| { kind: 'unknownFunction'; at: number }
	| { kind: 'bom' }
	| { kind: 'crlf' }
	| { kind: 'lf' };

const at = fc.double({ min: 0, max: 1, noNaN: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ kind: fc.constant('truncate' as const), at }),
	fc.record({ kind: fc.constant('setChar' as const), at, code: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x27, 0x2c, 0xd800, 0xfeff)) }),
	fc.record({ kind: fc.constant('flipByte' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
	fc.record({ kind: fc.constant('deleteLine' as const), at }),
	fc.record({ kind: fc.constant('duplicateLine' as const), at, times: fc.integer({ min: 1, max: 50 }) }),
	fc.record({
		kind: fc.constant('insert' as const),
		at,
		text: fc.oneof(
			fc.constantFrom('[', ']', '{', '}', '"', "'", ',', ':', '/*', '//', '"[', '(((', ')))', '\\', '\\u', 'null', '\uFEFF', '\r', '\u2028', '"$schema": 1,', '"resources": {},'),
			fc.string({ maxLength: 12 }),
			fc.string({ unit: 'binary', maxLength: 12 }),
		),
	}),
	fc.record({ kind: fc.constant('nest' as const), at, depth: fc.integer({ min: 1, max: 3000 }), open: fc.constantFrom('[', '{"a":', '{"properties":', '[[') }),
	fc.record({ kind: fc.constant('longString' as const), at, length: fc.integer({ min: 1000, max: 200000 }) }),
	fc.record({ kind: fc.constant('numberForString' as const), at, num: fc.constantFrom('0', '1.2', '-1', '1e400', '12345678901234567890', 'true', 'null', '[]', '{}') }),
	fc.record({ kind: fc.constant('breakExpression' as const), at, how: fc.integer({ min: 0, max: 5 }) }),
	fc.record({ kind: fc.constant('unknownFunction' as const), at }),
	fc.constant({ kind: 'bom' as const }),
	fc.constant({ kind: 'crlf' as const }),
	fc.constant({ kind: 'lf' as const }),
);

function pos(text: string, fraction: number): number {
	return Math.min(text.length, Math.floor(fraction * (text.length + 1)));
}

function lineBounds(text: string, p: number): [number, number] {
	const start = text.lastIndexOf('\n', p - 1) + 1;
	const nl = text.indexOf('\n', p);
	return [start, nl < 0 ? text.length : nl + 1];
}

export function mutate(text: string, m: Mutation): string {
	switch (m.kind) {
		case 'truncate':
			return text.slice(0, pos(text, m.at));
		case 'setChar': {
			const p = Math.min(pos(text, m.at), Math.max(0, text.length - 1));
			return text.slice(0, p) + String.fromCharCode(m.code) + text.slice(p + 1);
		}
		case 'flipByte': {
			// Flip one bit of the UTF-8 bytes and decode again, as a file damaged on disk is read.
			const bytes = Buffer.from(text, 'utf8');
			if (bytes.length === 0) return text;
			const p = Math.min(bytes.length - 1, Math.floor(m.at * bytes.length));
			bytes[p] ^= 1 << m.bit;
			return bytes.toString('utf8');
		}
		case 'deleteLine': {
			const [s, e] = lineBounds(text, pos(text, m.at));
			return text.slice(0, s) + text.slice(e);
		}
		case 'duplicateLine': {
			const [s, e] = lineBounds(text, pos(text, m.at));
			return text.slice(0, e) + text.slice(s, e).repeat(m.times) + text.slice(e);
		}
		case 'insert': {
			const p = pos(text, m.at);
			return text.slice(0, p) + m.text + text.slice(p);
		}
		case 'nest': {
			const p = pos(text, m.at);
			const close = m.open.startsWith('[') ? ']'.repeat(m.open.length) : '}';
			return text.slice(0, p) + m.open.repeat(m.depth) + '1' + close.repeat(m.depth) + text.slice(p);
		}
		case 'longString': {
			const p = pos(text, m.at);
			return text.slice(0, p) + `"${'x'.repeat(m.length)}"` + text.slice(p);
		}
		case 'numberForString': {
			// Replace the next string value (after a colon) with a number or another non-string.
			const re = /:\s*"(?:[^"\\]|\\.)*"/g;
			re.lastIndex = pos(text, m.at);
			const hit = re.exec(text) ?? /:\s*"(?:[^"\\]|\\.)*"/.exec(text);
			if (!hit) return text;
			return text.slice(0, hit.index) + ': ' + m.num + text.slice(hit.index + hit[0].length);
		}
		case 'breakExpression': {
			const i = text.indexOf('"[', pos(text, m.at));
			const start = i >= 0 ? i : text.indexOf('"[');
			if (start < 0) return text;
			const end = text.indexOf(']"', start);
			if (end < 0) return text;
			const expr = text.slice(start + 1, end + 1);
			return text.slice(0, start + 1) + corrupt(expr, m.how).replace(/"/g, '') + text.slice(end + 1);
		}
		case 'unknownFunction': {
			const re = /\b([A-Za-z_][A-Za-z0-9_]*)\(/g;
			re.lastIndex = pos(text, m.at);
			const hit = re.exec(text) ?? /\b([A-Za-z_][A-Za-z0-9_]*)\(/.exec(text);
			if (!hit) return text;
			return text.slice(0, hit.index) + 'noSuchFunction' + text.slice(hit.index + hit[1].length);
		}
		case 'bom':
			return '\uFEFF' + text;
		case 'crlf':
			return text.replace(/\r?\n/g, '\r\n');
		case 'lf':
			return text.replace(/\r\n/g, '\n');
	}
}

// ---------------------------------------------------------------------------------------------------
// Insecure IoT Hub templates for the fix-safety suite

/** How one hub setting is written: missing, an insecure or secure literal, or taken from a parameter / variable. */
export type Source = 'missing' | 'literal' | 'parameter' | 'parameterFile' | 'variable';

export interface HubSpec {
	name: string;
	apiVersion: string;
	tls: { source: Source; value: string };
	pna: { source: Source; value: string };
	/** `properties` written as `{}` / left out entirely when nothing is set. */
	emptyProperties: 'empty' | 'absent';
	extra: boolean;
}

export interface InsecureSpec {
	hubs: HubSpec[];
	layout: Layout;
	/** Comments next to every member, including inside `properties`. */
	comments: boolean;
	/** The whole template on one line (minified), comments as block comments. */
	oneLine: boolean;
	nested: boolean;
	symbolic: boolean;
}

const setting = (insecure: string[], secure: string) =>
	fc.record({ source: fc.constantFrom<Source>('missing', 'literal', 'literal', 'parameter', 'parameterFile', 'variable'), value: fc.constantFrom(...insecure, secure) });

export const insecureSpec: fc.Arbitrary<InsecureSpec> = fc.record({
	hubs: fc.uniqueArray(
		fc.record({
			name: fc.constantFrom('hub-a', 'hub-b', 'hub-c', 'Hub \u00fc', 'hub"q'),
			apiVersion: fc.constantFrom('2016-02-03', '2018-04-01', '2020-03-01', '2020-08-31-preview', '2021-07-02', '2023-06-30', '2023-06-30-preview'),
			tls: setting(['1.0', '1.1'], '1.2'),
			pna: setting(['Enabled', 'enabled'], 'Disabled'),
			emptyProperties: fc.constantFrom<'empty' | 'absent'>('empty', 'absent'),
			extra: fc.boolean(),
		}),
		{ minLength: 1, maxLength: 3, selector: (h) => h.name },
	),
	layout,
	comments: fc.boolean(),
	oneLine: fc.boolean(),
	nested: fc.boolean(),
	symbolic: fc.boolean(),
});

/** Build the template (and parameter file, when a hub takes a value from it) for an insecure spec. */
export function buildInsecure(spec: InsecureSpec): { template: string; parameters?: string } {
	const l = spec.layout;
	const nl = '\n';
	const unit = typeof l.indent === 'number' ? ' '.repeat(l.indent === 0 ? 2 : l.indent) : '\t';
	const ind = (n: number) => unit.repeat(n);
	const c = (text: string) => (!spec.comments ? '' : spec.oneLine ? ` /* ${text} */` : ` // ${text}`);
	const params: string[] = [];
	const vars: string[] = [];
	const fileValues: string[] = [];
	const member = (key: string, s: { source: Source; value: string }, i: number): string | undefined => {
		const pname = `${key}${i}`;
		switch (s.source) {
			case 'missing':
				return undefined;
			case 'literal':
				return `"${key}": ${JSON.stringify(s.value)}`;
			case 'parameter':
				params.push(`"${pname}": { "type": "string", "defaultValue": ${JSON.stringify(s.value)}${spec.comments ? ' /* default */' : ''} }`);
				return `"${key}": "[parameters('${pname}')]"`;
			case 'parameterFile':
				params.push(`"${pname}": { "type": "string" }`);
				fileValues.push(`"${pname}": { "value": ${JSON.stringify(s.value)} }`);
				return `"${key}": "[parameters('${pname}')]"`;
			case 'variable':
				vars.push(`"${pname}": ${JSON.stringify(s.value)}`);
				return `"${key}": "[variables('${pname}')]"`;
		}
	};
	// Resources sit at `depth`; a nested deployment puts them four levels deeper.
	const depth = spec.nested ? 6 : 2;
	const hubs = spec.hubs.map((h, i) => {
		const props = [member('minTlsVersion', h.tls, i), member('publicNetworkAccess', h.pna, i)].filter((x): x is string => !!x);
		if (h.extra) props.push(`"eventHubEndpoints": { "events": { "retentionTimeInDays": 1, "partitionCount": 2 } }`);
		const members = [
			`"type": "Microsoft.Devices/IotHubs"`,
			`"apiVersion": "${h.apiVersion}"`,
			`"name": ${JSON.stringify(h.name)}`,
			`"location": "westeurope"`,
			`"sku": { "name": "S1", "capacity": 1 }`,
		];
		if (props.length > 0) {
			const inner = props.map((p, k) => `${ind(depth + 2)}${p}${k < props.length - 1 ? ',' : ''}${c(`setting ${k}`)}`).join(nl);
			members.push(`"properties": {${c('hub settings')}${nl}${inner}${nl}${ind(depth + 1)}}`);
		} else if (h.emptyProperties === 'empty') {
			members.push(`"properties": {}`);
		}
		const body = members.map((m, k) => `${ind(depth + 1)}${m}${k < members.length - 1 ? ',' : ''}${k === 1 ? c('api') : ''}`).join(nl);
		return `{${c(`hub ${i}`)}${nl}${body}${nl}${ind(depth)}}`;
	});
	const close = ind(depth - 1);
	const resources = spec.symbolic
		? `"resources": {${nl}${hubs.map((r, i) => `${ind(depth)}"hub${i}": ${r}`).join(',' + nl)}${nl}${close}}`
		: `"resources": [${nl}${hubs.map((r) => ind(depth) + r).join(',' + nl)}${nl}${close}]`;
	let resourcesText = resources;
	if (spec.nested) {
		// The hubs inside a nested deployment (outer scope): parameters and variables stay the outer template's.
		resourcesText = [
			`"resources": [`,
			`${ind(2)}{`,
			`${ind(3)}"type": "Microsoft.Resources/deployments",`,
			`${ind(3)}"apiVersion": "2022-09-01",`,
			`${ind(3)}"name": "nested",${c('nested deployment')}`,
			`${ind(3)}"properties": {`,
			`${ind(4)}"mode": "Incremental",`,
			`${ind(4)}"template": {`,
			`${ind(5)}"$schema": "${SCHEMA}",`,
			...(spec.symbolic ? [`${ind(5)}"languageVersion": "2.0",`] : []),
			`${ind(5)}"contentVersion": "1.0.0.0",`,
			`${ind(5)}${resources}`,
			`${ind(4)}}`,
			`${ind(3)}}`,
			`${ind(2)}}`,
			`${ind(1)}]`,
		].join(nl);
	}
	const section = (name: string, items: string[]) => (items.length > 0 ? [`"${name}": {${nl}${items.map((x) => ind(2) + x).join(',' + nl)}${nl}${ind(1)}}`] : []);
	const top = [
		`"$schema": "${SCHEMA}"`,
		...(spec.symbolic ? ['"languageVersion": "2.0"'] : []),
		`"contentVersion": "1.0.0.0"`,
		...section('parameters', params),
		...section('variables', vars),
		resourcesText,
	];
	let template = `{${c('template')}${nl}${top.map((t) => ind(1) + t).join(',' + nl)}${nl}}${nl}`;
	let parameters: string | undefined;
	if (fileValues.length > 0) {
		parameters = `{${nl}${ind(1)}"$schema": "${PARAMS_SCHEMA}",${nl}${ind(1)}"contentVersion": "1.0.0.0",${nl}${ind(1)}"parameters": {${c('values')}${nl}${fileValues.map((v) => ind(2) + v).join(',' + nl)}${nl}${ind(1)}}${nl}}${nl}`;
	}
	if (spec.oneLine) {
		// No string here contains a newline, so dropping every line break with its indentation minifies safely.
		template = template.replace(/\n[ \t]*/g, '');
		parameters = parameters?.replace(/\n[ \t]*/g, '');
	} else if (l.crlf) {
		template = template.replace(/\n/g, '\r\n');
		parameters = parameters?.replace(/\n/g, '\r\n');
	}
	if (l.bom) template = '\uFEFF' + template;
	return { template, parameters };
}
