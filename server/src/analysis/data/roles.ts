// Azure built-in role definitions the rules name (role definition ids are the same in every tenant).
// Checked against the Azure built-in roles reference (learn.microsoft.com/azure/role-based-access-control/built-in-roles).

export interface BuiltInRole {
	/** Role definition GUID, lower-case. */
	id: string;
	name: string;
	/** Manages the resource itself (keys, network, deletion, access): more than data-plane clients need. */
	broad?: boolean;
	/** An IoT Hub data-plane role (what least privilege suggests instead). */
	iotHubData?: boolean;
}

export const builtInRoles: BuiltInRole[] = [
	{ id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', name: 'Owner', broad: true },
	{ id: 'b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor', broad: true },
	{ id: '4fc6c259-987e-4a07-842e-c321cc9d413f', name: 'IoT Hub Data Contributor', iotHubData: true },
	{ id: 'b447c946-2db7-41ec-983d-d8bf3b1c77e3', name: 'IoT Hub Data Reader', iotHubData: true },
	{ id: '4ea46cd5-c1b2-4a8e-910b-273211f9ce47', name: 'IoT Hub Registry Contributor', iotHubData: true },
	{ id: '494bdba2-168f-4f31-a0a1-191d2f7c028c', name: 'IoT Hub Twin Contributor', iotHubData: true },
];

const GUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*$/i;

/**
 * The built-in role a role definition id names: a bare GUID, `/providers/Microsoft.Authorization/roleDefinitions/<guid>`
 * or the subscription-scoped form `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '<guid>')` makes.
 */
export function builtInRole(roleDefinitionId: string): BuiltInRole | undefined {
	const m = GUID_AT_END.exec(roleDefinitionId);
	if (!m) return undefined;
	const id = m[1].toLowerCase();
	return builtInRoles.find((r) => r.id === id);
}
