/**
 * Policy check ids that constructs name in their own reasoned suppressions. A leaf module: a
 * construct that records `PolicySuppressions.add(grant, PROJECT_GRANT_CONDITION_CHECK, reason)`
 * needs the id, not the policy pack.
 */

/**
 * Project-level IAM grants must carry an IAM condition narrowing them to named resources, or a
 * reasoned suppression of this check saying why none can (e.g. telemetry writers: log entries and
 * metrics carry no resource name).
 */
export const PROJECT_GRANT_CONDITION_CHECK = 'CKV_CONVAI_39';
