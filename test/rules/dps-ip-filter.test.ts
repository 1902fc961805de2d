import rule from '../../rules/dps-ip-filter';
import { ruleTester } from '../support/rule-tester';
import { armDps, dps } from '../support/related-templates';

const rules = (entries: string[]) => `[\n${entries.map((e) => `          ${e}`).join(',\n')}\n        ]`;

ruleTester.run(rule, {
	valid: [
		{ name: 'no IP filter rules', arm: armDps({}) },
		{ name: 'narrow ranges', arm: armDps({ ipFilterRules: rules(['{ "filterName": "plant", "action": "Accept", "ipMask": "203.0.113.0/24", "target": "all" }']) }) },
		{ name: 'rejecting everything is fine', arm: armDps({ ipFilterRules: rules(['{ "filterName": "none", "action": "Reject", "ipMask": "0.0.0.0/0" }']) }) },
		{ name: 'a mask known only at deployment: cannot verify, silent', arm: armDps({ ipFilterRules: rules([`{ "filterName": "x", "action": "Accept", "ipMask": "[parameters('mask')]" }`]) }, { parameters: ['"mask": { "type": "string" }'] }) },
		{ bicep: dps({ ipFilterRules: "[\n      {\n        filterName: 'plant'\n        action: 'Accept'\n        ipMask: '203.0.113.0/24'\n      }\n    ]" }) },
	],
	invalid: [
		{
			name: 'arm: Accept 0.0.0.0/0',
			arm: armDps({ ipFilterRules: rules(['{ "filterName": "plant", "action": "Accept", "ipMask": "203.0.113.0/24" }', '{ "filterName": "everyone", "action": "Accept", "ipMask": "0.0.0.0/0", "target": "all" }']) }),
			errors: [{
				messageId: 'openIpFilterRule',
				message: "NS-2: DPS 'contoso-dps' has an IP filter rule 'everyone' that accepts every IPv4 address (properties.ipFilterRules[1]: action 'Accept', ipMask '0.0.0.0/0', target 'all'). Remove the rule or narrow its ipMask to the device address ranges.",
				severity: 'warning',
				text: '{ "filterName": "everyone", "action": "Accept", "ipMask": "0.0.0.0/0", "target": "all" }',
				suggestions: [],
			}],
		},
		{
			name: 'arm: action in lower case, mask from a parameter default',
			arm: armDps({ ipFilterRules: rules([`{ "filterName": "any", "action": "accept", "ipMask": "[parameters('mask')]" }`]) }, { parameters: ['"mask": { "type": "string", "defaultValue": "0.0.0.0/0" }'] }),
			errors: [{ messageId: 'openIpFilterRule' }],
		},
		{
			name: 'arm: the whole list from a variable: shown at the list',
			arm: armDps({ ipFilterRules: `"[variables('rules')]"` }, { variables: ['"rules": [ { "filterName": "any", "action": "Accept", "ipMask": "0.0.0.0/0" } ]'] }),
			errors: [{ messageId: 'openIpFilterRule', text: `"[variables('rules')]"` }],
		},
		{
			name: 'bicep: Accept 0.0.0.0/0',
			bicep: dps({ ipFilterRules: "[\n      {\n        filterName: 'everyone'\n        action: 'Accept'\n        ipMask: '0.0.0.0/0'\n      }\n    ]" }),
			errors: [{ messageId: 'openIpFilterRule', line: 10 }],
		},
	],
});
