import { ServerType } from '@hono/node-server';
import { request } from 'node:http';
import { startHttpServer } from '../../runtime/src/http-server';
import { TestRuntime, cxRequest, startRuntime } from './support/runtime-harness';

/**
 * The body limit over the real HTTP server, where the request declares its length or streams
 * it in chunks (app.request in the other tests does neither): a declared length over the limit
 * is refused before the body is read, a chunked body is counted as it arrives, and a body under
 * the limit is read whole either way.
 */
const LIMIT = 4_096;

describe('body limit on the real HTTP server', () => {
  let runtime: TestRuntime;
  let server: ServerType;
  let port: number;

  beforeAll(async () => {
    runtime = await startRuntime({ MAX_BODY_BYTES: String(LIMIT) });
    await new Promise<void>((resolve) => {
      server = startHttpServer(runtime.app.fetch, { port: 0, hostname: '127.0.0.1', timeouts: runtime.config.http }, (info) => {
        port = info.port;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await runtime.close(500);
  });

  /** POST `body` to /webhook/cx, with Content-Length or, when `chunked`, in 1 KiB chunks without it. */
  function post(body: string, chunked: boolean): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const bytes = Buffer.from(body);
      const req = request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/webhook/cx',
          headers: chunked
            ? { 'content-type': 'application/json' }
            : { 'content-type': 'application/json', 'content-length': bytes.length },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
        },
      );
      req.on('error', reject);
      if (!chunked) req.end(bytes);
      else {
        for (let i = 0; i < bytes.length; i += 1024) req.write(bytes.subarray(i, i + 1024));
        req.end();
      }
    });
  }

  test.each([
    ['Content-Length', false],
    ['chunked', true],
  ])('%s: a body under the limit is read whole and answered 200', async (_name, chunked) => {
    const res = await post(JSON.stringify(cxRequest('where is my card?')), chunked);
    expect(res.status).toBe(200);
    expect(res.json.sessionInfo).toBeDefined();
  });

  test.each([
    ['Content-Length', false],
    ['chunked', true],
  ])('%s: a body over the limit is answered 413 as JSON', async (_name, chunked) => {
    const res = await post(JSON.stringify(cxRequest('x'.repeat(LIMIT * 2))), chunked);
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ error: 'request body too large', detail: `limit is ${LIMIT} bytes` });
  });

  test('refusals are counted like any webhook response, with no tag (the body was never parsed)', async () => {
    const metric = await runtime.metrics.registry.getSingleMetricAsString('webhook_requests_total');
    expect(metric).toContain('webhook_requests_total{tag="none",protocol="cx",code="413"} 2');
  });
});
