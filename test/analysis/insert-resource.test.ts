// The insertResource fix intent end to end: a hub with no private endpoint and no diagnostic settings shows
// both findings; applying both quick fixes (one after the other, each on the re-analysed text, as an editor
// does) leaves a template every rule passes, apart from the new parameters the user must fill in. Also: the
// inserted text follows the file's indentation and line endings.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeDocument } from '../../server/src/analysis/analyze';
import type { Finding } from '../../server/src/analysis/findings';
import { applyEdits } from '../../server/src/analysis/fix/resolve';
import { memoryHost } from '../../server/src/analysis/host';
import type { Rule } from '../../server/src/analysis/rule';
import { allRules } from '../../rules/index';
import dpsDiagnosticLogs from '../../rules/dps-diagnostic-logs';
import dpsDisablePublicNetworkAccess from '../../rules/dps-disable-public-network-access';
import dpsIpFilter from '../../rules/dps-ip-filter';
import dpsNoPlaintextSecrets from '../../rules/dps-no-plaintext-secrets';
import dpsPrivateEndpoint from '../../rules/dps-private-endpoint';
import iothubDefenderForIot from '../../rules/iothub-defender-for-iot';
import iothubDiagnosticLogs from '../../rules/iothub-diagnostic-logs';
import iothubPrivateEndpoint from '../../rules/iothub-private-endpoint';
import { ensureBicep } from '../support/bicep';

// Until rules/index.ts lists them, the cross-resource and DPS rules are added here; duplicates are dropped.
const extra = [iothubPrivateEndpoint, iothubDiagnosticLogs, iothubDefenderForIot, dpsDisablePublicNetworkAccess, dpsPrivateEndpoint, dpsIpFilter, dpsNoPlaintextSecrets, dpsDiagnosticLogs];
const rules: Rule[] = [...allRules, ...extra.filter((r) => !allRules.some((a) => a.id === r.id))];

const secureBicepHub = `param location string = resourceGroup().location

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: 'contoso-hub'
  location: location
  sku: {
    name: 'S1'
    capacity: 1
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    publicNetworkAccess: 'Disabled'
    minTlsVersion: '1.2'
    disableLocalAuth: true
    disableDeviceSAS: true
    disableModuleSAS: true
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'contoso-ns.servicebus.windows.net'
    ]
  }
}
`;

