import type { Rule } from '../server/src/analysis/rule';
import dpsDiagnosticLogs from './dps-diagnostic-logs';
import dpsDisablePublicNetworkAccess from './dps-disable-public-network-access';
import dpsIpFilter from './dps-ip-filter';
import dpsNoPlaintextSecrets from './dps-no-plaintext-secrets';
import dpsPrivateEndpoint from './dps-private-endpoint';
import iothubCustomerManagedKey from './iothub-customer-managed-key';
import iothubDefenderForIot from './iothub-defender-for-iot';
import iothubDiagnosticLogs from './iothub-diagnostic-logs';
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
import iothubPrivateEndpoint from './iothub-private-endpoint';
import iothubRestrictOutbound from './iothub-restrict-outbound';

/** Every rule, in catalog order (../shared/spec/RULES.md). */
export const allRules: Rule[] = [
	iothubDisablePublicNetworkAccess,
	iothubPrivateEndpoint,
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
	iothubDiagnosticLogs,
	iothubRestrictOutbound,
	iothubCustomerManagedKey,
	iothubDefenderForIot,
	dpsDisablePublicNetworkAccess,
	dpsPrivateEndpoint,
	dpsIpFilter,
	dpsNoPlaintextSecrets,
	dpsDiagnosticLogs,
];

export function ruleById(id: string): Rule | undefined {
	return allRules.find((r) => r.id === id);
}
