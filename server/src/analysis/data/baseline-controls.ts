// The controls of the Azure security baseline for IoT Hub (Microsoft cloud security benchmark v1.0) that the
// coverage report lists for every hub and DPS, in the baseline's order. Titles are the MCSB control titles;
// `features` are the baseline's feature rows for IoT Hub. A control is either checked by rules (their `mcsb`
// names it), or it is shown with a fixed status and a note saying why no template can show it: the feature
// is Microsoft's to run, the service does not offer it, or it is configured outside the hub's template.
// No control is ever dropped from the report.

export type Responsibility = 'customer' | 'microsoft' | 'shared' | 'not-supported';

/** How the report decides a control's status. */
export type ControlCoverageKind =
	/** Rules with this `mcsb` decide (pass / fail / unknown / suppressed / not checked). */
	| 'rules'
	/** Microsoft's responsibility: the platform does it, nothing to set in a template. */
	| 'platform'
	/** Real, but nothing in a hub or DPS template can show it (not supported by the service, or set elsewhere). */
	| 'not-checkable';

export interface BaselineControl {
	id: string;
	title: string;
	/** MCSB area, for grouping. */
	area: string;
	/** The baseline's feature rows for this control (IoT Hub). */
	features: string[];
	responsibility: Responsibility;
	coverage: ControlCoverageKind;
	/** Why the status is what it is when no rule decides it, or what the rules cover. */
	note: string;
	/** MCSB control page. */
	url: string;
}

export const BASELINE = {
	name: 'Azure security baseline for IoT Hub',
	benchmark: 'Microsoft cloud security benchmark',
	version: 'v1.0',
	url: 'https://learn.microsoft.com/security/benchmark/azure/baselines/azure-iot-hub-security-baseline',
} as const;

const MCSB = 'https://learn.microsoft.com/security/benchmark/azure/';

