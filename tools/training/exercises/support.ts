import * as fs from 'node:fs';
import * as path from 'node:path';
import { feedbackRequestSchema, scoresOf } from '../../../runtime/src/feedback/feedback-request';
import { parseNotification } from '../../../runtime/src/incident/notification';
import { frontmatter } from '../../docs-site/site-pages';
import { Exercise, REPO_ROOT, edit, json, readLearnerJson, result, sameSet, writeFiles } from '../exercise';
import { cxTurn, startTrainingRuntime } from '../training-runtime';
import { rootCauseKinds } from './incident-replay';
import { AlertSpec, SCENARIO_START, notificationLines } from './notifications';

const SESSION = 'projects/acme-convai-prod/locations/europe-west1/agents/a/sessions/cust-4471';
const CONVERSATION: ReadonlyArray<{ tag: string; text: string }> = [
  { tag: 'enrich', text: 'Hi, I need help with a card payment' },
  { tag: 'check-balance', text: 'What is my balance?' },
  { tag: 'sentiment-escalation', text: 'This is terrible, the payment failed again and I hate this app' },
  { tag: 'sentiment-escalation', text: 'Awful. Useless. I am furious, this is the worst bank' },
  { tag: 'capture-entities', text: 'It was $40 to Amazon on Monday' },
];

/**
 * Runs the conversation through the real runtime (local analyzer, ESCALATE_AFTER_NEGATIVE_TURNS=2,
 * and an application handler `check-balance` that has a bug), carrying session parameters from
 * each reply into the next request as Dialogflow does. Deterministic: the checker re-runs it.
 */
async function recordConversation(): Promise<Array<{ turn: number; request: any; reply: any }>> {
  const runtime = await startTrainingRuntime({ ESCALATE_AFTER_NEGATIVE_TURNS: '2' }, (registry) =>
    registry.register('check-balance', {
      sideEffects: false,
      handle: () => {
        throw new Error('balance service returned 500');
      },
    }),
  );
  const turns: Array<{ turn: number; request: any; reply: any }> = [];
  let parameters: Record<string, unknown> = {};
  try {
    for (const [i, t] of CONVERSATION.entries()) {
      const request = cxTurn(t.text, t.tag, {
        sessionInfo: { session: SESSION, parameters },
        detectIntentResponseId: `cust-4471-${i + 1}`,
      });
      const { body } = await runtime.post('/webhook/cx', request);
      parameters = { ...parameters, ...(body.sessionInfo?.parameters ?? {}) };
      turns.push({ turn: i + 1, request, reply: body });
    }
  } finally {
    await runtime.close();
  }
  return turns;
}

function conversationAnswers(turns: Awaited<ReturnType<typeof recordConversation>>) {
  const reasons = (t: (typeof turns)[number]): string[] => t.reply.sessionInfo?.parameters?.webhook_degraded_reasons ?? [];
  return {
    reasons: [...new Set(turns.flatMap(reasons))].sort(),
    handlerFailedTurns: turns.filter((t) => reasons(t).includes('handler-error')).map((t) => t.turn),
    handedOverAtTurn: turns.find((t) => t.reply.sessionInfo?.parameters?.escalated_to_human === true)?.turn ?? null,
  };
}

