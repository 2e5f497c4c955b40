import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MultiRegionDb, PRODUCTION_ENVS } from '../constructs';

const DATABASE_SHARDS_MESSAGE = `databaseShards must be a whole number from 1 to ${MultiRegionDb.MAX_SHARDS} (default 1)`;

/**
 * Configuration of the reference platform: one entry per environment (one cdktf stack each).
 *
 * Defaults let `npm run synth` work on a fresh clone with no cloud credentials. A real platform
 * points PLATFORM_CONFIG at its own JSON file of the same shape (see
 * `stacks/platform.config.example.json`).
 */
/** Run the environment's webhook on a hardened GKE cluster instead of Cloud Run. */
const Gke = z
  .object({
    zones: z.array(z.string()).min(1, 'give the zones of the cluster nodes'),
    network: z.string().min(1),
    subnetwork: z.string().min(1),
    podsRangeName: z.string().optional(),
    servicesRangeName: z.string().optional(),
    masterAuthorizedNetworks: z.array(z.object({ cidrBlock: z.string(), displayName: z.string() }).strict()).optional(),
    autopilot: z.boolean().optional(),
    minReplicas: z.number().int().positive().optional(),
    maxReplicas: z.number().int().positive().optional(),
  })
  .strict();

const Environment = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'stack names are lowercase, e.g. "dev" or "prod"'),
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Google Cloud project id, 6-30 characters'),
    environment: z.string().min(1),
    regions: z.array(z.string()).min(1, 'give at least one region'),
    domains: z.array(z.string()).min(1, 'give the webhook domain(s)'),
    image: z.string().min(1),
    team: z.string().min(1),
    costCenter: z.string().min(1),
    minInstances: z.number().int().nonnegative().optional(),
    maxInstances: z.number().int().positive().optional(),
    /** Who hears alerts (SloAlerting): email notification channels per severity. Required for production. */
    alerting: z
      .object({
        pageEmails: z.array(z.string().email()).min(1, 'give at least one on-call address'),
        ticketEmails: z.array(z.string().email()).optional(),
        /** Google accounts that may stop the incident responder's automation on an incident (production). */
        incidentOperators: z.array(z.string().email()).optional(),
      })
      .strict()
      .optional(),
    /** Natural Language requests per minute quota of the project (forecast alert); none when absent. */
    nlpQuotaPerMinute: z.number().int().positive().optional(),
    /**
     * Database shards (MultiRegionDb `shards`): each is a primary with its replicas, and the runtime
     * spreads sessions over them (DATABASE_SHARD_URLS). Default 1 (unsharded).
     */
    databaseShards: z
      .number({ invalid_type_error: DATABASE_SHARDS_MESSAGE })
      .int(DATABASE_SHARDS_MESSAGE)
      .min(1, DATABASE_SHARDS_MESSAGE)
      .max(MultiRegionDb.MAX_SHARDS, DATABASE_SHARDS_MESSAGE)
      .optional(),
    /** GCS bucket for Terraform state; local state when absent. */
    stateBucket: z.string().optional(),
    /** Run the webhook on GKE (a hardened cluster in the first region) instead of Cloud Run. */
    gke: Gke.optional(),
    /**
     * The versioned experiments document the webhook runs (docs/improvement/experiments.md), relative
     * to the working directory; validated at synth and deployed with the stack. None when absent.
     */
    experimentsFile: z.string().min(1).optional(),
  })
  .strict();

/**
 * The bootstrap stack (state bucket, APIs, deployer, keyless CI) in the project that
 * holds them. Absent: no bootstrap stack is synthesized.
 */