const secureArmHub = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "hubName": {
      "type": "string",
      "defaultValue": "contoso-hub"
    }
  },
  "resources": [
    {
      "type": "Microsoft.Devices/IotHubs",
      "apiVersion": "2023-06-30",
      "name": "[parameters('hubName')]",
      "location": "[resourceGroup().location]",
      "sku": {
        "name": "S1",
        "capacity": 1
      },
      "identity": {
        "type": "SystemAssigned"
      },
      "properties": {
        "publicNetworkAccess": "Disabled",
        "minTlsVersion": "1.2",
        "disableLocalAuth": true,
        "disableDeviceSAS": true,
        "disableModuleSAS": true,
        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": [
          "contoso-ns.servicebus.windows.net"
        ]
      }
    }
  ]
}
`;

function analyze(uri: string, text: string, reportUnknown = false): { findings: Finding[]; problems: string[] } {
	const r = analyzeDocument(uri, text, memoryHost({ [uri]: text }), rules, { rethrow: true, reportUnknown });
	return { findings: r.findings, problems: r.problems.map((p) => p.message) };
}

/** Apply the first fix of the first finding of `ruleId`, on the current text. */
function fixOnce(uri: string, text: string, ruleId: string): string {
	const f = analyze(uri, text).findings.find((x) => x.ruleId === ruleId);
	assert.ok(f, `${ruleId} reports`);
	assert.equal(f.fixes.length, 1, `${ruleId} offers one fix`);
	return applyEdits(text, f.fixes[0].edits[uri]);
}

function roundTrip(uri: string, text: string): void {
	const first = analyze(uri, text);
	assert.deepEqual(first.problems, []);
	assert.deepEqual(
		first.findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId).sort(),
		['iothub-diagnostic-logs', 'iothub-private-endpoint'],
		'a secure hub with no private endpoint and no logging: exactly these two findings',
	);
	// Both orders give a clean template.
	for (const order of [['iothub-private-endpoint', 'iothub-diagnostic-logs'], ['iothub-diagnostic-logs', 'iothub-private-endpoint']]) {
		let fixed = text;
		for (const id of order) fixed = fixOnce(uri, fixed, id);
		const after = analyze(uri, fixed);
		assert.deepEqual(after.problems, [], `the fixed template parses:\n${fixed}`);
		assert.deepEqual(after.findings.filter((f) => f.severity !== 'info').map((f) => f.message), [], `no warnings or errors after both fixes:\n${fixed}`);
		assert.deepEqual(after.findings.filter((f) => !f.unknown).map((f) => f.ruleId), [], 'no finding at all but "cannot verify" ones');
		// What is left for the user: the new parameters, which only "report unknown values" mentions.
		const unknown = analyze(uri, fixed, true).findings.filter((f) => f.unknown);
		assert.deepEqual(unknown.map((f) => f.ruleId), ['iothub-diagnostic-logs']);
		assert.match(unknown[0].message, /logAnalyticsWorkspaceId/);
	}
}

describe('insertResource: private endpoint and diagnostic settings fixes together', () => {
	before(ensureBicep);

	it('Bicep', () => roundTrip('file:///ws/main.bicep', secureBicepHub));
	it('ARM JSON', () => roundTrip('file:///ws/main.json', secureArmHub));
	it('ARM JSON with tabs and CRLF', () => {
		const text = secureArmHub.replace(/\n/g, '\r\n').replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2));
		roundTrip('file:///ws/main.json', text);
		const fixed = fixOnce('file:///ws/main.json', text, 'iothub-private-endpoint');
		assert.ok(!/[^\r]\n/.test(fixed), 'only CRLF line endings');
		assert.ok(!/^ +"/m.test(fixed), 'indented with tabs only');
		assert.match(fixed, /\r\n\t\t\{\r\n\t\t\t"type": "Microsoft.Network\/privateEndpoints"/);
	});
	it('Bicep with tabs, CRLF and no newline at the end', () => {
		const text = secureBicepHub.replace(/\n/g, '\r\n').replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2)).replace(/\r\n$/, '');
		const fixed = fixOnce('file:///ws/main.bicep', text, 'iothub-diagnostic-logs');
		assert.ok(!/[^\r]\n/.test(fixed), 'only CRLF line endings');
		assert.match(fixed, /\}\r\n\r\nresource hubDiagnostics 'Microsoft.Insights\/diagnosticSettings@2021-05-01-preview' = \{\r\n\tname: '\$\{hub.name\}-diagnostics'\r\n\tscope: hub\r\n/);
		assert.match(fixed, /^param location string = resourceGroup\(\).location\r\n\r\n@description\('Resource id of the Log Analytics workspace that receives the resource logs.'\)\r\nparam logAnalyticsWorkspaceId string\r\n/);
		assert.deepEqual(analyze('file:///ws/main.bicep', fixed).problems, []);
	});
	it('a trailing comment after the hub stays with the hub', () => {
		const text = secureBicepHub.replace(/\n}\n$/, '\n} // the hub\n');
		const fixed = fixOnce('file:///ws/main.bicep', text, 'iothub-private-endpoint');
		assert.match(fixed, /\n\} \/\/ the hub\n\nresource hubPrivateEndpoint /);
	});
	it('a symbol that is taken gets a number', () => {
		const text = `${secureBicepHub}\nvar hubPrivateEndpoint = 'taken'\n`;
		const fixed = fixOnce('file:///ws/main.bicep', text, 'iothub-private-endpoint');
		assert.match(fixed, /\nresource hubPrivateEndpoint2 'Microsoft.Network\/privateEndpoints@2023-11-01' = \{\n/);
		assert.deepEqual(analyze('file:///ws/main.bicep', fixed).problems, []);
	});
	it('no fix for a one-line resources array (it would have to be re-flowed)', () => {
		const text = `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [ { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "h", "location": "westeurope", "sku": { "name": "S1", "capacity": 1 }, "properties": {} } ] }\n`;
		const f = analyze('file:///ws/main.json', text).findings.find((x) => x.ruleId === 'iothub-private-endpoint');
		assert.ok(f);
		assert.deepEqual(f.fixes, []);
	});
});