export const BASELINE_CONTROLS: readonly BaselineControl[] = [
	{
		id: 'NS-1',
		title: 'Establish network segmentation boundaries',
		area: 'Network security',
		features: ['Virtual Network Integration (not supported)', 'Network Security Group Support (not supported)'],
		responsibility: 'not-supported',
		coverage: 'platform',
		note: 'IoT Hub is a multi-tenant service that cannot be deployed into a virtual network; its network isolation is run by Microsoft. Private access is covered by NS-2.',
		url: `${MCSB}mcsb-network-security#ns-1-establish-network-segmentation-boundaries`,
	},
	{
		id: 'NS-2',
		title: 'Secure cloud native services with network controls',
		area: 'Network security',
		features: ['Azure Private Link', 'Disable Public Network Access'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'Public network access, private endpoints, IP filtering and outbound restriction.',
		url: `${MCSB}mcsb-network-security#ns-2-secure-cloud-native-services-with-network-controls`,
	},
	{
		id: 'IM-1',
		title: 'Use centralized identity and authentication system',
		area: 'Identity management',
		features: ['Azure AD Authentication Required for Data Plane Access', 'Local Authentication Methods for Data Plane Access'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'Local (shared access policy) authentication and device/module SAS keys.',
		url: `${MCSB}mcsb-identity-management#im-1-use-centralized-identity-and-authentication-system`,
	},
	{
		id: 'IM-3',
		title: 'Manage application identities securely and automatically',
		area: 'Identity management',
		features: ['Managed Identities', 'Service Principals'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'A managed identity on the hub, used by its routing and storage endpoints.',
		url: `${MCSB}mcsb-identity-management#im-3-manage-application-identities-securely-and-automatically`,
	},
	{
		id: 'IM-7',
		title: 'Restrict resource access based on conditions',
		area: 'Identity management',
		features: ['Conditional Access for Data Plane (not supported)'],
		responsibility: 'not-supported',
		coverage: 'not-checkable',
		note: 'IoT Hub does not support Conditional Access for its data plane; Conditional Access policies live in Microsoft Entra ID, not in a template.',
		url: `${MCSB}mcsb-identity-management#im-7-restrict-resource-access-based-on-conditions`,
	},
	{
		id: 'IM-8',
		title: 'Restrict the exposure of credentials and secrets',
		area: 'Identity management',
		features: ['Service Credential and Secrets Support Integration and Storage in Azure Key Vault (not supported)'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'Key Vault integration is not supported by IoT Hub, so the template itself must not carry keys: no plain-text secrets, no keys in outputs.',
		url: `${MCSB}mcsb-identity-management#im-8-restrict-the-exposure-of-credentials-and-secrets`,
	},
	{
		id: 'PA-1',
		title: 'Separate and limit highly privileged/administrative users',
		area: 'Privileged access',
		features: ['Local Admin Accounts (not supported)'],
		responsibility: 'not-supported',
		coverage: 'platform',
		note: 'IoT Hub has no local administrator accounts; administrative access goes through Azure RBAC (see PA-7).',
		url: `${MCSB}mcsb-privileged-access#pa-1-separate-and-limit-highly-privilegedadministrative-users`,
	},
	{
		id: 'PA-7',
		title: 'Follow just enough administration (least privilege) principle',
		area: 'Privileged access',
		features: ['Azure RBAC for Data Plane'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'Shared access policy rights and role assignments scoped to the hub.',
		url: `${MCSB}mcsb-privileged-access#pa-7-follow-just-enough-administration-least-privilege-principle`,
	},
	{
		id: 'PA-8',
		title: 'Determine access process for cloud provider support',
		area: 'Privileged access',
		features: ['Customer Lockbox (not supported)'],
		responsibility: 'not-supported',
		coverage: 'platform',
		note: 'Customer Lockbox is not available for IoT Hub; Microsoft support access follows Microsoft’s own process.',
		url: `${MCSB}mcsb-privileged-access#pa-8-determine-access-process-for-cloud-provider-support`,
	},
	{
		id: 'DP-1',
		title: 'Discover, classify, and label sensitive data',
		area: 'Data protection',
		features: ['Sensitive Data Discovery and Classification (not supported)'],
		responsibility: 'not-supported',
		coverage: 'not-checkable',
		note: 'IoT Hub offers no data discovery or classification; classify device data in the stores it is routed to.',
		url: `${MCSB}mcsb-data-protection#dp-1-discover-classify-and-label-sensitive-data`,
	},
	{
		id: 'DP-2',
		title: 'Monitor anomalies and threats targeting sensitive data',
		area: 'Data protection',
		features: ['Data Leakage/Loss Prevention (not supported)'],
		responsibility: 'not-supported',
		coverage: 'not-checkable',
		note: 'IoT Hub offers no data loss prevention feature; outbound restriction (NS-2) limits where data can go.',
		url: `${MCSB}mcsb-data-protection#dp-2-monitor-anomalies-and-threats-targeting-sensitive-data`,
	},
	{
		id: 'DP-3',
		title: 'Encrypt sensitive data in transit',
		area: 'Data protection',
		features: ['Data in Transit Encryption'],
		responsibility: 'shared',
		coverage: 'rules',
		note: 'Traffic is always TLS-encrypted by the platform; the template chooses the minimum TLS version.',
		url: `${MCSB}mcsb-data-protection#dp-3-encrypt-sensitive-data-in-transit`,
	},
	{
		id: 'DP-4',
		title: 'Enable data at rest encryption by default',
		area: 'Data protection',
		features: ['Data at Rest Encryption Using Platform Keys'],
		responsibility: 'microsoft',
		coverage: 'platform',
		note: 'IoT Hub encrypts data at rest with Microsoft-managed keys, always on; nothing to set in a template.',
		url: `${MCSB}mcsb-data-protection#dp-4-enable-data-at-rest-encryption-by-default`,
	},
	{
		id: 'DP-6',
		title: 'Use a secure key management process',
		area: 'Data protection',
		features: ['Key Management in Azure Key Vault'],
		responsibility: 'customer',
		coverage: 'rules',
		// The rule catalog maps the customer-managed key rule here (RULES.md); it is off by default because
		// `encryption` exists only in preview apiVersions.
		note: 'Customer-managed keys in Key Vault (properties.encryption), available only in preview apiVersions.',
		url: `${MCSB}mcsb-data-protection#dp-6-use-a-secure-key-management-process`,
	},
	{
		id: 'DP-7',
		title: 'Use a secure certificate management process',
		area: 'Data protection',
		features: ['Certificate Management in Azure Key Vault (not supported)'],
		responsibility: 'not-supported',
		coverage: 'not-checkable',
		note: 'IoT Hub does not take certificates from Key Vault; device X.509 certificates and CA registrations are managed outside the hub template.',
		url: `${MCSB}mcsb-data-protection#dp-7-use-a-secure-certificate-management-process`,
	},
	{
		id: 'AM-2',
		title: 'Use only approved services',
		area: 'Asset management',
		features: ['Azure Policy Support'],
		responsibility: 'customer',
		coverage: 'not-checkable',
		note: 'Azure Policy assignments are made at management group, subscription or resource group scope, not in the hub template.',
		url: `${MCSB}mcsb-asset-management#am-2-use-only-approved-services`,
	},
	{
		id: 'LT-1',
		title: 'Enable threat detection capabilities',
		area: 'Logging and threat detection',
		features: ['Microsoft Defender for Service / Product Offering'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'A Microsoft Defender for IoT solution (Microsoft.Security/iotSecuritySolutions) that includes the hub.',
		url: `${MCSB}mcsb-logging-threat-detection#lt-1-enable-threat-detection-capabilities`,
	},
	{
		id: 'LT-4',
		title: 'Enable logging for security investigation',
		area: 'Logging and threat detection',
		features: ['Azure Resource Logs'],
		responsibility: 'customer',
		coverage: 'rules',
		note: 'Diagnostic settings that send the resource logs to a destination.',
		url: `${MCSB}mcsb-logging-threat-detection#lt-4-enable-network-logging-for-security-investigation`,
	},
	{
		id: 'BR-1',
		title: 'Ensure regular automated backups',
		area: 'Backup and recovery',
		features: ['Azure Backup (not supported)', 'Service Native Backup Capability (not supported)'],
		responsibility: 'not-supported',
		coverage: 'not-checkable',
		note: 'IoT Hub has no backup feature; export device identities and keep templates in source control to rebuild a hub.',
		url: `${MCSB}mcsb-backup-recovery#br-1-ensure-regular-automated-backups`,
	},
];

/** The baseline control with this id, if it is one the report knows. */
export function baselineControl(id: string): BaselineControl | undefined {
	return BASELINE_CONTROLS.find((c) => c.id === id);
}