const Bootstrap = z
  .object({
    /** The project holding the state bucket, the deployer and the identity pool (a small admin project). */
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Google Cloud project id, 6-30 characters'),
    /** Location of the state bucket and its key: a region or a multi-region ("us"). */
    location: z.string().min(1),
    /** The Terraform state bucket it creates; set the same name as each environment's stateBucket. */
    stateBucket: z.string().min(3),
    /** Labels of the bootstrap resources; default: the first environment's. */
    team: z.string().min(1).optional(),
    costCenter: z.string().min(1).optional(),
    /** Keyless deploys from GitHub Actions: the repository and the branch or GitHub environment. */
    github: z
      .object({
        repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'owner/name'),
        branch: z.string().min(1).optional(),
        environment: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Service accounts Cloud Build runs as, allowed to impersonate the deployer. */
    cloudBuildServiceAccounts: z.array(z.string().email()).optional(),
    /** True once the bootstrap's own state has been migrated into stateBucket (docs/operations/deploy.md). */
    remoteState: z.boolean().optional(),
  })
  .strict();

const PlatformConfig = z.object({ environments: z.array(Environment).min(1), bootstrap: Bootstrap.optional() }).strict();

export type EnvironmentConfig = z.infer<typeof Environment>;
export type GkeConfig = z.infer<typeof Gke>;
export type BootstrapConfig = z.infer<typeof Bootstrap>;
/** The name of the bootstrap stack (and so its folder under cdktf.out/stacks). */
export const BOOTSTRAP_STACK = 'bootstrap';
export type PlatformConfigShape = z.infer<typeof PlatformConfig>;

/** The image the reference app deploys until CI passes its own digest (see README). */
const REFERENCE_IMAGE =
  'us-docker.pkg.dev/convai-reference/webhook/runtime@sha256:0f4d6c3a0b5c2e1f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f';

export const DEFAULT_CONFIG: PlatformConfigShape = {
  environments: [
    {
      name: 'dev',
      projectId: 'convai-reference-dev',
      environment: 'dev',
      regions: ['us-central1'],
      domains: ['webhook.dev.convai.example.com'],
      image: REFERENCE_IMAGE,
      team: 'conversational-ai',
      costCenter: 'cc-1234',
      experimentsFile: 'config/experiments.json',
    },
    {
      name: 'prod',
      projectId: 'convai-reference-prod',
      environment: 'prod',
      regions: ['us-central1', 'europe-west1', 'asia-northeast1'],
      domains: ['webhook.convai.example.com'],
      image: REFERENCE_IMAGE,
      team: 'conversational-ai',
      costCenter: 'cc-1234',
      minInstances: 1,
      maxInstances: 20,
      alerting: {
        pageEmails: ['oncall-convai@example.com'],
        ticketEmails: ['convai-platform@example.com'],
        incidentOperators: ['sre-lead@example.com'],
      },
      nlpQuotaPerMinute: 600,
      experimentsFile: 'config/experiments.json',
    },
    // The same webhook for teams that run everything on GKE.
    {
      name: 'prod-gke',
      projectId: 'convai-reference-gke',
      environment: 'prod',
      // The cluster serves from the first region; the second holds the database's DR replica.
      regions: ['us-central1', 'us-east1'],
      domains: ['webhook.gke.convai.example.com'],
      image: REFERENCE_IMAGE,
      team: 'conversational-ai',
      costCenter: 'cc-1234',
      alerting: { pageEmails: ['oncall-convai@example.com'], ticketEmails: ['convai-platform@example.com'] },
      experimentsFile: 'config/experiments.json',
      gke: {
        zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
        network: 'convai-vpc',
        subnetwork: 'convai-gke-us-central1',
        podsRangeName: 'gke-pods',
        servicesRangeName: 'gke-services',
        masterAuthorizedNetworks: [{ cidrBlock: '10.10.0.0/24', displayName: 'ci-runners' }],
        minReplicas: 3,
        maxReplicas: 20,
      },
    },
  ],
  // State bucket, APIs, deployer and keyless CI, in a small admin project of their own.
  bootstrap: {
    projectId: 'convai-reference-admin',
    location: 'us-central1',
    stateBucket: 'convai-reference-tfstate',
    github: { repository: 'example-org/convai-platform', branch: 'main' },
    cloudBuildServiceAccounts: ['platform-ci@convai-reference-admin.iam.gserviceaccount.com'],
  },
};

/** Load and validate the configuration; a bad file fails with every problem and its path. */
export function loadConfig(path: string | undefined = process.env.PLATFORM_CONFIG): PlatformConfigShape {
  if (!path) return DEFAULT_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`PLATFORM_CONFIG=${path}: cannot read JSON (${(e as Error).message})`);
  }
  const parsed = PlatformConfig.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`PLATFORM_CONFIG=${path} is invalid:\n  - ${issues.join('\n  - ')}`);
  }
  // Production pages someone: SloAlerting refuses a production stack without page channels.
  const silent = parsed.data.environments.find((e) => (PRODUCTION_ENVS as readonly string[]).includes(e.environment) && !e.alerting);
  if (silent) {
    throw new Error(
      `PLATFORM_CONFIG=${path} is invalid: environment "${silent.name}" is production but has no alerting: add "alerting": { "pageEmails": ["oncall@..."] }`,
    );
  }
  const names = parsed.data.environments.map((e) => e.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`PLATFORM_CONFIG=${path} is invalid: environment name "${dup}" appears twice`);
  const bootstrap = parsed.data.bootstrap;
  if (bootstrap && names.includes(BOOTSTRAP_STACK)) {
    throw new Error(
      `PLATFORM_CONFIG=${path} is invalid: environment name "${BOOTSTRAP_STACK}" is the bootstrap stack's: rename the environment`,
    );
  }
  // The deployer may read and write the bootstrap's bucket only.
  const elsewhere = bootstrap && parsed.data.environments.find((e) => e.stateBucket && e.stateBucket !== bootstrap.stateBucket);
  if (elsewhere) {
    throw new Error(
      `PLATFORM_CONFIG=${path} is invalid: environment "${elsewhere.name}" keeps its state in "${elsewhere.stateBucket}" but bootstrap creates "${bootstrap.stateBucket}": use the same bucket`,
    );
  }
  return parsed.data;
}
