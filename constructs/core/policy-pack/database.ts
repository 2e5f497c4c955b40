/** Rules on the database tier and its backups: availability, replicas, backup placement, private IP, restore drills. */
import { first, isUnresolved } from './block-values';
import type { PolicyRule } from './policy-rule';

/** A Workflows call that creates a Cloud SQL instance (connector, any API version). */
const SQL_INSTANCE_INSERT = /googleapis\.sqladmin\.v1(beta4)?\.instances\.insert\b/;

export const DATABASE_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_20',
    title: 'Cloud SQL primary is REGIONAL with point-in-time recovery',
    fix: 'set settings.availability_type = REGIONAL and backup_configuration.point_in_time_recovery_enabled = true (MultiRegionDb defaults)',
    severity: 'error',
    resourceTypes: ['google_sql_database_instance'],
    scope: 'resource',
    evaluate: (b) => {
      if (b.master_instance_name) return undefined;
      const settings = first(b.settings);
      const backup = first(settings?.backup_configuration);
      const problems: string[] = [];
      const availability = settings?.availability_type ?? 'ZONAL';
      if (availability !== 'REGIONAL' && !isUnresolved(availability)) problems.push(`availability_type is ${availability}`);
      const pitr = backup?.point_in_time_recovery_enabled ?? backup?.binary_log_enabled;
      if (pitr !== true && !isUnresolved(pitr)) problems.push('point-in-time recovery is off');
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_21',
    title: "Cloud SQL replica is in a region other than its primary's",
    fix: 'put read replicas in other regions (MultiRegionDb readReplicaRegions) and label them settings.user_labels.primary-region (MultiRegionDb does)',
    severity: 'error',
    resourceTypes: ['google_sql_database_instance'],
    scope: 'resource',
    evaluate: (b) => {
      if (!b.master_instance_name) return undefined;
      const primaryRegion = first(b.settings)?.user_labels?.['primary-region'];
      if (isUnresolved(b.region) || isUnresolved(primaryRegion)) return undefined;
      if (typeof primaryRegion !== 'string' || primaryRegion === '')
        return 'replica has no primary-region user label, so its placement cannot be judged';
      return primaryRegion === b.region ? `replica is in its primary's region ${b.region}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_22',
    title: 'Cloud SQL primary stores backups in a location other than its region',
    fix: 'set backup_configuration.location to another region or a multi-region (MultiRegionDb backupLocation)',
    severity: 'error',
    resourceTypes: ['google_sql_database_instance'],
    scope: 'resource',
    evaluate: (b) => {
      if (b.master_instance_name) return undefined;
      const location = first(first(b.settings)?.backup_configuration)?.location;
      if (isUnresolved(location) || isUnresolved(b.region)) return undefined;
      if (typeof location !== 'string' || location === '') return 'backup_configuration.location is unset, so backups stay in the region';
      return location === b.region ? `backups are stored in the instance region ${location}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_23',
    title: 'Cloud SQL instance has no public IP',
    fix: 'set settings.ip_configuration.ipv4_enabled = false and use a private network (MultiRegionDb does)',
    severity: 'error',
    resourceTypes: ['google_sql_database_instance'],
    scope: 'resource',
    evaluate: (b) =>
      first(first(b.settings)?.ip_configuration)?.ipv4_enabled === false
        ? undefined
        : 'ipv4_enabled is not false, so the instance gets a public IP',
  },
  {
    id: 'CKV_CONVAI_24',
    title: 'Backup bucket is versioned with a retention policy',
    fix: 'on buckets labelled purpose=backup, enable versioning and set retention_policy.retention_period (DrBackup does)',
    severity: 'error',
    resourceTypes: ['google_storage_bucket'],
    scope: 'resource',
    evaluate: (b) => {
      if (b.labels?.purpose !== 'backup') return undefined;
      const problems: string[] = [];
      if (first(b.versioning)?.enabled !== true) problems.push('versioning is off');
      const period = first(b.retention_policy)?.retention_period;
      if (!isUnresolved(period) && !(typeof period === 'number' && period > 0)) problems.push('no retention policy');
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_25',
    title: 'Workflow that creates Cloud SQL instances makes them private and CMEK-encrypted',
    fix: 'in the instances.insert body set settings.ipConfiguration.ipv4Enabled: false and diskEncryptionConfiguration.kmsKeyName (DrBackup’s restore drill does)',
    severity: 'error',
    resourceTypes: ['google_workflows_workflow'],
    scope: 'resource',
    // Instances a workflow creates (restore drills, clones) never pass through Terraform, so
    // CKV_CONVAI_23/35 cannot see them: the workflow's source is where they are decided. A text
    // check: the source either creates no instance, or says ipv4Enabled false (never true) and
    // names a kmsKeyName.
    evaluate: (b) => {
      const source = b.source_contents;
      if (typeof source !== 'string' || !SQL_INSTANCE_INSERT.test(source)) return undefined;
      const problems: string[] = [];
      if (!/\bipv4Enabled:\s*false\b/.test(source) || /\bipv4Enabled:\s*true\b/.test(source)) {
        problems.push('the instances it creates get a public IP (ipv4Enabled is not false)');
      }
      if (!/\bkmsKeyName:\s*\S/.test(source)) problems.push('the instances it creates use Google-managed keys (no kmsKeyName)');
      return problems.length > 0 ? problems.join('; ') : undefined;
    },
  },
];
