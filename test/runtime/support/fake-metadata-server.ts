import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
// gcp-metadata's own copy of gaxios: the one google-auth-library's Compute client calls through.
import * as gaxios from 'gcp-metadata/node_modules/gaxios';

/**
 * A local stand-in for the GCE metadata server, speaking its protocol to the real
 * google-auth-library: requests must carry `Metadata-Flavor: Google`, replies carry it back, and
 * `/computeMetadata/v1/instance/service-accounts/default/token` issues the current access token.
 * Point the library at it with `GCE_METADATA_HOST=127.0.0.1:<port>`.
 */
export class FakeMetadataServer {
  /** The token the next token request gets; tests rotate it. */
  currentToken = 'ya29.first-token';
  /** Lifetime the server announces, in seconds. */
  expiresInSeconds = 3600;
  /** Tokens issued, in order. */
  readonly issued: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeMetadataServer> {
    const holder: { instance?: FakeMetadataServer } = {};
    const server = createServer((req, res) => holder.instance!.handle(req, res));
    const instance = (holder.instance = new FakeMetadataServer(server));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** The value for GCE_METADATA_HOST. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'Metadata-Flavor': 'Google', 'Content-Type': type });
      res.end(body);
    };
    if (req.headers['metadata-flavor'] !== 'Google') return reply(403, 'Missing Metadata-Flavor:Google header.', 'text/plain');
    const path = new URL(req.url ?? '/', 'http://metadata').pathname;
    if (path === '/computeMetadata/v1/instance/service-accounts/default/token') {
      this.issued.push(this.currentToken);
      return reply(200, JSON.stringify({ access_token: this.currentToken, expires_in: this.expiresInSeconds, token_type: 'Bearer' }));
    }
    if (path === '/computeMetadata/v1/project/project-id') return reply(200, 'convai-test-project', 'application/text');
    if (path === '/computeMetadata/v1/instance' || path === '/computeMetadata/v1/instance/') return reply(200, '{}');
    return reply(404, 'not found', 'text/plain');
  }
}

/**
 * google-auth-library reaches the metadata server through gcp-metadata's gaxios, which loads
 * `fetch` with a dynamic `import()`; jest's module sandbox refuses dynamic imports (without
 * --experimental-vm-modules). Outside jest the import works; here, hand gaxios Node's own fetch,
 * the implementation it would load anyway. Requests still go over HTTP to the fake server.
 */
export function letGoogleAuthFetchInJest(): void {
  gaxios.instance.defaults.fetchImplementation = fetch;
}
