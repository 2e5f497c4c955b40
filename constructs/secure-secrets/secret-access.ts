import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Construct } from 'constructs';
import { Grantee } from '../core/grantee';

/** The only role a workload needs to read a secret's values. */
export const SECRET_ACCESSOR_ROLE = 'roles/secretmanager.secretAccessor';

/**
 * The one way this library lets an identity read a secret: `roles/secretmanager.secretAccessor`
 * on that secret alone (additive), never on the project. `PlatformSecret.grantAccess` and
 * `ScalableWebhook`'s `secretEnv`/`secretFiles` both go through here.
 */
export class SecretAccess {
  /** The only role a workload needs to read a secret's values (the module constant `SECRET_ACCESSOR_ROLE` holds the same, for JavaScript and TypeScript only) */
  public static readonly ROLE = SECRET_ACCESSOR_ROLE;
  /**
   * Grant `grantee` read access to one secret.
   * @param scope where the grant resource is created
   * @param id construct id of the grant
   * @param secretId the secret's id (`projects/p/secrets/name`) or, in the same project, its name
   * @param grantee who may read it, e.g. `Grantee.fromServiceAccount(account)`
   */
  public static grant(scope: Construct, id: string, secretId: string, grantee: Grantee): SecretManagerSecretIamMember {
    return new SecretManagerSecretIamMember(scope, id, { secretId, role: SECRET_ACCESSOR_ROLE, member: grantee.member });
  }

  private constructor() {}
}
