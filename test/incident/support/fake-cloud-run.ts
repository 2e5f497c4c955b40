import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization?: string;
  readonly body?: Record<string, any>;
}

/**
 * The slice of the Cloud Run Admin API v2 the responder calls, speaking its REST shape:
 * `GET /v2/projects/{p}/locations/{l}/services/{s}` returns the Service (with `etag`,
 * `generation`, `template.scaling`), `PATCH` the same path with `?updateMask=` applies the masked
 * fields (the whole body without a mask, as the real API does), refuses a stale `etag` with 409
 * ABORTED, and answers a long-running Operation. Errors use Google's JSON error shape.
 * Every request is recorded; a bearer token is required.
 */
export class FakeCloudRun {
  readonly requests: Recorded[] = [];
  readonly services = new Map<string, Record<string, any>>();
  private server?: Server;
  endpoint = '';

  static async start(): Promise<FakeCloudRun> {
    const fake = new FakeCloudRun();
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((r) => fake.server!.listen(0, '127.0.0.1', r));
    fake.endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** A deployed service as Terraform left it (ScalableWebhook's shape). */
  deploy(name: string, scaling: { minInstanceCount: number; maxInstanceCount: number }): void {
    const [, project, , location, , id] = name.split('/');
    this.services.set(name, {
      name,
      uid: randomUUID(),
      generation: '1',
      etag: `"${randomUUID()}"`,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      uri: `https://${id}-abc123-${location}.a.run.app`,
      template: {
        serviceAccount: `webhook-run@${project}.iam.gserviceaccount.com`,
        scaling: { ...scaling },
        containers: [{ image: 'europe-docker.pkg.dev/p/r/webhook@sha256:0123', env: [{ name: 'NODE_ENV', value: 'production' }] }],
      },
    });
  }

  /** Someone else changes the service (a deploy, a person): new etag and generation. */
  change(name: string, minInstanceCount: number): void {
    const s = this.services.get(name)!;
    s.template.scaling.minInstanceCount = minInstanceCount;
    this.bump(s);
  }

  minInstances(name: string): number {
    return this.services.get(name)!.template.scaling.minInstanceCount ?? 0;
  }

  patches(): Recorded[] {
    return this.requests.filter((r) => r.method === 'PATCH');
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }

  private bump(s: Record<string, any>): void {
    s.generation = String(Number(s.generation) + 1);
    s.etag = `"${randomUUID()}"`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({
      method: req.method!,
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body,
    });
    const send = (status: number, json: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    const error = (status: number, code: string, message: string) => send(status, { error: { code: status, status: code, message } });
    if (!req.headers.authorization?.startsWith('Bearer '))
      return error(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential.');
    const match = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+)$/.exec(url.pathname);
    const service = match && this.services.get(match[1]);
    if (!match || !service) return error(404, 'NOT_FOUND', `Resource '${url.pathname}' was not found`);
    if (req.method === 'GET') return send(200, service);
    if (req.method !== 'PATCH') return error(405, 'UNIMPLEMENTED', 'method not allowed');
    if (body?.etag && body.etag !== service.etag)
      return error(409, 'ABORTED', 'The etag does not match the current one: the resource changed.');
    const mask = url.searchParams.get('updateMask');
    if (mask) {
      for (const path of mask.split(',')) {
        const keys = path.split('.');
        let from: any = body;
        let to: any = service;
        for (const key of keys.slice(0, -1)) {
          from = from?.[key];
          to = to[key] ??= {};
        }
        to[keys[keys.length - 1]] = from?.[keys[keys.length - 1]];
      }
    } else {
      // Without a mask the body replaces the service: whatever it leaves out is reset.
      for (const key of Object.keys(service)) if (!['name', 'uid', 'generation', 'etag', 'uri'].includes(key)) delete service[key];
      Object.assign(service, { ...body, name: service.name, uid: service.uid, generation: service.generation, uri: service.uri });
    }
    this.bump(service);
    const [, project, , location] = match[1].split('/');
    send(200, {
      name: `projects/${project}/locations/${location}/operations/${randomUUID()}`,
      metadata: { '@type': 'type.googleapis.com/google.cloud.run.v2.Service', name: service.name },
      done: false,
    });
  }
}
