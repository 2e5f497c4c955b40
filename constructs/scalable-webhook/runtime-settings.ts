/** Settings every platform gives the webhook runtime the same way. */

/**
 * Tells the runtime it is production (runtime/src/config.ts: it then refuses to start without
 * authentication). Set by the platform on a production webhook, not left to the image's NODE_ENV
 * or the caller's `env`: a custom image or a stray NODE_ENV must not turn checks off.
 */
export const RUNTIME_ENV = { name: 'RUNTIME_ENV', value: 'production' } as const;
/** Port the container listens on when `containerPort` is not given. */
export const DEFAULT_PORT = 8080;
/** Requests per second one pod serves at full load (balancing mode RATE of zonal NEGs). */
export const MAX_RATE_PER_POD = 100;
/** Seconds a request may take when `requestTimeout` is not given. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
