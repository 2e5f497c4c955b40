/**
 * The reference pages and diagrams under docs/reference and docs/diagrams are generated from the
 * code. Regenerated here from the current code (stacks synthesized in-process), they must equal
 * what is committed: a renamed variable, metric, log field, alert threshold or policy rule, or a
 * resource added to a stack, fails this test until `npm run docs:generate` is run and committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDocs } from '../../tools/docs-site/generate/generate-docs';
import { environmentVariables } from '../../tools/docs-site/generate/environment-reference';
import { logEvents } from '../../tools/docs-site/generate/log-events';
import { webhookRequestSteps } from '../../tools/docs-site/generate/request-path-diagram';
import { POLICY_RULES } from '../../constructs/core/policy-pack/catalog';

const REPO = path.resolve(__dirname, '../..');

describe('generated documentation', () => {
  let generated: Map<string, string>;
  beforeAll(() => {
    generated = generateDocs(REPO);
  }, 120_000);

  test('every generated page is committed as generated (run `npm run docs:generate` if not)', () => {
    const stale = [...generated].filter(([file, text]) => {
      const committed = path.join(REPO, file);
      return !fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== text;
    });
    expect(stale.map(([file]) => file)).toEqual([]);
  });

  test('the environment reference lists every variable of the runtime schema with its default', () => {
    const page = generated.get('docs/reference/environment-variables.md')!;
    const variables = environmentVariables();
    expect(variables.find((v) => v.name === 'WEBHOOK_BUDGET_MS')).toEqual({
      name: 'WEBHOOK_BUDGET_MS',
      accepts: 'integer 200..30000',
      default: '4500',
      required: false,
    });
    for (const v of variables) expect(page).toContain(`\`${v.name}\``);
    // Read directly from process.env, outside the schema: listed separately so it is not forgotten.
    expect(page).toMatch(/## Read outside the schema[\s\S]*`PII_EXTRA_PATTERNS`/);
  });

  test('log events are found with their fields, including the ones the log-based metrics read', () => {
    const turn = logEvents(REPO).find((e) => e.event === 'webhook.turn')!;
    expect(turn.fields).toEqual(expect.arrayContaining(['tag', 'degraded', 'latencyMs', 'qualityScore', 'region']));
    expect(generated.get('docs/reference/telemetry.md')).toMatch(/`webhook\.turn`.*`degraded`\\\*/);
  });

  test('every policy rule and every alert’s runbook are in the reference', () => {
    const catalog = generated.get('docs/reference/policy-catalog.md')!;
    for (const rule of POLICY_RULES) expect(catalog).toContain(`\n## ${rule.id}\n`);
    expect(catalog).not.toContain('no checkov check'); // every rule has its checkov implementation, and its category
    expect(catalog).not.toContain('**Category:** —');
    const alerts = generated.get('docs/reference/alerts.md')!;
    expect(alerts).not.toContain('**none**');
    for (const [, runbook] of alerts.matchAll(/\]\(\.\.\/monitoring\/runbooks\/([\w-]+)\.md\)/g)) {
      expect(fs.existsSync(path.join(REPO, 'docs/monitoring/runbooks', `${runbook}.md`))).toBe(true);
    }
  });

  test('the request path follows the code: authenticate, parse, rate-limit, then process', () => {
    const calls = webhookRequestSteps(REPO)
      .filter((s) => s.kind === 'call')
      .map((s) => (s.kind === 'call' ? `${s.to}.${s.method}` : ''));
    const order = [
      'authenticator.authenticate',
      'processor.accept',
      'rateLimiter.consume',
      'turn.reply',
      'idempotency.once',
      'enricher.enrich',
    ];
    expect(order.map((call) => calls.indexOf(call))).toEqual([...order.map((call) => calls.indexOf(call))].sort((a, b) => a - b));
    expect(order.every((call) => calls.includes(call))).toBe(true);
    expect(calls).toEqual(expect.arrayContaining(['enricher.enrich', 'handler.handle']));
  });
});