const readConversation: Exercise = {
  id: 'support-read-conversation',
  role: 'support',
  title: "Read a conversation's turns and degraded reasons",
  task: `A customer (session cust-4471) complains the bot "broke and then passed me to a person".
conversation.json holds the webhook's request and reply for each of their turns, recorded from the
real runtime. Fill answers.json: every distinct degraded reason that appears, the turns where the
application's own handler failed, and the turn at which the conversation was handed to a human.`,
  docs: [
    'docs/troubleshooting/degraded-replies.md',
    'docs/knowledge-base/why-handed-over-to-a-human.md',
    'docs/knowledge-base/find-a-conversation.md',
  ],
  start: async (dir) =>
    writeFiles(dir, {
      'conversation.json': json(await recordConversation()),
      'answers.json': json({ reasons: [], handlerFailedTurns: [], handedOverAtTurn: null }),
    }),
  solve: async (dir) => writeFiles(dir, { 'answers.json': json(conversationAnswers(await recordConversation())) }),
  check: async (dir) => {
    const hints = [
      'Each reply carries webhook_degraded and webhook_degraded_reasons in sessionInfo.parameters.',
      'docs/troubleshooting/degraded-replies.md explains every reason; escalated_to_human marks the handover.',
    ];
    const { value, problem } = readLearnerJson(dir, 'answers.json');
    if (problem) return result([problem], hints);
    const expected = conversationAnswers(await recordConversation());
    const problems: string[] = [];
    if (!sameSet(value.reasons, expected.reasons))
      problems.push(`reasons: ${JSON.stringify(value.reasons)} is not the set of degraded reasons in the conversation`);
    if (
      !sameSet((value.handlerFailedTurns ?? []).map(String), expected.handlerFailedTurns.map(String)) ||
      expected.handlerFailedTurns.length !== (value.handlerFailedTurns ?? []).length
    )
      problems.push(`handlerFailedTurns: ${JSON.stringify(value.handlerFailedTurns)} is wrong`);
    if (value.handedOverAtTurn !== expected.handedOverAtTurn) problems.push(`handedOverAtTurn: ${value.handedOverAtTurn} is wrong`);
    return result(problems, hints);
  },
};

const FEEDBACK: readonly unknown[] = [
  { session: SESSION, kind: 'csat', value: 2, comment: 'took ages, call me on +44 20 7946 0958' },
  { session: SESSION, kind: 'csat', value: 7 },
  { session: SESSION, responseId: 'cust-4471-3', kind: 'thumbs', value: 'down' },
  { session: SESSION, kind: 'thumbs', value: 'meh' },
  { session: SESSION, kind: 'csat', value: 5, languageCode: 'de' },
  { kind: 'csat', value: 4, comment: 'great' },
  { session: SESSION, kind: 'csat', value: 3, channel: 'ivr-survey' },
];

function feedbackAnswers(): Array<{ accepted: boolean; normalized: number | null }> {
  return FEEDBACK.map((f) => {
    const parsed = feedbackRequestSchema.safeParse(f);
    return parsed.success ? { accepted: true, normalized: scoresOf(parsed.data).normalized } : { accepted: false, normalized: null };
  });
}

const feedbackTriage: Exercise = {
  id: 'support-feedback-triage',
  role: 'support',
  title: 'Triage feedback the channels sent',
  task: `feedback.json lists seven ratings the chat widget and the IVR survey posted to POST /feedback.
For each, say in triage.json whether the runtime accepts it (accepted: true/false; a refused one gets
400 and is never stored) and, for accepted ones, the normalized score it is stored with (0..1: thumbs
down 0, up 1; CSAT 1 → 0 ... 5 → 1), else null.`,
  docs: ['runtime/README.md', 'docs/knowledge-base/feedback-missing-from-report.md'],
  start: (dir) =>
    writeFiles(dir, { 'feedback.json': json(FEEDBACK), 'triage.json': json(FEEDBACK.map(() => ({ accepted: null, normalized: null }))) }),
  solve: (dir) => writeFiles(dir, { 'triage.json': json(feedbackAnswers()) }),
  check: async (dir) => {
    const hints = [
      'The request format is in runtime/README.md (feedback): which fields are required, which values each kind takes, what unknown fields do.',
    ];
    const { value, problem } = readLearnerJson(dir, 'triage.json');
    if (problem) return result([problem], hints);
    const expected = feedbackAnswers();
    const problems: string[] = [];
    expected.forEach((e, i) => {
      const got = Array.isArray(value) ? value[i] : undefined;
      if (got?.accepted !== e.accepted) problems.push(`#${i + 1}: accepted should not be ${got?.accepted}`);
      else if (e.normalized === null ? got?.normalized !== null : !(Math.abs(Number(got?.normalized) - e.normalized) < 0.001))
        problems.push(`#${i + 1}: normalized ${got?.normalized} is wrong`);
    });
    return result(problems, hints);
  },
};

