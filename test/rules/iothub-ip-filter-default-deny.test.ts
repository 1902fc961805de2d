import rule from '../../rules/iothub-ip-filter-default-deny';
import { ruleTester } from '../support/rule-tester';
import { armHub, hub } from '../support/templates';

const paramFile = (members: string) =>
	`{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${members}\n  }\n}\n`;

/** A multi-line `networkRuleSets` object as armHub lays it out (members indented by 10). */
const ruleSet = (...members: string[]) => `{\n${members.map((m) => `          ${m}`).join(',\n')}\n        }`;
const deny = '"defaultAction": "Deny"';
const apply = '"applyToBuiltInEventHubEndpoint": true';
const plant = '"ipRules": [{ "filterName": "plant", "action": "Allow", "ipMask": "203.0.113.0/24" }]';
const secure = ruleSet(deny, apply, plant);
/** What the fix inserts when networkRuleSets is missing. */
const inserted = ruleSet(deny, apply, '"ipRules": []');

/** languageVersion 2.0: resources keyed by symbolic name. */
const symbolic = (action: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "hub": {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "2023-06-30",
      "name": "contoso-hub",
      "location": "westeurope",
      "sku": { "name": "S1", "capacity": 1 },
      "properties": {
        "networkRuleSets": { "defaultAction": ${action}, "applyToBuiltInEventHubEndpoint": true, "ipRules": [] }
      }
    }
  }
}
`;

/** A nested deployment (outer evaluation scope) whose hub has no network rules. */
const nested = (props: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "hub-deployment",
      "properties": {
        "mode": "Incremental",
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "resources": [
            {
              "type": "Microsoft.Devices/IotHubs",
              "apiVersion": "2023-06-30",
              "name": "nested-hub",
              "location": "westeurope",
              "sku": { "name": "S1", "capacity": 1 },
              "properties": ${props}
            }
          ]
        }
      }
    }
  ]
}
`;

const consequence = 'devices and services outside the allowed IP ranges are then rejected';
const bothTitle = `Set networkRuleSets.defaultAction to 'Deny' and applyToBuiltInEventHubEndpoint to true (${consequence})`;
const actionTitle = `Set networkRuleSets.defaultAction to 'Deny' (${consequence})`;
const applyTitle = 'Set networkRuleSets.applyToBuiltInEventHubEndpoint to true (readers of the built-in Event Hub-compatible endpoint outside the allowed IP ranges are then rejected)';
const addTitle = `Add networkRuleSets with defaultAction 'Deny' and applyToBuiltInEventHubEndpoint true (${consequence}; list them in ipRules)`;
const action = `"[parameters('defaultAction')]"`;

