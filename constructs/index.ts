// The published API of the library. Everything exported here must be jsii-compatible.
export * from './core/platform-stack';
export * from './core/platform-labels';
export * from './core/label-conventions';
export * from './core/policy-checks';
export * from './core/terraform-checks';
export * from './core/terraform-literal';
export * from './core/duration';
export { Grantee } from './core/grantee';
export { RequestSignals } from './core/request-signals';
export * from './core/encryption-keys';
export * from './core/runbooks';
export { PolicySuppressions, PolicySuppression } from './core/policy-suppressions';
export * from './edge/edge-security-policy';
export * from './edge/global-https-load-balancer';
export * from './scalable-webhook/scalable-webhook';
// The GKE platform for ScalableWebhook and the hardened GKE cluster.
export * from './scalable-webhook/platform';
export { GkeWebhookWorkload, GkeWebhookWorkloadProps } from './scalable-webhook/gke-workload';
export * from './scalable-webhook/chaos-mesh-experiments';
export * from './gke/hardened-gke-cluster';
export * from './gke/image-repository';
// The database tier and disaster recovery.
export {
  DatabaseEngine,
  DatabaseEngineBindOptions,
  FirestoreEngineOptions,
  IDatabaseBinding,
  MultiRegionDb,
  MultiRegionDbProps,
  POSTGRES_LOGGING_FLAGS,
  SqlEdition,
} from './multi-region-db/multi-region-db';
export * from './multi-region-db/shard-map';
export * from './memorystore/memorystore-cache-props';
export { MemorystoreCache } from './memorystore/memorystore-cache';
export * from './dr-backup/dr-backup-props';
export { DrBackup, BACKUP_STALE_RUNBOOK, EXPORT_SUCCEEDED_EVENT } from './dr-backup/dr-backup';
export { RESTORE_DRILL_RUNBOOK } from './dr-backup/restore-drill';
export { RESTORE_DRILL_SUCCEEDED_EVENT, RESTORE_DRILL_FAILED_EVENT } from './dr-backup/restore-drill-workflow';
export { FAILOVER_PLAN_EVENT, FAILOVER_STEP_EVENT, FAILOVER_COMPLETED_EVENT, FAILOVER_FAILED_EVENT } from './dr-backup/failover-workflow';
// SecureSecrets and the security posture.
export * from './secure-secrets/key-protection';
export * from './secure-secrets/secure-secrets-props';
export * from './secure-secrets/secure-secrets';
export * from './secure-secrets/platform-secret';
export * from './secure-secrets/secret-access';
export * from './security-monitoring/security-monitoring';
// SLOs, burn-rate alerting, dashboards (SloAlerting).
export { SloWindow, AlertSeverity, BurnRateAlertSpec, BurnRate } from './slo-alerting/burn-rate';
export * from './slo-alerting/slo-target';
export * from './slo-alerting/slo-alerting-props';
export * from './slo-alerting/slo-alerting';
export { ConversationMetrics, ConversationMetricsProps } from './slo-alerting/conversation-metrics';
export * from './bootstrap'; // PlatformBootstrap, PlatformServices
export { IncidentResponse, IncidentResponseNetwork, IncidentResponseProps } from './incident-response/incident-response';
