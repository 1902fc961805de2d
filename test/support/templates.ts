// Builders for small templates in tests, so each case shows only what it is about.

export interface ArmHubOptions {
	apiVersion?: string;
	name?: string;
	/** Extra raw JSON members of the resource (e.g. `"identity": { "type": "SystemAssigned" }`). */
	extra?: string[];
	/** Raw JSON members of the template's `parameters` object. */
	parameters?: string[];
	/** Raw JSON members of the template's `variables` object. */
	variables?: string[];
	/** Raw JSON members of the template's `outputs` object. */
	outputs?: string[];
}

/** An ARM template with one IoT Hub whose `properties` are the given raw JSON members. */
export function armHub(props: Record<string, string>, opts: ArmHubOptions = {}): string {
	const propLines = Object.entries(props).map(([k, v]) => `        "${k}": ${v}`);
	const members = [
		`      "type": "Microsoft.Devices/IotHubs"`,
		`      "apiVersion": "${opts.apiVersion ?? '2023-06-30'}"`,
		`      "name": ${opts.name ?? '"contoso-hub"'}`,
		`      "location": "westeurope"`,
		`      "sku": { "name": "S1", "capacity": 1 }`,
		...(opts.extra ?? []).map((e) => `      ${e}`),
		propLines.length > 0 ? `      "properties": {\n${propLines.join(',\n')}\n      }` : `      "properties": {}`,
	];
	const section = (name: string, items: string[] | undefined) => (items && items.length > 0 ? [`  "${name}": {\n${items.map((i) => `    ${i}`).join(',\n')}\n  }`] : []);
	return [
		'{',
		[
			`  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"`,
			`  "contentVersion": "1.0.0.0"`,
			...section('parameters', opts.parameters),
			...section('variables', opts.variables),
			`  "resources": [\n    {\n${members.join(',\n')}\n    }\n  ]`,
			...section('outputs', opts.outputs),
		].join(',\n'),
		'}',
		'',
	].join('\n');
}

export interface BicepHubOptions {
	apiVersion?: string;
	name?: string;
	/** Lines before the resource (params, vars). */
	before?: string[];
	/** Extra lines in the resource body at the top level (e.g. `identity: { type: 'SystemAssigned' }`). */
	extra?: string[];
	/** Lines after the resource (outputs). */
	after?: string[];
}

/** A Bicep file with one IoT Hub whose `properties` are the given raw Bicep members. */
export function hub(props: Record<string, string>, opts: BicepHubOptions = {}): string {
	const propLines = Object.entries(props).map(([k, v]) => `    ${k}: ${v}`);
	return [
		...(opts.before ?? []),
		...(opts.before?.length ? [''] : []),
		`resource hub 'Microsoft.Devices/IotHubs@${opts.apiVersion ?? '2023-06-30'}' = {`,
		`  name: ${opts.name ?? "'contoso-hub'"}`,
		`  location: 'westeurope'`,
		`  sku: {`,
		`    name: 'S1'`,
		`    capacity: 1`,
		`  }`,
		...(opts.extra ?? []).map((e) => `  ${e}`),
		...(propLines.length > 0 ? ['  properties: {', ...propLines, '  }'] : ['  properties: {}']),
		'}',
		...(opts.after?.length ? ['', ...opts.after] : []),
		'',
	].join('\n');
}