const ARTICLE_START = `---
title: Customer says the bot forgot what they said
diataxis: how-to
reviewed: 2025-01-15
---

# Customer says the bot forgot what they said

**Question.** "I told the bot the amount and it asked me again."

**Answer.** The webhook captures amounts and dates into the session (\`captured_price\`), see
[capturing entities](../../runtime/README.md) and, when a value is refused, the form asks again: see
[degraded replies](../troubleshooting/degraded-reply.md).
`;

function codeOwnerTeams(): Set<string> {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'CODEOWNERS'), 'utf8');
  return new Set([...text.matchAll(/@[\w.-]+\/[\w.-]+/g)].map((m) => m[0]));
}

const kbArticle: Exercise = {
  id: 'support-kb-article',
  role: 'support',
  title: 'Get a knowledge-base article ready to publish',
  task: `article.md is a draft for docs/knowledge-base/. Make it publishable by the rules the docs tests
enforce (docs/processes/documentation_maintenance.md): an owner team from CODEOWNERS, tags, a review
date within the last 180 days (not in the future), and every relative link resolving from
docs/knowledge-base/. Link at least one troubleshooting page or runbook.`,
  docs: ['docs/knowledge-base/index.md', 'docs/processes/documentation_maintenance.md'],
  start: (dir) => writeFiles(dir, { 'article.md': ARTICLE_START }),
  solve: (dir) => {
    const today = new Date().toISOString().slice(0, 10);
    edit(
      dir,
      'article.md',
      'reviewed: 2025-01-15',
      `owner: '@convai-platform/support'\nreviewed: ${today}\ntags: [forms, session, entities]`,
    );
    edit(dir, 'article.md', '../troubleshooting/degraded-reply.md', '../troubleshooting/degraded-replies.md');
  },
  check: async (dir) => {
    const hints = [
      'Compare with any article in docs/knowledge-base/: its frontmatter has everything the tests ask for.',
      'Links are relative to docs/knowledge-base/, where the article will live.',
    ];
    const file = path.join(dir, 'article.md');
    if (!fs.existsSync(file)) return result(['article.md is missing'], hints);
    const text = fs.readFileSync(file, 'utf8');
    const problems: string[] = [];
    let fm: Record<string, unknown> = {};
    try {
      fm = frontmatter(text);
    } catch (error) {
      return result([`the frontmatter is not YAML: ${(error as Error).message}`], hints);
    }
    if (typeof fm.title !== 'string' || !fm.title.trim()) problems.push('no title:');
    if (typeof fm.owner !== 'string' || !codeOwnerTeams().has(fm.owner))
      problems.push(`owner: ${String(fm.owner)} is not a team in CODEOWNERS`);
    if (!Array.isArray(fm.tags) || fm.tags.length === 0) problems.push('a knowledge-base article needs tags:');
    const reviewed = fm.reviewed instanceof Date ? fm.reviewed.toISOString().slice(0, 10) : String(fm.reviewed);
    const age = (Date.now() - Date.parse(reviewed)) / 86_400_000;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(reviewed) || Number.isNaN(age)) problems.push(`reviewed: ${reviewed} is not an ISO date`);
    else if (age > 180) problems.push(`reviewed: ${reviewed} is more than 180 days ago: review the article and date it`);
    else if (age < -1) problems.push(`reviewed: ${reviewed} is in the future`);
    const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    const base = path.join(REPO_ROOT, 'docs', 'knowledge-base');
    for (const link of links)
      if (!fs.existsSync(path.resolve(base, link))) problems.push(`link ${link} does not resolve from docs/knowledge-base/`);
    if (!links.some((l) => /troubleshooting\/|monitoring\/runbooks\//.test(path.resolve(base, l))))
      problems.push('link at least one troubleshooting page or runbook');
    return result(problems, hints);
  },
};

const ESCALATION_ALERTS: readonly AlertSpec[] = [
  {
    id: 'brk-ew1',
    kind: 'nlp-breaker-open',
    policy: 'webhook: Natural Language breaker open',
    severity: 'page',
    region: 'europe-west1',
    at: 0,
    closedAt: 3600,
  },
  {
    id: 'deg-ew1',
    kind: 'webhook-degraded-replies',
    policy: 'webhook: more than 5% of turns degraded',
    severity: 'ticket',
    region: 'europe-west1',
    at: 60,
    closedAt: 3700,
  },
  { id: 'nm', kind: 'webhook-no-match-rate', policy: 'webhook: no-match rate high', severity: 'ticket', at: 7200 },
];

const TICKETS = [
  {
    id: 'T-101',
    region: 'europe-west1',
    at: new Date((SCENARIO_START + 600) * 1000).toISOString(),
    report: 'Bot answers but ignores how angry I am',
  },
  {
    id: 'T-102',
    region: 'us-central1',
    at: new Date((SCENARIO_START + 900) * 1000).toISOString(),
    report: 'Bot says something went wrong',
  },
  {
    id: 'T-103',
    region: 'europe-west1',
    at: new Date((SCENARIO_START + 9000) * 1000).toISOString(),
    report: 'Bot never understands my question',
  },
  { id: 'T-104', region: 'europe-west1', at: new Date((SCENARIO_START + 5000) * 1000).toISOString(), report: 'Bot was slow this morning' },
];

/** Per ticket: the alert kind to link it to (the root cause among alerts open in its region at its time), or escalate. */
function escalationAnswers(): Record<string, { action: 'link' | 'escalate'; alert: string | null }> {
  const alerts = notificationLines(ESCALATION_ALERTS)
    .split('\n')
    .filter(Boolean)
    .map((l) => parseNotification(JSON.parse(l)))
    .filter((a) => a.state === 'open');
  const closed = new Map(ESCALATION_ALERTS.map((a) => [a.id, a.closedAt === undefined ? Infinity : SCENARIO_START + a.closedAt]));
  return Object.fromEntries(
    TICKETS.map((t) => {
      const at = Date.parse(t.at) / 1000;
      const open = alerts.filter((a) => (a.region === undefined || a.region === t.region) && a.startedAt <= at && at < closed.get(a.id)!);
      const roots = rootCauseKinds(open);
      return [t.id, roots.length > 0 ? { action: 'link', alert: roots[0] } : { action: 'escalate', alert: null }];
    }),
  );
}

const escalation: Exercise = {
  id: 'support-escalation',
  role: 'support',
  title: 'Link tickets to incidents, escalate the rest',
  task: `Four customer tickets arrived (tickets.json) while the alerts in notifications.jsonl fired. For each
ticket decide in escalation.json: "link" it to an alert that was open in the customer's region at the
ticket's time (name the alert kind that explains the others, the one whose runbook SRE follows), or
"escalate" it to on-call because no open alert covers it (alert: null).`,
  docs: ['docs/knowledge-base/bot-did-not-understand.md', 'docs/monitoring/runbooks/nlp-breaker-open.md', 'docs/knowledge-base/index.md'],
  start: (dir) =>
    writeFiles(dir, {
      'notifications.jsonl': notificationLines(ESCALATION_ALERTS),
      'tickets.json': json(TICKETS),
      'escalation.json': json(Object.fromEntries(TICKETS.map((t) => [t.id, { action: null, alert: null }]))),
    }),
  solve: (dir) => writeFiles(dir, { 'escalation.json': json(escalationAnswers()) }),
  check: async (dir) => {
    const hints = [
      'An alert covers a ticket from started_at until ended_at (open ones until now), in its region; an alert without a region covers all.',
      'When several alerts cover a ticket, the runbooks say which one explains the others (ALERT_DEPENDENCIES).',
    ];
    const { value, problem } = readLearnerJson(dir, 'escalation.json');
    if (problem) return result([problem], hints);
    const problems: string[] = [];
    for (const [id, e] of Object.entries(escalationAnswers())) {
      const got = value?.[id];
      if (got?.action !== e.action) problems.push(`${id}: action ${got?.action} is wrong`);
      else if ((got.alert ?? null) !== e.alert) problems.push(`${id}: alert ${got.alert} is not the one to link`);
    }
    return result(problems, hints);
  },
};

export const SUPPORT_EXERCISES: readonly Exercise[] = [readConversation, feedbackTriage, kbArticle, escalation];
