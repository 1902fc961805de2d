// Builders for templates with several resources (hub or DPS plus private endpoints, diagnostic settings...),
// so the cross-resource rule tests show only what each case is about.

/** A whole ARM template from resource objects (each already indented by 4 spaces). */
export function armTemplate(resources: string[], opts: { parameters?: string[]; variables?: string[]; symbolic?: boolean } = {}): string {
	const section = (name: string, items: string[] | undefined) => (items && items.length > 0 ? [`  "${name}": {\n${items.map((i) => `    ${i}`).join(',\n')}\n  }`] : []);
	const body = opts.symbolic
		? `  "resources": {\n${resources.join(',\n')}\n  }`
		: `  "resources": [\n${resources.join(',\n')}\n  ]`;
	return [
		'{',
		[
			`  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"`,
			...(opts.symbolic ? [`  "languageVersion": "2.0"`] : []),
			`  "contentVersion": "1.0.0.0"`,
			...section('parameters', opts.parameters),
			...section('variables', opts.variables),
			body,
		].join(',\n'),
		'}',
		'',
	].join('\n');
}

/** An ARM resource object with the given raw members (indented for `armTemplate`). */
export function armResource(members: string[], key?: string): string {
	const lines = members.map((m) => `      ${m.replace(/\n/g, '\n      ')}`).join(',\n');
	return key ? `    "${key}": {\n${lines}\n    }` : `    {\n${lines}\n    }`;
}

export function armHubResource(name = '"contoso-hub"', extra: string[] = [], key?: string): string {
	return armResource(['"type": "Microsoft.Devices/IotHubs"', '"apiVersion": "2023-06-30"', `"name": ${name}`, '"location": "westeurope"', '"sku": { "name": "S1", "capacity": 1 }', ...extra, '"properties": {}'], key);
}

export function armDpsResource(name = '"contoso-dps"', extra: string[] = [], key?: string): string {
	return armResource(['"type": "Microsoft.Devices/provisioningServices"', '"apiVersion": "2022-12-12"', `"name": ${name}`, '"location": "westeurope"', '"sku": { "name": "S1", "capacity": 1 }', ...extra, '"properties": {}'], key);
}

/** A private endpoint whose one connection targets `target` (a JSON string) with `groupIds`. */
export function armPrivateEndpoint(target: string, groupIds = '["iotHub"]', opts: { name?: string; list?: string; extra?: string[]; key?: string } = {}): string {
	return armResource([
		'"type": "Microsoft.Network/privateEndpoints"',
		'"apiVersion": "2023-11-01"',
		`"name": ${opts.name ?? '"hub-pe"'}`,
		'"location": "westeurope"',
		...(opts.extra ?? []),
		`"properties": {\n  "subnet": { "id": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe" },\n  "${opts.list ?? 'privateLinkServiceConnections'}": [\n    {\n      "name": "hub",\n      "properties": {\n        "privateLinkServiceId": ${target},\n        "groupIds": ${groupIds}\n      }\n    }\n  ]\n}`,
	], opts.key);
}

/** A diagnostic setting with the given raw members after type and apiVersion (name, scope, properties...). */
export function armDiagnosticSetting(members: string[], key?: string): string {
	return armResource(['"type": "Microsoft.Insights/diagnosticSettings"', '"apiVersion": "2021-05-01-preview"', ...members], key);
}

export function bicepHub(symbol = 'hub', name = "'contoso-hub'", extra: string[] = []): string {
	return [`resource ${symbol} 'Microsoft.Devices/IotHubs@2023-06-30' = {`, `  name: ${name}`, `  location: 'westeurope'`, '  sku: {', "    name: 'S1'", '    capacity: 1', '  }', ...extra.map((e) => `  ${e}`), '  properties: {}', '}'].join('\n');
}

export function bicepDps(symbol = 'dps', name = "'contoso-dps'", extra: string[] = []): string {
	return [`resource ${symbol} 'Microsoft.Devices/provisioningServices@2022-12-12' = {`, `  name: ${name}`, `  location: 'westeurope'`, '  sku: {', "    name: 'S1'", '    capacity: 1', '  }', ...extra.map((e) => `  ${e}`), '  properties: {}', '}'].join('\n');
}

/** A Bicep private endpoint whose one connection targets `target` (an expression) with `groupIds`. */
export function bicepPrivateEndpoint(target: string, groupIds = "['iotHub']", opts: { symbol?: string; list?: string; head?: string } = {}): string {
	return [
		`resource ${opts.symbol ?? 'pe'} 'Microsoft.Network/privateEndpoints@2023-11-01' = ${opts.head ?? ''}{`,
		"  name: 'hub-pe'",
		"  location: 'westeurope'",
		'  properties: {',
		"    subnet: { id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe' }",
		`    ${opts.list ?? 'privateLinkServiceConnections'}: [`,
		'      {',
		"        name: 'hub'",
		'        properties: {',
		`          privateLinkServiceId: ${target}`,
		`          groupIds: ${groupIds}`,
		'        }',
		'      }',
		'    ]',
		'  }',
		`}${opts.head?.startsWith('[') ? ']' : ''}`,
	].join('\n');
}

/** Bicep documents: declarations separated by blank lines, ending with a newline. */
export function bicep(...parts: string[]): string {
	return `${parts.join('\n\n')}\n`;
}

/** An ARM template with one DPS whose `properties` are the given raw JSON members. */
export function armDps(props: Record<string, string>, opts: { apiVersion?: string; parameters?: string[]; variables?: string[] } = {}): string {
	const propLines = Object.entries(props).map(([k, v]) => `        "${k}": ${v}`);
	const properties = propLines.length > 0 ? `"properties": {\n${propLines.join(',\n')}\n      }` : '"properties": {}';
	const resource = `    {\n      "type": "Microsoft.Devices/provisioningServices",\n      "apiVersion": "${opts.apiVersion ?? '2022-12-12'}",\n      "name": "contoso-dps",\n      "location": "westeurope",\n      "sku": { "name": "S1", "capacity": 1 },\n      ${properties}\n    }`;
	return armTemplate([resource], opts);
}

/** A Bicep file with one DPS whose `properties` are the given raw Bicep members. */
export function dps(props: Record<string, string>, opts: { apiVersion?: string; before?: string[] } = {}): string {
	const propLines = Object.entries(props).map(([k, v]) => `    ${k}: ${v}`);
	return [
		...(opts.before ?? []),
		...(opts.before?.length ? [''] : []),
		`resource dps 'Microsoft.Devices/provisioningServices@${opts.apiVersion ?? '2022-12-12'}' = {`,
		"  name: 'contoso-dps'",
		"  location: 'westeurope'",
		'  sku: {',
		"    name: 'S1'",
		'    capacity: 1',
		'  }',
		...(propLines.length > 0 ? ['  properties: {', ...propLines, '  }'] : ['  properties: {}']),
		'}',
		'',
	].join('\n');
}
