import { KeyPurpose } from '../core/encryption-keys';

/**
 * A Google-managed service agent that encrypts data with one of our keys. The agent, not the
 * workload, calls KMS, so it needs `roles/cloudkms.cryptoKeyEncrypterDecrypter` on that key only.
 */
export interface ServiceAgent {
  /** Short name, used in construct ids (API: changing it replaces the grant). */
  readonly name: string;
  /** The API whose agent it is (for the prerequisites in docs/security). */
  readonly service: string;
  /** The key purpose whose keys it uses. */
  readonly purpose: KeyPurpose;
  /** The agent's email for a project number; Cloud Logging's comes from a data source instead. */
  readonly email?: (projectNumber: string) => string;
}

/**
 * The service agents of the services that encrypt platform data. Cloud Logging is handled apart:
 * its CMEK service account is read from `google_logging_project_settings`.
 */
export const SERVICE_AGENTS: readonly ServiceAgent[] = [
  {
    name: 'cloud-sql',
    service: 'sqladmin.googleapis.com',
    purpose: KeyPurpose.DATABASE,
    email: (n) => `service-${n}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
  },
  {
    name: 'storage',
    service: 'storage.googleapis.com',
    purpose: KeyPurpose.STORAGE,
    email: (n) => `service-${n}@gs-project-accounts.iam.gserviceaccount.com`,
  },
  {
    name: 'artifact-registry',
    service: 'artifactregistry.googleapis.com',
    purpose: KeyPurpose.STORAGE,
    email: (n) => `service-${n}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
  },
  {
    name: 'secret-manager',
    service: 'secretmanager.googleapis.com',
    purpose: KeyPurpose.SECRETS,
    email: (n) => `service-${n}@gcp-sa-secretmanager.iam.gserviceaccount.com`,
  },
  {
    name: 'pubsub',
    service: 'pubsub.googleapis.com',
    purpose: KeyPurpose.LOGS,
    email: (n) => `service-${n}@gcp-sa-pubsub.iam.gserviceaccount.com`,
  },
  { name: 'logging', service: 'logging.googleapis.com', purpose: KeyPurpose.LOGS },
];
