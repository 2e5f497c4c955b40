/** A secret exposed to the container as an environment variable. */
export interface SecretEnvVar {
  /** Secret Manager secret: its id (`projects/p/secrets/name`) or, in the same project, its name. */
  readonly secret: string;
  /** Version to read. Pin a number in production for repeatable rollouts. @default "latest" */
  readonly version?: string;
}
