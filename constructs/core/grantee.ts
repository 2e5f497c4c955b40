import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Token } from 'cdktf';
import { PUBLIC_MEMBERS } from './public-members';

const SERVICE_ACCOUNT_PREFIX = 'serviceAccount:';

/**
 * Who a grant is for: every `grant*` method and grantee prop of the library takes one. Enum-like
 * class (jsii has no unions):
 *
 * - `Grantee.fromServiceAccount(account)`: a service account this app creates;
 * - `Grantee.fromServiceAccountEmail(email)`: a service account known by its email (Google's
 *   service agents, accounts of other stacks);
 * - `Grantee.fromMember(member)`: any IAM member string (`user:`, `group:`, `domain:`,
 *   `serviceAccount:`, `principal://...`).
 *
 * Public members (`allUsers`, `allAuthenticatedUsers`) are refused here, the one place the library
 * says so: nothing it grants may be opened to anyone. A token (a value known only at apply time)
 * cannot be judged and is accepted.
 */
export class Grantee {
  /** A service account this app creates: its `member` and `email` attributes. */
  public static fromServiceAccount(account: ServiceAccount): Grantee {
    return new Grantee(account.member, account.email);
  }

  /**
   * A service account by email, e.g. `service-123@gcp-sa-monitoring-notification.iam.gserviceaccount.com`.
   * @param email the account's email, without the `serviceAccount:` prefix
   */
  public static fromServiceAccountEmail(email: string): Grantee {
    refusePublic('Grantee.fromServiceAccountEmail', email);
    if (!Token.isUnresolved(email) && (email.startsWith(SERVICE_ACCOUNT_PREFIX) || !/^[^@\s]+@[^@\s]+$/.test(email))) {
      throw new Error(
        `Grantee.fromServiceAccountEmail: "${email}" is not a service account email: give "name@project.iam.gserviceaccount.com" (without "serviceAccount:"), or use Grantee.fromMember`,
      );
    }
    return new Grantee(`${SERVICE_ACCOUNT_PREFIX}${email}`, email);
  }

  /**
   * Any IAM member string. A `serviceAccount:` member is also usable where a service account is
   * required (Cloud SQL and Memorystore IAM users).
   * @param member e.g. `group:oncall@example.com`, `serviceAccount:caller@p.iam.gserviceaccount.com`
   */
  public static fromMember(member: string): Grantee {
    refusePublic('Grantee.fromMember', member);
    if (!Token.isUnresolved(member) && member.trim() === '') {
      throw new Error('Grantee.fromMember: member is empty: give an IAM member such as "serviceAccount:caller@p.iam.gserviceaccount.com"');
    }
    const email =
      !Token.isUnresolved(member) && member.startsWith(SERVICE_ACCOUNT_PREFIX) ? member.slice(SERVICE_ACCOUNT_PREFIX.length) : undefined;
    return new Grantee(member, email);
  }

  private constructor(
    /** The IAM member string, e.g. `serviceAccount:webhook-run@p.iam.gserviceaccount.com`. */
    public readonly member: string,
    /** The service account's email, when the grantee is a service account. */
    public readonly serviceAccountEmail?: string,
  ) {}

  /** The IAM member string. */
  public toString(): string {
    return this.member;
  }
}

function refusePublic(factory: string, value: string): void {
  if (PUBLIC_MEMBERS.includes(value)) {
    throw new Error(
      `${factory}: ${value} is public (anyone${value === 'allAuthenticatedUsers' ? ' with a Google account' : ''}): nothing this library grants may be opened to everyone; grant named identities instead`,
    );
  }
}

/**
 * The grantee's service account email, for grants that only a service account can receive (Cloud
 * SQL and Memorystore IAM users, ID-token allowlists); throws naming `where` otherwise.
 */
export function serviceAccountEmailOf(grantee: Grantee, where: string): string {
  if (grantee.serviceAccountEmail === undefined) {
    throw new Error(
      `${where}: ${grantee.member} is not a service account: this grant needs one (Grantee.fromServiceAccount, Grantee.fromServiceAccountEmail, or a "serviceAccount:" member)`,
    );
  }
  return grantee.serviceAccountEmail;
}
