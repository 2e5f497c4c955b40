import { Client } from 'pg';
import { RuntimeProcess } from './runtime-process';
import { DEFAULT_SHAPE, Utterance, loadBanking77, realisticSequence, rng } from '../corpus/banking77';
import { Parameters, mergeReplyParameters } from '../corpus/cx-session-parameters';
import { SimulatedTurn, SimulatedUsers } from './simulated-user';

export interface ReplayOptions {
  readonly databaseUrl: string;
  /** Repository root: BANKING77 is read from ../shared/corpora beside it, the runtime from runtime/dist. */
  readonly repoRoot: string;
  /** What users say, with the intent each utterance belongs to. @default BANKING77 from ../shared/corpora */
  readonly utterances?: readonly Utterance[];
  /** Conversations to play. @default 600 */
  readonly conversations?: number;
  /** The experiments document the runtime runs with. @default none */
  readonly experimentsFile?: string;
  /** Spread the conversations over the last N days (their stored timestamps are moved back). @default 14 */
  readonly days?: number;
  /** Seed for the corpus order and the simulated users. @default 7 */
  readonly seed?: number;
  /** Extra runtime environment, e.g. NLP_API_ENDPOINT of a Natural Language emulator. */
  readonly env?: Record<string, string>;
  /** Session name prefix; sessions are `<agent>/environments/prod/sessions/<prefix>-<n>`. @default replay-<seed> */
  readonly sessionPrefix?: string;
}

export interface ReplaySummary {
  readonly conversations: number;
  readonly turns: number;
  readonly feedback: number;
  readonly escalated: number;
}

const AGENT = 'projects/acme-bank/locations/global/agents/banking-assistant';
/** The agent environment the sessions run in (what experiments' `targeting.environments` matches). */
const ENVIRONMENT = 'production';
const FLOW = `${AGENT}/flows/00000000-0000-0000-0000-000000000000`;

/**
 * Plays BANKING77 conversations through a real runtime (`runtime/dist/main.js`, started as its
 * own process, over HTTP) into a real Postgres: every turn is a CX webhook call whose reply's parameters
 * feed the next turn, as Dialogflow does, and some users rate the conversation through
 * `POST /feedback`. What lands in the database — turn events, conversations and their scores,
 * exposures, feedback — is written by the runtime itself; only the timestamps are spread over
 * the last `days` days afterwards, so trends have something to show.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const seed = options.seed ?? 7;
  const count = options.conversations ?? 600;
  const prefix = options.sessionPrefix ?? `replay-${seed}`;
  const utterances = options.utterances ?? loadBanking77(options.repoRoot).utterances;
  // Enough turns for `count` conversations of DEFAULT_SHAPE (2-5 turns), then trimmed.
  const conversations = realisticSequence(utterances, count * DEFAULT_SHAPE.maxTurns, { ...DEFAULT_SHAPE, seed }).slice(0, count);
  const users = new SimulatedUsers(seed);
  const runtime = await RuntimeProcess.start(options.repoRoot, {
    NODE_ENV: 'development',
    AUTH_MODE: 'none',
    DATABASE_URL: options.databaseUrl,
    NLP_MODE: 'local',
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
    ...(options.experimentsFile && { EXPERIMENTS_FILE: options.experimentsFile }),
    ...options.env,
  });
  const post = (path: string, body: unknown) => runtime.post(path, body);

  let turns = 0;
  let feedback = 0;
  let escalated = 0;
  const sessions: string[] = [];
  try {
    for (let i = 0; i < conversations.length; i++) {
      const session = `${AGENT}/environments/${ENVIRONMENT}/sessions/${prefix}-${i}`;
      sessions.push(session);
      let parameters: Parameters = {};
      let handedOff = false;
      let noMatchTurns = 0;
      const simulated = users.turns(conversations[i]);
      for (let t = 0; t < simulated.length && !handedOff; t++) {
        const responseId = `${prefix}-${i}-${t}`;
        const reply = await post('/webhook/cx', cxRequest(simulated[t], session, responseId, parameters));
        parameters = mergeReplyParameters(parameters, reply);
        handedOff = reply.includes('"liveAgentHandoff"');
        if (simulated[t].kind !== 'ack' && simulated[t].kind !== 'dtmf' && !simulated[t].intent) noMatchTurns++;
        turns++;
      }
      if (handedOff) escalated++;
      const quality = parameters.convai_quality as { turns?: number; repeatedTurns?: number } | undefined;
      const rating = users.feedback(
        { turns: quality?.turns ?? simulated.length, noMatchTurns, repeatedTurns: quality?.repeatedTurns ?? 0, escalated: handedOff },
        simulated[0]?.text ?? '',
      );
      if (rating) {
        await post('/feedback', { session, kind: rating.kind, value: rating.value, comment: rating.comment, languageCode: 'en' });
        feedback++;
      }
    }
  } finally {
    // SIGTERM: the runtime drains its write-behind queues into the database before it exits.
    await runtime.stop();
  }
  await spreadOverDays(options.databaseUrl, sessions, options.days ?? 14, seed);
  return { conversations: conversations.length, turns, feedback, escalated };
}

function cxRequest(turn: SimulatedTurn, session: string, responseId: string, parameters: Parameters): Record<string, unknown> {
  const query = turn.kind === 'dtmf' ? { dtmfDigits: turn.text } : { text: turn.text };
  return {
    detectIntentResponseId: responseId,
    ...(turn.intent && {
      intentInfo: { lastMatchedIntent: `${AGENT}/intents/${turn.intent}`, displayName: turn.intent, confidence: turn.confidence },
    }),
    ...(!turn.intent && turn.kind !== 'ack' && turn.kind !== 'dtmf' && { intentInfo: { matchType: 'NO_MATCH' } }),
    pageInfo: { currentPage: `${FLOW}/pages/${turn.page.toLowerCase()}`, displayName: turn.page },
    sessionInfo: { session, parameters },
    // Every turn goes through the escalation handler, so escalation experiments have traffic.
    fulfillmentInfo: { tag: 'sentiment-escalation' },
    ...query,
    languageCode: 'en',
  };
}

/** Move each replayed session's rows back by a whole number of days (0..days-1), seeded. */
async function spreadOverDays(databaseUrl: string, sessions: string[], days: number, seed: number): Promise<void> {
  if (days <= 1 || sessions.length === 0) return;
  const random = rng(seed + 1);
  const offsets = sessions.map(() => Math.floor(random() * days));
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const shift = (table: string, columns: string[]) =>
      client.query(
        `UPDATE ${table} t SET ${columns.map((c) => `${c} = t.${c} - make_interval(days => v.days)`).join(', ')}
           FROM unnest($1::text[], $2::int[]) AS v(session_id, days) WHERE t.session_id = v.session_id`,
        [sessions, offsets],
      );
    await shift('turn_events', ['created_at']);
    await shift('conversations', ['started_at', 'updated_at']);
    await shift('feedback', ['received_at']);
    await shift('experiment_exposures', ['exposed_at']);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
}
