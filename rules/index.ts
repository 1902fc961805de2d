import type { Rule } from '../server/src/analysis/rule';
import iothubDisablePublicNetworkAccess from './iothub-disable-public-network-access';
import iothubMinTls12 from './iothub-min-tls-1-2';

/** Every rule, in catalog order. */
export const allRules: Rule[] = [iothubDisablePublicNetworkAccess, iothubMinTls12];

export function ruleById(id: string): Rule | undefined {
	return allRules.find((r) => r.id === id);
}
