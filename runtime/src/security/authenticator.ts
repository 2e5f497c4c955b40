import { createHash, timingSafeEqual } from 'node:crypto';
import { JWTVerifyGetKey, createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { RuntimeConfig } from '../config';

export type AuthResult = { ok: true; principal?: string } | { ok: false; reason: string; principal?: string };

/**
 * Who may call the webhook:
 * - `google-id-token`: a Google-signed ID token (Dialogflow's service agent sends one when the
 *   webhook uses service-agent auth): signature against Google's JWKS (cached, refreshed on an
 *   unknown key id), issuer, audience = the webhook URL, expiry, and optionally the principal's
 *   email against an allowlist.
 * - `shared-secret`: `Authorization: Bearer <secret>`, Basic auth with the secret as password,
 *   or `X-Webhook-Secret`, compared in constant time; the secret comes from Secret Manager.
 * - `none`: development only; the config refuses it in production.
 */
export class Authenticator {
  private readonly jwks?: JWTVerifyGetKey;

  constructor(private readonly auth: RuntimeConfig['auth']) {
    if (auth.mode === 'google-id-token') {
      this.jwks = createRemoteJWKSet(new URL(auth.jwksUrl), {
        cacheMaxAge: 6 * 3600_000,
        cooldownDuration: 30_000,
        timeoutDuration: 2_000,
      });
    }
  }

  async authenticate(headers: { get(name: string): string | undefined | null }): Promise<AuthResult> {
    switch (this.auth.mode) {
      case 'none':
        return { ok: true };
      case 'shared-secret':
        return this.sharedSecret(headers);
      case 'google-id-token':
        return this.idToken(headers.get('authorization') ?? '');
    }
  }

  private sharedSecret(headers: { get(name: string): string | undefined | null }): AuthResult {
    // X-Webhook-Secret first: on Cloud Run, Authorization carries the service agent's ID token
    // for Cloud Run IAM, and the secret travels beside it.
    const authorization = headers.get('authorization') ?? '';
    let presented = headers.get('x-webhook-secret') ?? '';
    if (!presented && authorization.startsWith('Bearer ')) presented = authorization.slice(7);
    else if (!presented && authorization.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      presented = decoded.slice(decoded.indexOf(':') + 1);
    }
    if (!presented) return { ok: false, reason: 'missing-credentials' };
    return sameSecret(presented, this.auth.sharedSecret ?? '') ? { ok: true } : { ok: false, reason: 'bad-secret' };
  }

  private async idToken(authorization: string): Promise<AuthResult> {
    if (!authorization.startsWith('Bearer ')) return { ok: false, reason: 'missing-credentials' };
    const token = authorization.slice(7).trim();
    try {
      const { payload } = await jwtVerify(token, this.jwks!, {
        issuer: this.auth.issuers,
        audience: this.auth.audiences,
        algorithms: ['RS256'],
      });
      const principal = typeof payload.email === 'string' ? payload.email : payload.sub;
      if (
        this.auth.allowedPrincipals.length > 0 &&
        (payload.email_verified === false || !principal || !this.auth.allowedPrincipals.includes(principal))
      ) {
        return { ok: false, reason: 'principal-not-allowed', principal };
      }
      return { ok: true, principal };
    } catch (error) {
      return { ok: false, reason: jwtFailure(error), principal: unverifiedPrincipal(token) };
    }
  }
}

/** Constant-time comparison that does not leak the secret's length. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && b.length > 0;
}

function jwtFailure(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ERR_JWT_EXPIRED') return 'token-expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return `claim-${(error as { claim?: string }).claim ?? 'invalid'}`;
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'bad-signature';
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return 'unknown-key';
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC') return 'jwks-unavailable';
  return 'malformed-token';
}

/** For the audit log only: who the token claims to be, unverified. */
function unverifiedPrincipal(token: string): string | undefined {
  try {
    const claims = decodeJwt(token);
    return typeof claims.email === 'string' ? claims.email : claims.sub;
  } catch {
    return undefined;
  }
}
