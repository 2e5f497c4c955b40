import * as path from 'node:path';
import { POLICY_RULES } from '../../../constructs/core/policy-pack/catalog';
import { HandlerDefinition } from '../../../runtime/src/handlers/handler-registry';
import { Exercise, edit, json, result, writeFiles } from '../exercise';
import { loadLearnerModule } from '../learner-module';
import { synthLearnerStack } from '../learner-stack';
import { cxReplyProblems, cxTurn, replyTexts, startTrainingRuntime } from '../training-runtime';
import { cloudRunStack } from './cloud-run-stack';

const HANDLER_START = `import { HandlerDefinition } from '../../runtime/src/handlers/handler-registry';

/**
 * order-status: tells the customer their order is on its way, quoting the amount they mentioned
 * ("Where is my order of $40?"), and stores it in the session as order_amount. When no amount was
 * mentioned it asks for one. The checker registers this handler in the real runtime and sends turns.
 */
export const handler: HandlerDefinition = {
  sideEffects: false,
  handle: ({ nlp }) => {
    const price = nlp.analysis.entities!.find((e) => e.type === 'price')!;
    return { messages: ['Your order of ' + price.name + ' is on its way.'] };
  },
};
`;

const HANDLER_SOLUTION = `import { HandlerDefinition } from '../../runtime/src/handlers/handler-registry';

export const handler: HandlerDefinition = {
  // Entities are analyzed (and billed) only for handlers that ask for them.
  features: ['entities'],
  sideEffects: false,
  handle: ({ nlp }) => {
    const price = (nlp.analysis.entities ?? []).find((e) => e.type === 'PRICE');
    if (!price) return { messages: ['Which order do you mean? Tell me the amount you paid.'] };
    return { messages: [\`Your order of \${price.name} is on its way.\`], parameters: { order_amount: price.name } };
  },
};
`;

const failingHandler: Exercise = {
  id: 'dev-failing-handler',
  role: 'development',
  title: 'Fix a handler that fails in the runtime',
  task: `handler.ts is the \`order-status\` fulfillment handler. In the runtime it fails on every turn:
the customer hears the agent's fallback and the reply is flagged degraded. Make it quote the amount
the customer mentioned and store it as the session parameter order_amount, and ask for the amount
when there is none, with a reply CX accepts (checked against Google's webhook.proto).`,
  docs: ['runtime/README.md', 'docs/troubleshooting/degraded-replies.md'],
  start: (dir) => writeFiles(dir, { 'handler.ts': HANDLER_START }),
  solve: (dir) => writeFiles(dir, { 'handler.ts': HANDLER_SOLUTION }),
  check: async (dir) => {
    const hints = [
      'A handler only gets the NLP features it lists in `features` (runtime/README.md, handlers).',
      'Entity types are upper case, as Natural Language names them: PRICE, DATE, ...',
      'Send the turn yourself: npm start, then curl a CX request with fulfillmentInfo.tag "order-status".',
    ];
    let handler: HandlerDefinition | undefined;
    try {
      handler = loadLearnerModule<{ handler?: HandlerDefinition }>(path.join(dir, 'handler.ts')).handler;
    } catch (error) {
      return result([`handler.ts does not load: ${(error as Error).message}`], hints);
    }
    if (!handler || typeof handler.handle !== 'function') return result(['handler.ts must export const handler: HandlerDefinition'], hints);
    const runtime = await startTrainingRuntime({}, (registry) => registry.register('order-status', handler!));
    const problems: string[] = [];
    try {
      const withAmount = await runtime.post('/webhook/cx', cxTurn('Where is my order of $40 from last week?', 'order-status'));
      const without = await runtime.post('/webhook/cx', cxTurn('Where is my order?', 'order-status'));
      for (const [name, reply] of [
        ['with an amount', withAmount],
        ['without an amount', without],
      ] as const) {
        if (reply.status !== 200) {
          problems.push(`turn ${name}: HTTP ${reply.status}`);
          continue;
        }
        problems.push(...cxReplyProblems(reply.body).map((p) => `turn ${name}: not a valid WebhookResponse: ${p}`));
        const reasons: string[] = reply.body.sessionInfo?.parameters?.webhook_degraded_reasons ?? [];
        const own = reasons.filter((r) => r !== 'nlp-local-mode');
        if (own.length > 0) problems.push(`turn ${name}: degraded (${own.join(', ')}): the handler failed`);
        if (replyTexts(reply.body).length === 0) problems.push(`turn ${name}: the reply says nothing`);
      }
      if (!replyTexts(withAmount.body).some((t) => t.includes('$40'))) problems.push('the reply to "my order of $40" does not quote $40');
      if (withAmount.body.sessionInfo?.parameters?.order_amount !== '$40') problems.push('session parameter order_amount is not "$40"');
    } finally {
      await runtime.close();
    }
    return result(problems, hints);
  },
};

