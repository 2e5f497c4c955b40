/**
 * Scenario (a), the ceiling: a bare `node:http` handler that does only what every webhook must
 * do — read the body, parse the JSON, build a CX WebhookResponse (the text echoed into
 * sessionInfo.parameters) and serialize it. No framework, no logging, no NLP.
 *
 *   PORT=8080 node build/test/bench/runtime/bare-http-server.js
 */
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid JSON"}');
      return;
    }
    const text = typeof body?.text === 'string' ? body.text : (body?.dtmfDigits ?? '');
    const reply = JSON.stringify({
      fulfillmentResponse: { messages: [], mergeBehavior: 'APPEND' },
      sessionInfo: { parameters: { echoed_text: text, webhook_degraded: false, webhook_degraded_reasons: [] } },
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
