import rule from '../../rules/iothub-defender-for-iot';
import { ruleTester } from '../support/rule-tester';
import { armHubResource, armResource, armTemplate, bicep, bicepHub } from '../support/related-templates';

// The rule is off by default (Defender for IoT is billed per device and often enabled per subscription).
const on = { levels: { 'iothub-defender-for-iot': 'warning' as const } };

const armSolution = (hubs: string, status?: string) =>
	armResource([
		'"type": "Microsoft.Security/iotSecuritySolutions"',
		'"apiVersion": "2019-08-01"',
		'"name": "contoso-defender"',
		'"location": "westeurope"',
		`"properties": { "displayName": "Contoso", ${status ? `"status": ${status}, ` : ''}"iotHubs": ${hubs} }`,
	]);
const bicepSolution = (hubs: string, status?: string) =>
	["resource defender 'Microsoft.Security/iotSecuritySolutions@2019-08-01' = {", "  name: 'contoso-defender'", "  location: 'westeurope'", '  properties: {', "    displayName: 'Contoso'", ...(status ? [`    status: ${status}`] : []), `    iotHubs: ${hubs}`, '  }', '}'].join('\n');
const hubId = `"[resourceId('Microsoft.Devices/IotHubs', 'contoso-hub')]"`;

ruleTester.run(rule, {
	valid: [
		{ name: 'off by default', arm: armTemplate([armHubResource()]) },
		{ name: 'arm: the solution lists the hub (status defaults to Enabled)', arm: armTemplate([armHubResource(), armSolution(`[ ${hubId} ]`)]), options: on },
		{ name: 'arm: status Enabled', arm: armTemplate([armHubResource(), armSolution(`[ ${hubId} ]`, '"Enabled"')]), options: on },
		{ name: 'bicep: hub.id', bicep: bicep(bicepHub(), bicepSolution('[\n      hub.id\n    ]')), options: on },
		{
			name: 'bicep: the hub list is known only at deployment: cannot verify, silent',
			bicep: bicep('param hubIds array', bicepHub(), bicepSolution('hubIds')),
			options: on,
		},
	],
	invalid: [
		{
			name: 'arm: no solution',
			arm: armTemplate([armHubResource()]),
			options: on,
			errors: [{
				messageId: 'notCovered',
				message: "LT-1: IoT Hub 'contoso-hub' is not covered by Microsoft Defender for IoT in this deployment. Add a Microsoft.Security/iotSecuritySolutions whose properties.iotHubs lists the hub's id and whose properties.status is 'Enabled', or enable Defender for IoT for the subscription.",
				severity: 'warning',
				text: '"Microsoft.Devices/IotHubs"',
				suggestions: [],
			}],
		},
		{
			name: 'arm: the solution is Disabled',
			arm: armTemplate([armHubResource(), armSolution(`[ ${hubId} ]`, '"Disabled"')]),
			options: on,
			errors: [{
				messageId: 'solutionDisabled',
				message: "LT-1: IoT security solution 'contoso-defender' lists IoT Hub 'contoso-hub' but is disabled (properties.status: 'Disabled'), so the hub's threats are not detected. Set properties.status to 'Enabled'.",
				text: '"Disabled"',
			}],
		},
		{
			name: 'arm: the solution covers another hub',
			arm: armTemplate([armHubResource(), armHubResource('"second-hub"'), armSolution(`[ ${hubId} ]`)]),
			options: on,
			errors: [{ messageId: 'notCovered', message: "LT-1: IoT Hub 'second-hub' is not covered by Microsoft Defender for IoT in this deployment. Add a Microsoft.Security/iotSecuritySolutions whose properties.iotHubs lists the hub's id and whose properties.status is 'Enabled', or enable Defender for IoT for the subscription." }],
		},
		{
			name: 'bicep: status disabled (any case)',
			bicep: bicep(bicepHub(), bicepSolution('[\n      hub.id\n    ]', "'disabled'")),
			options: on,
			errors: [{ messageId: 'solutionDisabled', text: "'disabled'" }],
		},
	],
});