const FORM_CASES: ReadonlyArray<{ name: string; value: unknown; state?: 'INVALID' | 'FILLED'; normalized?: unknown }> = [
  { name: 'amount', value: 250 },
  { name: 'amount', value: -5, state: 'INVALID' },
  { name: 'amount', value: 20000, state: 'INVALID' },
  { name: 'amount', value: '1,200', state: 'FILLED', normalized: 1200 },
  { name: 'account', value: '12345678' },
  { name: 'account', value: '1234', state: 'INVALID' },
  { name: 'currency', value: 'eur', state: 'FILLED', normalized: 'EUR' },
  { name: 'currency', value: 'JPY', state: 'INVALID' },
];

const formRules: Exercise = {
  id: 'dev-form-rules',
  role: 'development',
  title: 'Form validation rules for the validate-form handler',
  task: `The transfer page's form collects amount, account and currency. Write form-rules.json
(FORM_RULES_FILE, runtime/src/handlers/form-validation.ts) so that: an amount is a number from 1 to
10,000 ("1,200" becomes 1200) and an invalid one is re-asked with a reprompt; an account is exactly
8 digits; a currency is one of EUR, USD, GBP in any case ("eur" becomes "EUR"). The checker starts the
runtime with your file and sends form turns to the validate-form handler.`,
  docs: ['runtime/README.md', 'docs/troubleshooting/runtime-startup.md'],
  start: (dir) => writeFiles(dir, { 'form-rules.json': json({ version: 1, parameters: {} }) }),
  solve: (dir) =>
    writeFiles(dir, {
      'form-rules.json': json({
        version: 1,
        parameters: {
          amount: { type: 'number', min: 1, max: 10000, reprompt: 'How much would you like to send, between 1 and 10,000?' },
          account: { type: 'string', pattern: '^[0-9]{8}$' },
          currency: { type: 'string', allowed: ['EUR', 'USD', 'GBP'] },
        },
      }),
    }),
  check: async (dir) => {
    const hints = [
      'The rule fields are documented at the top of runtime/src/handlers/form-validation.ts.',
      'A runtime refusing to start names the field: docs/troubleshooting/runtime-startup.md.',
    ];
    let runtime;
    try {
      runtime = await startTrainingRuntime({ FORM_RULES_FILE: path.join(dir, 'form-rules.json') });
    } catch (error) {
      return result([`the runtime refuses form-rules.json: ${(error as Error).message}`], hints);
    }
    const problems: string[] = [];
    try {
      for (const c of FORM_CASES) {
        const turn = cxTurn('', 'validate-form', {
          pageInfo: {
            currentPage: 'projects/p/locations/global/agents/a/flows/f/pages/transfer',
            displayName: 'Transfer',
            formInfo: { parameterInfo: [{ displayName: c.name, required: true, state: 'FILLED', value: c.value, justCollected: true }] },
          },
        });
        const reply = await runtime.post('/webhook/cx', turn);
        const info = (reply.body?.pageInfo?.formInfo?.parameterInfo ?? [])[0];
        const label = `${c.name} = ${JSON.stringify(c.value)}`;
        if (c.state === undefined && info) problems.push(`${label} is valid and already canonical, but the reply marks it ${info.state}`);
        if (c.state !== undefined && info?.state !== c.state)
          problems.push(`${label} should come back ${c.state}, got ${info?.state ?? 'untouched'}`);
        if (c.normalized !== undefined && info?.value !== c.normalized)
          problems.push(`${label} should be normalized to ${JSON.stringify(c.normalized)}`);
        if (c.name === 'amount' && c.state === 'INVALID' && replyTexts(reply.body).length === 0)
          problems.push(`${label}: no reprompt is said`);
      }
    } finally {
      await runtime.close();
    }
    return result(problems, hints);
  },
};

