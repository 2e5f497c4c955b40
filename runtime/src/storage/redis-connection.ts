import { RedisClientOptions, RedisClientType, createClient } from 'redis';
import { certificateNames } from './certificate-names';

type CredentialsProvider = NonNullable<RedisClientOptions['credentialsProvider']>;
type StreamingProvider = Extract<CredentialsProvider, { type: 'streaming-credentials-provider' }>;

/** An OAuth2 access token and when it stops being valid (epoch ms; absent when the source does not say). */
export interface AccessToken {
  readonly token: string;
  readonly expiresAt?: number;
}

/** Where IAM auth tokens come from: the runtime's service account in production, a fake in tests. */
export interface AccessTokenSource {
  token(): Promise<AccessToken>;
}

/**
 * The service account's access token from google-auth-library (the metadata server on Cloud Run
 * and GKE Workload Identity). The library caches a token and fetches a new one once the cached one
 * is within its eager-refresh threshold (5 minutes) of expiry.
 */
export class GoogleAccessTokens implements AccessTokenSource {
  private client?: Promise<import('google-auth-library').AuthClient>;

  constructor(private readonly scopes: string[] = ['https://www.googleapis.com/auth/cloud-platform']) {}

  async token(): Promise<AccessToken> {
    this.client ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: this.scopes }).getClient());
    const client = await this.client;
    const { token } = await client.getAccessToken();
    if (!token) throw new Error('google-auth-library returned no access token for Redis IAM authentication');
    return { token, expiresAt: client.credentials.expiry_date ?? undefined };
  }
}

/** When to fetch the next token: halfway through a short life, 5 minutes before the end of a long one. */
export function refreshDelayMs(token: AccessToken, now = Date.now()): number {
  if (token.expiresAt === undefined) return 5 * 60_000;
  const life = token.expiresAt - now;
  return Math.max(1_000, life - Math.min(5 * 60_000, life / 2));
}

/**
 * Memorystore IAM authentication for node-redis: the access token is the AUTH password (no user
 * name: Memorystore authenticates the token as the default user). node-redis asks for credentials
 * on every handshake, so a reconnect always authenticates with a token fetched then; on a live
 * connection the token is replaced (AUTH again) before it expires, since Memorystore closes
 * connections whose token has expired.
 */
export function iamCredentialsProvider(source: AccessTokenSource, onError: (error: Error) => void): StreamingProvider {
  let active: { timer?: NodeJS.Timeout; disposed: boolean } | undefined;
  return {
    type: 'streaming-credentials-provider',
    async subscribe(listener) {
      // node-redis subscribes again on every reconnect without disposing the old subscription.
      if (active) {
        active.disposed = true;
        clearTimeout(active.timer);
      }
      const subscription: { timer?: NodeJS.Timeout; disposed: boolean } = { disposed: false };
      active = subscription;
      const first = await source.token();
      const schedule = (token: AccessToken) => {
        if (subscription.disposed) return;
        subscription.timer = setTimeout(() => {
          source.token().then(
            (next) => {
              if (subscription.disposed) return;
              listener.onNext({ password: next.token });
              schedule(next);
            },
            (error: Error) => {
              listener.onError(error);
              // Try again soon: the current token may still have minutes to live.
              schedule({ token: token.token, expiresAt: Date.now() + 10_000 });
            },
          );
        }, refreshDelayMs(token));
        subscription.timer.unref();
      };
      schedule(first);
      return [
        { password: first.token },
        {
          dispose() {
            subscription.disposed = true;
            clearTimeout(subscription.timer);
          },
        },
      ];
    },
    onReAuthenticationError: onError,
  };
}

/** Shared with Postgres's verified TLS (postgres-tls.ts); in its own module so that one loads without the Redis client. */
export { certificateNames };

export interface RedisConnectionOptions {
  /** `redis://host:port` or `rediss://host:port` (TLS). */
  readonly url: string;
  /** PEM CA bundle the server certificate must chain to; setting it turns TLS on, verified. */
  readonly tlsCa?: string;
  /** Name the server certificate must carry. @default - the host of `url` */
  readonly tlsServerName?: string;
  /** Authenticate with the service account's access token (Memorystore IAM authentication). */
  readonly iamAuth?: boolean;
  /** Where tokens come from. @default - GoogleAccessTokens (the service account) */
  readonly tokenSource?: AccessTokenSource;
  /** Called when a fresh token cannot be fetched or is refused on a live connection. */
  readonly onAuthError?: (error: Error) => void;
}

/**
 * A node-redis client for the runtime's L2 tier, shared rate limits and idempotency: verified TLS
 * when a CA is given, IAM auth when asked, no offline queue (a command fails at once while
 * disconnected rather than waiting behind an outage) and capped reconnect backoff.
 */
/** Commands left waiting on a hung server before new ones are rejected. */
const REDIS_MAX_PENDING_COMMANDS = 1_000;

export function createRedisConnection(options: RedisConnectionOptions): RedisClientType {
  if (options.iamAuth && !options.tlsCa && !options.url.startsWith('rediss:')) {
    throw new Error('Redis IAM authentication sends an access token as the password: it needs TLS (REDIS_TLS_CA)');
  }
  const tls = Boolean(options.tlsCa) || options.url.startsWith('rediss:');
  const socket = {
    connectTimeout: 1_000,
    reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
    ...(tls && {
      tls: true as const,
      ...(options.tlsCa && { ca: options.tlsCa }),
      rejectUnauthorized: true,
      ...(options.tlsServerName && { checkServerIdentity: certificateNames(options.tlsServerName) }),
    }),
  };
  const client = createClient({
    // node-redis wants the scheme to agree with the socket: rediss:// whenever TLS is on.
    url: tls ? options.url.replace(/^redis:/, 'rediss:') : options.url,
    disableOfflineQueue: true,
    // A hung server (connection open, no replies) keeps every written command waiting for a
    // reply that may never come; the guard's deadline frees the caller, not the command. The
    // breaker stops new ones after a few; this bounds what is left waiting (rejected beyond it).
    commandsQueueMaxLength: REDIS_MAX_PENDING_COMMANDS,
    // RESP2: the handshake is AUTH <token>, the form Memorystore documents for IAM tokens.
    ...(options.iamAuth && {
      RESP: 2 as const,
      credentialsProvider: iamCredentialsProvider(
        options.tokenSource ?? new GoogleAccessTokens(),
        options.onAuthError ?? (() => undefined),
      ),
    }),
    socket,
  });
  return client as unknown as RedisClientType;
}
