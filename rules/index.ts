import type { Rule } from '../server/src/analysis/rule';
import iothubCustomerManagedKey from './iothub-customer-managed-key';
import iothubDisableDeviceSas from './iothub-disable-device-sas';
import iothubDisableLocalAuth from './iothub-disable-local-auth';
import iothubDisableModuleSas from './iothub-disable-module-sas';
import iothubDisablePublicNetworkAccess from './iothub-disable-public-network-access';
import iothubIdentityBasedEndpoints from './iothub-identity-based-endpoints';
import iothubIpFilterDefaultDeny from './iothub-ip-filter-default-deny';
import iothubLeastPrivilegeSas from './iothub-least-privilege-sas';
import iothubManagedIdentity from './iothub-managed-identity';
import iothubMinTls12 from './iothub-min-tls-1-2';
import iothubNoPlaintextSecrets from './iothub-no-plaintext-secrets';
import iothubNoSecretsInOutputs from './iothub-no-secrets-in-outputs';
import iothubRestrictOutbound from './iothub-restrict-outbound';

/** Every rule, in catalog order. */
export const allRules: Rule[] = [
	iothubDisablePublicNetworkAccess,
	iothubIpFilterDefaultDeny,
	iothubDisableLocalAuth,
	iothubDisableDeviceSas,
	iothubDisableModuleSas,
	iothubManagedIdentity,
	iothubIdentityBasedEndpoints,
	iothubNoPlaintextSecrets,
	iothubNoSecretsInOutputs,
	iothubLeastPrivilegeSas,
	iothubMinTls12,
	iothubRestrictOutbound,
	iothubCustomerManagedKey,
];

export function ruleById(id: string): Rule | undefined {
	return allRules.find((r) => r.id === id);
}
