/**
 * The runtime's log events are a contract with SloAlerting's log-based metrics: a metric whose
 * filter or extractor names a field the runtime does not write counts nothing, silently, and its
 * dashboard widget and alert go blind. This test synthesizes ConversationMetrics, collects every
 * `jsonPayload.<field>` each metric reads per event, drives a real runtime (on a real Postgres)
 * through turns, an escalation, an experiment exposure and feedback, and checks the fields are
 * there in the events it logged.
 */
import { Testing } from 'cdktf';
import { ConversationMetrics } from '../../constructs/slo-alerting/conversation-metrics';
import { PostgresServer } from '../runtime/support/local-servers';
import { TestRuntime, cxRequest, startRuntime } from '../runtime/support/runtime-harness';

/** Events the improvement loop and the webhook produce in this test (breaker events are covered in telemetry.test.ts). */
const DRIVEN_EVENTS = ['webhook.turn', 'feedback.received', 'conversation.ended', 'experiment.exposure'];

function fieldsReadPerEvent(): Map<string, Set<string>> {
  const json = JSON.parse(
    Testing.synthScope(
      (scope) => new ConversationMetrics(scope, 'metrics', { prefix: 'convai', logFilter: 'resource.type="cloud_run_revision"' }),
    ),
  );
  const out = new Map<string, Set<string>>();
  for (const metric of Object.values(json.resource.google_logging_metric) as Array<Record<string, any>>) {
    const event = /jsonPayload\.event="([^"]+)"/.exec(metric.filter)?.[1];
    if (!event) continue;
    const text = [metric.filter, metric.value_extractor ?? '', ...Object.values(metric.label_extractors ?? {})].join(' ');
    const fields = out.get(event) ?? new Set<string>();
    for (const m of text.matchAll(/jsonPayload\.([A-Za-z]+)/g)) if (m[1] !== 'event') fields.add(m[1]);
    out.set(event, fields);
  }
  return out;
}

describe('log-based metrics read fields the runtime writes', () => {
  let postgres: PostgresServer;
  let rt: TestRuntime;

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    rt = await startRuntime({
      DATABASE_URL: postgres.url,
      ESCALATE_AFTER_NEGATIVE_TURNS: '1',
      EXPERIMENTS_JSON: JSON.stringify({
        version: 1,
        experiments: [
          {
            id: 'contract',
            variants: [
              { name: 'a', weight: 1 },
              { name: 'b', weight: 1 },
            ],
            metrics: { primary: 'csat' },
          },
        ],
      }),
    });
    const session = { sessionInfo: { session: 'projects/p/locations/global/agents/a/sessions/contract-1', parameters: {} } };
    await rt.post('/webhook/cx', cxRequest('This is terrible and I hate it', 'sentiment-escalation', session));
    for (const rating of [
      { kind: 'thumbs', value: 'up' },
      { kind: 'csat', value: 2, comment: 'slow' },
    ]) {
      await rt.post('/feedback', { session: session.sessionInfo.session, ...rating });
    }
  });
  afterAll(async () => {
    await rt?.close(2_000);
    await postgres?.destroy();
  });

  test('every field each metric reads is present in the events the runtime logged', () => {
    const read = fieldsReadPerEvent();
    for (const event of DRIVEN_EVENTS) expect({ event, readByMetrics: read.has(event) }).toEqual({ event, readByMetrics: true });
    for (const event of DRIVEN_EVENTS) {
      const logged = rt.logs.events(event);
      expect({ event, logged: logged.length > 0 }).toEqual({ event, logged: true });
      const missing = [...read.get(event)!].filter((field) => !logged.some((line) => line[field] !== undefined));
      expect({ event, missing }).toEqual({ event, missing: [] });
    }
  });
});
