/**
 * A typed client for Toxiproxy's HTTP API (v2: https://github.com/Shopify/toxiproxy#http-api),
 * only the part the chaos suite drives: create proxies, add and remove toxics, enable and
 * disable a proxy, reset everything. Our own rather than the npm `toxiproxy-node-client`
 * (maintained, but two major versions in a year for five endpoints): the API is small and
 * stable, and every fault the suite injects is spelt out here with its documented attributes.
 */

/** Which direction of a proxied connection a toxic acts on: upstream = client → server. */
export type ToxicStream = 'upstream' | 'downstream';

/** The toxics the suite uses, with Toxiproxy's attribute names (milliseconds, KB/s). */
export type ToxicSpec =
  /** Delay every chunk by `latency` ± `jitter` ms. */
  | { readonly type: 'latency'; readonly attributes: { readonly latency: number; readonly jitter: number } }
  /** Limit throughput to `rate` KB/s. */
  | { readonly type: 'bandwidth'; readonly attributes: { readonly rate: number } }
  /** Stop all data and close the connection after `timeout` ms; with 0 the data is dropped and the connection stays open (a black hole). */
  | { readonly type: 'timeout'; readonly attributes: { readonly timeout: number } }
  /** Reset the connection (TCP RST) after `timeout` ms; 0 resets at once. */
  | { readonly type: 'reset_peer'; readonly attributes: { readonly timeout: number } };

export interface Toxic {
  readonly name: string;
  readonly stream: ToxicStream;
  /** Share of connections the toxic applies to, 0..1. */
  readonly toxicity: number;
  readonly type: ToxicSpec['type'];
  readonly attributes: Record<string, number>;
}

export interface ProxyState {
  readonly name: string;
  /** `host:port` the proxy listens on. */
  readonly listen: string;
  /** `host:port` it forwards to. */
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: Toxic[];
}

export class ToxiproxyError extends Error {}

export class ToxiproxyClient {
  constructor(
    /** The API's base URL, e.g. `http://127.0.0.1:8474`. */
    readonly baseUrl: string,
  ) {}

  async version(): Promise<string> {
    const body = await this.request<{ version: string } | string>('GET', '/version');
    return typeof body === 'string' ? body : body.version;
  }

  createProxy(name: string, listen: string, upstream: string): Promise<ProxyState> {
    return this.request('POST', '/proxies', { name, listen, upstream, enabled: true });
  }

  proxy(name: string): Promise<ProxyState> {
    return this.request('GET', `/proxies/${encodeURIComponent(name)}`);
  }

  /** A disabled proxy closes every connection and refuses new ones (connection refused): the dependency is down. */
  setEnabled(name: string, enabled: boolean): Promise<ProxyState> {
    return this.request('POST', `/proxies/${encodeURIComponent(name)}`, { enabled });
  }

  addToxic(
    proxy: string,
    toxic: { readonly name: string; readonly stream: ToxicStream; readonly toxicity?: number } & ToxicSpec,
  ): Promise<Toxic> {
    return this.request('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, { toxicity: 1, ...toxic });
  }

  async removeToxic(proxy: string, toxic: string): Promise<void> {
    await this.request('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
  }

  /** Enable every proxy and remove every toxic. */
  async reset(): Promise<void> {
    await this.request('POST', '/reset');
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new ToxiproxyError(`toxiproxy ${method} ${path} answered ${res.status}: ${text.trim()}`);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }
}