ruleTester.run(rule, {
	valid: [
		{ arm: armHub({ networkRuleSets: secure }) },
		{ name: 'public network access disabled (case-insensitive): nothing to filter', arm: armHub({ publicNetworkAccess: '"disabled"' }) },
		{ name: 'public network access disabled by a parameter default', arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string", "defaultValue": "Disabled" }'] }) },
		{ name: 'public network access known only at deployment: silent', arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string" }'] }), options: { reportUnknown: true } },
		{ name: 'public network access whose allowedValues are all Disabled', arm: armHub({ publicNetworkAccess: `"[parameters('pna')]"` }, { parameters: ['"pna": { "type": "string", "allowedValues": ["Disabled"] }'] }) },
		{ name: "defaultAction missing: 'Deny' is the service default of a rule set", arm: armHub({ networkRuleSets: ruleSet(apply, plant) }) },
		{ name: 'enum values and property names are case-insensitive', arm: armHub({ NetworkRuleSets: ruleSet('"DefaultAction": "deny"', '"ApplyToBuiltInEventHubEndpoint": true', '"IpRules": []') }) },
		{ name: 'from a parameter default', arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string", "defaultValue": "Deny" }'] }) },
		{
			name: 'from the parameter file (overrides an insecure default)',
			arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string", "defaultValue": "Allow" }'] }),
			files: { 'main.parameters.json': paramFile('"defaultAction": { "value": "Deny" }') },
		},
		{ name: 'whole rule set from a variable', arm: armHub({ networkRuleSets: `"[variables('network')]"` }, { variables: [`"network": { ${deny}, ${apply}, "ipRules": [] }`] }) },
		{ name: 'parameter without default is unknown: silent', arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string" }'] }) },
		{ name: 'allowedValues admit only Deny', arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string", "allowedValues": ["Deny"] }'] }) },
		{
			name: 'legacy IP filter rules that reject everything else are not open',
			arm: armHub({ networkRuleSets: secure, ipFilterRules: '[{ "filterName": "plant", "action": "Accept", "ipMask": "203.0.113.0/24" }, { "filterName": "rest", "action": "Reject", "ipMask": "0.0.0.0/0" }]' }),
		},
		{ name: 'languageVersion 2.0 symbolic resources', arm: symbolic('"Deny"') },
		{ name: 'condition false: not deployed', arm: armHub({}, { extra: ['"condition": false'] }) },
	],
	invalid: [
		{
			name: 'no network rules: reported on the type, fix adds a deny-by-default rule set',
			arm: armHub({ minTlsVersion: '"1.2"' }),
			errors: [{
				messageId: 'networkRulesMissing',
				message: "NS-2: IoT Hub 'contoso-hub' allows public network access but does not set properties.networkRuleSets, so connections from any IP address are accepted. Set properties.networkRuleSets.defaultAction to 'Deny', applyToBuiltInEventHubEndpoint to true and allow the device address ranges in ipRules, or disable public network access.",
				severity: 'warning',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: addTitle, output: armHub({ minTlsVersion: '"1.2"', networkRuleSets: inserted }) }],
			}],
		},
		{
			name: "publicNetworkAccess 'Enabled' with no rules",
			arm: armHub({ publicNetworkAccess: '"Enabled"' }),
			errors: [{ messageId: 'networkRulesMissing', suggestions: [{ output: armHub({ publicNetworkAccess: '"Enabled"', networkRuleSets: inserted }) }] }],
		},
		{
			name: "defaultAction 'allow' (case-insensitive) and not applied to the built-in endpoint: one fix sets both",
			arm: armHub({ networkRuleSets: ruleSet('"defaultAction": "allow"', '"applyToBuiltInEventHubEndpoint": false', plant) }),
			errors: [
				{
					messageId: 'defaultActionInsecure',
					message: "NS-2: IoT Hub 'contoso-hub' accepts connections from any IP address (networkRuleSets.defaultAction: 'allow'). Set properties.networkRuleSets.defaultAction to 'Deny' and allow the device address ranges in ipRules.",
					text: '"allow"',
					suggestions: [{ title: bothTitle, output: armHub({ networkRuleSets: secure }) }],
				},
				{
					messageId: 'builtInEndpointInsecure',
					message: "NS-2: IoT Hub 'contoso-hub' does not apply its IP rules to the built-in Event Hub-compatible endpoint (networkRuleSets.applyToBuiltInEventHubEndpoint: false). Set properties.networkRuleSets.applyToBuiltInEventHubEndpoint to true.",
					text: 'false',
					suggestions: [{ title: bothTitle, output: armHub({ networkRuleSets: secure }) }],
				},
			],
		},
		{
			name: 'applyToBuiltInEventHubEndpoint missing: reported on the type, fix inserts it',
			// ipRules first: the JSON writer re-lays-out the member an insertion follows (see the rule's doc).
			arm: armHub({ networkRuleSets: ruleSet(plant, deny) }),
			errors: [{
				messageId: 'builtInEndpointMissing',
				message: "NS-2: IoT Hub 'contoso-hub' does not set properties.networkRuleSets.applyToBuiltInEventHubEndpoint, so its IP rules do not protect the built-in Event Hub-compatible endpoint. Set properties.networkRuleSets.applyToBuiltInEventHubEndpoint to true.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: applyTitle, output: armHub({ networkRuleSets: ruleSet(plant, deny, apply) }) }],
			}],
		},
		{
			name: "defaultAction 'Allow' and applyToBuiltInEventHubEndpoint missing: each finding fixes its own property",
			arm: armHub({ networkRuleSets: ruleSet(plant, '"defaultAction": "Allow"') }),
			errors: [
				{ messageId: 'builtInEndpointMissing', suggestions: [{ title: applyTitle, output: armHub({ networkRuleSets: ruleSet(plant, '"defaultAction": "Allow"', apply) }) }] },
				{ messageId: 'defaultActionInsecure', text: '"Allow"', suggestions: [{ title: actionTitle, output: armHub({ networkRuleSets: ruleSet(plant, deny) }) }] },
			],
		},
		{
			name: 'insecure parameter default: related information and fix at the default',
			arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string", "defaultValue": "Allow" }'] }),
			errors: [{
				messageId: 'defaultActionInsecure',
				text: action,
				related: ['"Allow"'],
				suggestions: [{ title: actionTitle, output: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string", "defaultValue": "Deny" }'] }) }],
			}],
		},
		{
			name: 'parameter file value: finding at the property, related information and fix in the parameter file',
			arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string" }'] }),
			files: { 'main.parameters.json': paramFile('"defaultAction": { "value": "Allow" }') },
			errors: [{
				messageId: 'defaultActionInsecure',
				text: action,
				related: ['"Allow"'],
				suggestions: [{
					output: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string" }'] }),
					files: { 'main.parameters.json': paramFile('"defaultAction": { "value": "Deny" }') },
				}],
			}],
		},
		{
			name: 'from a variable: fix edits the variable',
			arm: armHub({ networkRuleSets: `"[variables('network')]"` }, { variables: [`"network": { "defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": false, "ipRules": [] }`] }),
			errors: [{
				messageId: 'builtInEndpointInsecure',
				text: `"[variables('network')]"`,
				related: ['false'],
				suggestions: [{ title: applyTitle, output: armHub({ networkRuleSets: `"[variables('network')]"` }, { variables: [`"network": { "defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": true, "ipRules": [] }`] }) }],
			}],
		},
		{
			name: 'if(): evaluated, fix replaces the expression with the literal',
			arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": "[if(equals(parameters('env'), 'prod'), 'Deny', 'Allow')]"`, apply, plant) }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }),
			errors: [{
				messageId: 'defaultActionInsecure',
				text: `"[if(equals(parameters('env'), 'prod'), 'Deny', 'Allow')]"`,
				suggestions: [{ output: armHub({ networkRuleSets: secure }, { parameters: ['"env": { "type": "string", "defaultValue": "dev" }'] }) }],
			}],
		},
		{
			name: 'unknown value reported as info when opted in',
			arm: armHub({ networkRuleSets: ruleSet(`"defaultAction": ${action}`, apply, plant) }, { parameters: ['"defaultAction": { "type": "string" }'] }),
			options: { reportUnknown: true },
			errors: [{
				message: "NS-2: Cannot verify properties.networkRuleSets.defaultAction of IoT Hub 'contoso-hub': depends on parameter 'defaultAction'.",
				severity: 'info',
				text: action,
				suggestions: [],
			}],
		},
		{
			name: 'open legacy IP filter rule (case-insensitive action): reported at the entry, no fix',
			arm: armHub({
				networkRuleSets: secure,
				ipFilterRules: '[\n          { "filterName": "plant", "action": "Accept", "ipMask": "203.0.113.0/24" },\n          { "filterName": "everyone", "action": "accept", "ipMask": "0.0.0.0/0" }\n        ]',
			}),
			errors: [{
				messageId: 'openIpFilterRule',
				message: "NS-2: IoT Hub 'contoso-hub' has an IP filter rule 'everyone' that accepts every IPv4 address (properties.ipFilterRules[1]: action 'accept', ipMask '0.0.0.0/0'). Remove the rule or narrow its ipMask to the device address ranges.",
				text: '{ "filterName": "everyone", "action": "accept", "ipMask": "0.0.0.0/0" }',
				suggestions: [],
			}],
		},
		{
			name: 'open network rule (action defaults to Allow)',
			arm: armHub({ networkRuleSets: ruleSet(deny, apply, '"ipRules": [{ "filterName": "any", "ipMask": "0.0.0.0/0" }]') }),
			errors: [{
				messageId: 'openIpRule',
				message: "NS-2: IoT Hub 'contoso-hub' has a network rule 'any' that allows every IPv4 address (properties.networkRuleSets.ipRules[0]: action not set, ipMask '0.0.0.0/0'). Remove the rule or narrow its ipMask to the device address ranges.",
				text: '{ "filterName": "any", "ipMask": "0.0.0.0/0" }',
				suggestions: [],
			}],
		},
		{
			name: 'open rule from a parameter default: reported at the list, related information at the entry',
			arm: armHub({ networkRuleSets: ruleSet(deny, apply, `"ipRules": "[parameters('ipRules')]"`) }, { parameters: ['"ipRules": { "type": "array", "defaultValue": [{ "filterName": "any", "action": "Allow", "ipMask": "0.0.0.0/0" }] }'] }),
			errors: [{
				messageId: 'openIpRule',
				text: `"[parameters('ipRules')]"`,
				related: ['{ "filterName": "any", "action": "Allow", "ipMask": "0.0.0.0/0" }'],
				suggestions: [],
			}],
		},
		{
			name: 'open rule from the parameter file: related information in the parameter file',
			arm: armHub({ networkRuleSets: secure, ipFilterRules: `"[parameters('ipFilterRules')]"` }, { parameters: ['"ipFilterRules": { "type": "array", "defaultValue": [] }'] }),
			files: { 'main.parameters.json': paramFile('"ipFilterRules": { "value": [{ "filterName": "all", "action": "Accept", "ipMask": "0.0.0.0/0" }] }') },
			errors: [{
				messageId: 'openIpFilterRule',
				text: `"[parameters('ipFilterRules')]"`,
				related: ['{ "filterName": "all", "action": "Accept", "ipMask": "0.0.0.0/0" }'],
			}],
		},
		{
			name: 'apiVersion without networkRuleSets: fix raises it and adds the rule set',
			arm: armHub({ minTlsVersion: '"1.2"' }, { apiVersion: '2020-08-01' }),
			errors: [{
				messageId: 'apiTooOld',
				message: "NS-2: IoT Hub 'contoso-hub' uses apiVersion 2020-08-01, which cannot set properties.networkRuleSets, so connections from any IP address are accepted. Raise apiVersion to 2023-06-30 and set properties.networkRuleSets.defaultAction to 'Deny' and applyToBuiltInEventHubEndpoint to true, or disable public network access.",
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [{ title: `${addTitle} (raises apiVersion to 2023-06-30)`, output: armHub({ minTlsVersion: '"1.2"', networkRuleSets: inserted }) }],
			}],
		},
		{
			name: 'languageVersion 2.0 symbolic resources',
			arm: symbolic('"Allow"'),
			errors: [{ messageId: 'defaultActionInsecure', text: '"Allow"', suggestions: [{ title: bothTitle.replace(' and applyToBuiltInEventHubEndpoint to true', ''), output: symbolic('"Deny"') }] }],
		},
		{
			name: 'nested deployment (outer scope)',
			arm: nested('{}'),
			errors: [{
				messageId: 'networkRulesMissing',
				message: "NS-2: IoT Hub 'nested-hub' allows public network access but does not set properties.networkRuleSets, so connections from any IP address are accepted. Set properties.networkRuleSets.defaultAction to 'Deny', applyToBuiltInEventHubEndpoint to true and allow the device address ranges in ipRules, or disable public network access.",
				suggestions: [{
					output: nested(`{\n                "networkRuleSets": {\n                  "defaultAction": "Deny",\n                  "applyToBuiltInEventHubEndpoint": true,\n                  "ipRules": []\n                }\n              }`),
				}],
			}],
		},
	],
});

/** A multi-line Bicep `networkRuleSets` object as hub() lays it out (members indented by 6). */
const bicepRuleSet = (...members: string[]) => `{\n${members.map((m) => `      ${m}`).join('\n')}\n    }`;
const bicepSecure = bicepRuleSet("defaultAction: 'Deny'", 'applyToBuiltInEventHubEndpoint: true', 'ipRules: []');

ruleTester.run(rule, {
	valid: [
		{ bicep: hub({ networkRuleSets: bicepSecure }) },
		{ name: 'public network access disabled', bicep: hub({ publicNetworkAccess: "'Disabled'" }) },
		{ name: 'public network access known only at deployment: silent', bicep: hub({ publicNetworkAccess: 'pna' }, { before: ['param pna string'] }) },
		{ name: 'from the .bicepparam file', bicep: hub({ networkRuleSets: bicepRuleSet('defaultAction: defaultAction', 'applyToBuiltInEventHubEndpoint: true', 'ipRules: []') }, { before: ["param defaultAction string = 'Allow'"] }), files: { 'main.bicepparam': "using 'main.bicep'\n\nparam defaultAction = 'Deny'\n" } },
		{ name: '@allowed admits only Deny', bicep: hub({ networkRuleSets: bicepRuleSet('defaultAction: defaultAction', 'applyToBuiltInEventHubEndpoint: true', 'ipRules: []') }, { before: ["@allowed([\n  'Deny'\n])\nparam defaultAction string"] }) },
		{ name: 'if (false): not deployed', bicep: hub({}).replace('= {', '= if (false) {') },
	],
	invalid: [
		{
			name: 'no network rules: reported on the resource type, fix adds them',
			bicep: hub({ minTlsVersion: "'1.2'" }),
			errors: [{ messageId: 'networkRulesMissing', text: "'Microsoft.Devices/IotHubs@2023-06-30'", suggestions: [{ title: addTitle, output: hub({ minTlsVersion: "'1.2'", networkRuleSets: bicepSecure }) }] }],
		},
		{
			name: "defaultAction 'allow' and applyToBuiltInEventHubEndpoint false: one fix sets both",
			bicep: hub({ networkRuleSets: bicepRuleSet("defaultAction: 'allow'", 'applyToBuiltInEventHubEndpoint: false', 'ipRules: []') }),
			errors: [
				{ messageId: 'defaultActionInsecure', text: "'allow'", suggestions: [{ title: bothTitle, output: hub({ networkRuleSets: bicepSecure }) }] },
				{ messageId: 'builtInEndpointInsecure', text: 'false', suggestions: [{ title: bothTitle, output: hub({ networkRuleSets: bicepSecure }) }] },
			],
		},
		{
			name: 'applyToBuiltInEventHubEndpoint missing: fix inserts it',
			bicep: hub({ networkRuleSets: bicepRuleSet("defaultAction: 'Deny'", 'ipRules: []') }),
			errors: [{ messageId: 'builtInEndpointMissing', suggestions: [{ title: applyTitle, output: hub({ networkRuleSets: bicepRuleSet("defaultAction: 'Deny'", 'ipRules: []', 'applyToBuiltInEventHubEndpoint: true') }) }] }],
		},
		{
			name: 'insecure parameter default: fix edits the default',
			bicep: hub({ networkRuleSets: bicepRuleSet('defaultAction: defaultAction', 'applyToBuiltInEventHubEndpoint: true', 'ipRules: []') }, { before: ["param defaultAction string = 'Allow'"] }),
			errors: [{
				messageId: 'defaultActionInsecure',
				text: 'defaultAction',
				related: ["'Allow'"],
				suggestions: [{ title: actionTitle, output: hub({ networkRuleSets: bicepRuleSet('defaultAction: defaultAction', 'applyToBuiltInEventHubEndpoint: true', 'ipRules: []') }, { before: ["param defaultAction string = 'Deny'"] }) }],
			}],
		},
		{
			name: 'open network rule: reported at the entry',
			bicep: hub({ networkRuleSets: bicepRuleSet("defaultAction: 'Deny'", 'applyToBuiltInEventHubEndpoint: true', "ipRules: [\n        {\n          filterName: 'any'\n          action: 'Allow'\n          ipMask: '0.0.0.0/0'\n        }\n      ]") }),
			errors: [{ messageId: 'openIpRule', text: "{\n          filterName: 'any'\n          action: 'Allow'\n          ipMask: '0.0.0.0/0'\n        }", suggestions: [] }],
		},
		{
			name: 'apiVersion without networkRuleSets: fix raises it and adds them',
			bicep: hub({}, { apiVersion: '2020-03-01' }),
			errors: [{ messageId: 'apiTooOld', suggestions: [{ output: hub({ networkRuleSets: bicepSecure }) }] }],
		},
	],
});
