import { ServerType } from '@hono/node-server';
import { Socket, connect } from 'node:net';
import { startHttpServer } from '../../runtime/src/http-server';
import { TestRuntime, cxRequest, startRuntime } from './support/runtime-harness';

/**
 * A client that trickles its request (a byte at a time) must not hold a connection open: the
 * real HTTP server, raw sockets, short timeouts so the test is quick. Node checks the bounds
 * once a second, so a connection ends within its bound plus a second (plus slack for a busy machine).
 */
const HEADERS_MS = 1_000;
const REQUEST_MS = 2_000;
const CHECK_SLACK_MS = 1_000 + 1_000;

describe('slow clients are cut off; normal requests are not', () => {
  let runtime: TestRuntime;
  let server: ServerType;
  let port: number;

  beforeAll(async () => {
    runtime = await startRuntime(
      { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS) },
      {
        // A handler slower than the request timeout: the timeout counts receiving the request, not answering it.
        registerHandlers: (r) =>
          r.register('slow', {
            sideEffects: false,
            handle: async () => (await new Promise((s) => setTimeout(s, REQUEST_MS + 500)), { messages: ['done'] }),
          }),
      },
    );
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

  /** Write `head`, then `trickle` one byte every 200 ms; resolves with what came back and when the server closed. */
  function trickle(head: string, trickled: string): Promise<{ ms: number; response: string }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket: Socket = connect(port, '127.0.0.1');
      let response = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < trickled.length && !socket.destroyed) socket.write(trickled[i++]);
      }, 200);
      socket.on('data', (d) => (response += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: Date.now() - started, response });
      });
      socket.write(head);
    });
  }

  test('headers trickled byte by byte: 408 and closed within the headers timeout', async () => {
    const { ms, response } = await trickle('POST /webhook/cx HTTP/1.1\r\n', 'Host: x\r\nX-Padding: ' + 'a'.repeat(200));
    expect(ms).toBeLessThan(HEADERS_MS + CHECK_SLACK_MS);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
  });

  test('a body trickled byte by byte: 408 and closed within the request timeout', async () => {
    const body = JSON.stringify(cxRequest('a body that arrives one byte at a time'));
    const head = `POST /webhook/cx HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { ms, response } = await trickle(head, body);
    expect(ms).toBeLessThan(REQUEST_MS + CHECK_SLACK_MS);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    // The server is fine afterwards.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  test('a normal request whose handler takes longer than the request timeout is answered', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/webhook/cx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cxRequest('please take your time', 'slow')),
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('done');
  });

  test('a keep-alive connection idle longer than the headers timeout still serves its next request', async () => {
    const socket = connect(port, '127.0.0.1');
    const responses: string[] = [];
    socket.on('data', (d) => responses.push(d.toString()));
    const get = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n';
    socket.write(get);
    await new Promise((r) => setTimeout(r, HEADERS_MS + CHECK_SLACK_MS));
    expect(socket.destroyed).toBe(false);
    socket.write(get);
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
    expect(responses.join('').match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });
});
