/**
 * Scenario (b), the naive pattern of the official samples: an Express handler that calls
 * `analyzeSentiment` then `analyzeEntities` for every turn with the real
 * `@google-cloud/language` v2 client and its default call settings (no timeout or retry
 * overrides: the library's 600 s timeout with retries), no cache, no skipping.
 *
 *   PORT=8081 NLP_API_PORT=<fake port> node build/test/bench/runtime/naive-express-server.js
 */
import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/language';
import express from 'express';

const client = new v2.LanguageServiceClient({
  apiEndpoint: process.env.NLP_API_ENDPOINT ?? '127.0.0.1',
  port: Number(process.env.NLP_API_PORT),
  sslCreds: grpc.credentials.createInsecure(),
  universeDomain: 'googleapis.com',
});

const app = express();
app.use(express.json({ limit: '256kb' }));
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/webhook/cx', async (req, res) => {
  const text: string = req.body?.text ?? '';
  const document = { content: text, type: 'PLAIN_TEXT' as const, languageCode: 'en' };
  try {
    const [sentiment] = await client.analyzeSentiment({ document });
    const [entities] = await client.analyzeEntities({ document });
    res.json({
      fulfillmentResponse: { messages: [] },
      sessionInfo: {
        parameters: {
          sentiment_score: sentiment.documentSentiment?.score ?? 0,
          sentiment_magnitude: sentiment.documentSentiment?.magnitude ?? 0,
          entities: (entities.entities ?? []).map((e) => ({ name: e.name, type: String(e.type) })),
        },
      },
    });
  } catch (error) {
    res.status(500).json({ error: String(error) });
  }
});
const server = app.listen(Number(process.env.PORT ?? 8081), '127.0.0.1');
server.keepAliveTimeout = 60_000;
process.on('SIGTERM', () => {
  void client.close();
  server.close(() => process.exit(0));
});
