import { ServerType, serve } from '@hono/node-server';
import { AddressInfo } from 'node:net';

export interface HttpTimeouts {
  /** Longest time from a request's first byte to the end of its headers. */
  readonly headersMs: number;
  /** Longest time from a request's first byte to the end of its body (the handler's time is not counted). */
  readonly requestMs: number;
  /** How long an idle keep-alive connection is kept between requests. */
  readonly keepAliveMs: number;
}

/**
 * How often Node looks for connections past their header or request timeout (its default, 30 s,
 * would let a trickling client hold a connection up to 30 s past either bound).
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/**
 * The HTTP server in front of the Hono app. A client that trickles its headers or body (one byte
 * at a time) would otherwise hold a connection, and the memory of its half-read request, for as
 * long as it likes: Node answers such a request 408 and closes the connection once `headersMs`
 * or `requestMs` has passed since its first byte (checked every second). Time spent in the
 * handler after the body has arrived is the webhook budget's business, not these timeouts'.
 */
export function startHttpServer(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { readonly port: number; readonly hostname: string; readonly timeouts: HttpTimeouts },
  onListening?: (info: AddressInfo) => void,
): ServerType {
  const { timeouts } = options;
  return serve(
    {
      fetch,
      port: options.port,
      hostname: options.hostname,
      serverOptions: {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        keepAliveTimeout: timeouts.keepAliveMs,
        connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
      },
    },
    onListening,
  );
}