const suppression: Exercise = {
  id: 'dev-reasoned-suppression',
  role: 'development',
  title: 'Accept a policy finding on purpose, with a reason',
  task: `stack.ts adds export-worker, a production batch service that nobody waits for: it runs from a
queue, so it scales to zero on purpose and must keep minInstanceCount: 0. Synth refuses it (\`check\`
synthesizes it and runs the policy pack, as synth does). Keep the
configuration and record the exception the way the library asks (PolicySuppressions.add, on the
service only, for that check only, with a reason a reviewer can judge).`,
  docs: ['policies/README.md', 'docs/troubleshooting/policy-checks.md'],
  start: (dir) =>
    writeFiles(dir, {
      'stack.ts': cloudRunStack({ serviceName: 'export-worker', ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY', minInstances: 0 }),
    }),
  solve: (dir) =>
    edit(
      dir,
      'stack.ts',
      '  void service;',
      "  PolicySuppressions.add(service, 'CKV_CONVAI_2', 'export-worker runs from a queue that tolerates cold starts; nobody waits on it, so no warm instance is paid for.');\n  void service;",
    ),
  check: async (dir) => {
    const hints = [
      'The synth error names the check id; PolicySuppressions.add(scope, checkId, reason) is in constructs/core/policy-suppressions.ts.',
    ];
    const { stack, problem } = synthLearnerStack(dir);
    if (!stack) return result([problem!], hints);
    const problems = [...stack.violations];
    const service = stack.resources.google_cloud_run_v2_service?.['export-worker'];
    const min = service?.template?.scaling?.min_instance_count;
    if (!service) problems.push('the export-worker service is gone');
    else if (min !== 0) problems.push(`min_instance_count is ${min}: the decision is to scale to zero, keep 0 and record the exception`);
    if (!stack.suppressions.some((s) => s.check_id === 'CKV_CONVAI_2' && s.resource === 'google_cloud_run_v2_service.export-worker'))
      problems.push('no CKV_CONVAI_2 suppression recorded on export-worker');
    const others = stack.suppressions.filter((s) => s.check_id !== 'CKV_CONVAI_2');
    if (others.length > 0)
      problems.push(`suppressions of other checks (${others.map((s) => s.check_id).join(', ')}): suppress only what you accept`);
    return result(problems, hints);
  },
};

const RULE_START = `import { PolicyRule } from '../../constructs/core/policy-catalog';

/**
 * A new check for the policy pack: every container of a Cloud Run v2 service sets a memory limit
 * (template.containers[].resources.limits.memory), so one leaking request cannot take the instance's
 * whole memory. evaluate() gets one resource block as it is in cdk.tf.json: return undefined when it
 * passes, else what is wrong.
 */
export const rule: PolicyRule = {
  id: 'CKV_CONVAI_90',
  title: 'Cloud Run service containers set a memory limit',
  fix: 'set resources.limits.memory on every container',
  resourceTypes: ['google_cloud_run_v2_service'],
  evaluate: () => undefined,
};
`;

const RULE_SOLUTION = RULE_START.replace(
  '  evaluate: () => undefined,',
  `  evaluate: (block) => {
    const template = Array.isArray(block.template) ? block.template[0] : block.template;
    const containers: any[] = Array.isArray(template?.containers) ? template.containers : template?.containers ? [template.containers] : [];
    if (containers.length === 0) return 'template.containers is empty';
    const without = containers.filter((c) => {
      const resources = Array.isArray(c.resources) ? c.resources[0] : c.resources;
      return !resources?.limits?.memory;
    });
    return without.length > 0 ? \`\${without.length} container(s) without resources.limits.memory\` : undefined;
  },`,
);

/** Resource blocks to judge a rule on, synthesized from real provider classes. */
function ruleFixtures(dir: string): { good: any[]; bad: any[] } {
  const variants = {
    good: cloudRunStack({ serviceName: 'webhook', ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', minInstances: 1 }),
    bad: cloudRunStack({ serviceName: 'webhook', ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', minInstances: 1 }).replace(
      "resources: { limits: { cpu: '1', memory: '512Mi' } },",
      "resources: { limits: { cpu: '1' } },",
    ),
    sidecar: cloudRunStack({ serviceName: 'webhook', ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', minInstances: 1 }).replace(
      '        },\n      ],',
      "        },\n        { name: 'otel', image: 'otel/opentelemetry-collector@sha256:" + 'b'.repeat(64) + "' },\n      ],",
    ),
  };
  const blocks: Record<string, any> = {};
  for (const [name, source] of Object.entries(variants)) {
    writeFiles(path.join(dir, '.fixtures'), { [`${name}.ts`]: source.replace(/'\.\.\/\.\.\/constructs/g, "'../../../constructs") });
    const { stack, problem } = synthLearnerStack(path.join(dir, '.fixtures'), `${name}.ts`);
    if (!stack) throw new Error(`training fixture ${name} does not synthesize: ${problem}`);
    blocks[name] = stack.resources.google_cloud_run_v2_service.webhook;
  }
  return { good: [blocks.good], bad: [blocks.bad, blocks.sidecar] };
}

const policyRule: Exercise = {
  id: 'dev-policy-rule',
  role: 'development',
  title: 'Write a check for the policy pack',
  task: `rule.ts is a new rule for the synth-time policy pack (constructs/core/policy-catalog.ts). Write
its evaluate(): every container of a Cloud Run v2 service must set resources.limits.memory. The
checker runs your rule on services synthesized from the provider classes: one correct, one whose only
container has no memory limit, one with a sidecar container without limits.`,
  docs: ['policies/README.md', 'docs/troubleshooting/policy-checks.md'],
  start: (dir) => writeFiles(dir, { 'rule.ts': RULE_START }),
  solve: (dir) => writeFiles(dir, { 'rule.ts': RULE_SOLUTION }),
  check: async (dir) => {
    const hints = [
      'Synthesize a stack and read cdk.tf.json: nested blocks appear as objects or one-element lists; look at how policy-catalog.ts reads template.',
      'A rule must also pass the correct service: return undefined there.',
    ];
    let rule: any;
    try {
      rule = loadLearnerModule<{ rule?: any }>(path.join(dir, 'rule.ts')).rule;
    } catch (error) {
      return result([`rule.ts does not load: ${(error as Error).message}`], hints);
    }
    if (!rule || typeof rule.evaluate !== 'function') return result(['rule.ts must export const rule with an evaluate function'], hints);
    const problems: string[] = [];
    if (!/^CKV2?_[A-Z0-9]+_\d+$/.test(rule.id ?? '')) problems.push(`id ${rule.id} is not a check id like CKV_CONVAI_90`);
    if (POLICY_RULES.some((r) => r.id === rule.id)) problems.push(`id ${rule.id} is taken by an existing rule: ids are never reused`);
    if (!(rule.resourceTypes ?? []).includes('google_cloud_run_v2_service'))
      problems.push('resourceTypes must include google_cloud_run_v2_service');
    const { good, bad } = ruleFixtures(dir);
    const run = (block: any): string | undefined | Error => {
      try {
        return rule.evaluate(block, 'google_cloud_run_v2_service');
      } catch (error) {
        return error as Error;
      }
    };
    for (const block of good) {
      const r = run(block);
      if (r !== undefined) problems.push(`a service whose container sets a memory limit fails your rule: ${String(r)}`);
    }
    const names = ['a service whose container has no memory limit', 'a service with a sidecar container without limits'];
    bad.forEach((block, i) => {
      const r = run(block);
      if (r instanceof Error) problems.push(`${names[i]}: evaluate threw ${r.message}`);
      else if (typeof r !== 'string' || r.trim() === '') problems.push(`${names[i]} passes your rule`);
    });
    return result(problems, hints);
  },
};

export const DEVELOPMENT_EXERCISES: readonly Exercise[] = [failingHandler, formRules, suppression, policyRule];
