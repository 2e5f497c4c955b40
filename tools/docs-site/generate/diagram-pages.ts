import { storageFlowDiagram, telemetryFlowDiagram } from './data-flow-diagram';
import { generatedPage } from './markdown';
import { requestPathDiagram } from './request-path-diagram';
import { constructOverview, resourceDetail, resourceGraph } from './resource-diagram';
import { SynthesizedStack } from './reference-stacks';

function stackNamed(stacks: readonly SynthesizedStack[], name: string): SynthesizedStack {
  const stack = stacks.find((s) => s.name === name);
  if (!stack) throw new Error(`the reference app has no stack "${name}" any more; update tools/docs-site/generate/diagram-pages.ts`);
  return stack;
}

export function platformResourcesPage(stacks: readonly SynthesizedStack[]): string {
  const prod = resourceGraph(stackNamed(stacks, 'prod'));
  const gke = resourceGraph(stackNamed(stacks, 'prod-gke'));
  return [
    generatedPage({
      title: 'Platform resources',
      order: 10,
      diataxis: 'explanation',
      sources: ['the synthesized reference stacks'],
      intro:
        'What the reference platform creates, drawn from the Terraform JSON that `cdktf synth` writes. Resources are ' +
        'grouped by the construct that made them; an arrow means resources of one refer to resources of the other ' +
        '(a `${type.name.attr}` reference, which is also the order Terraform creates them in). Numbers on arrows count ' +
        'the referring resources.',
    }),
    '## `prod`: constructs',
    '',
    constructOverview(prod),
    '',
    '## `prod`: resource types per construct',
    '',
    'Each box is one resource type in one construct; ×N when the construct makes several (one per region, per key purpose…).',
    '',
    resourceDetail(prod),
    '',
    '## `prod-gke`: constructs',
    '',
    'The same platform with the webhook on a hardened GKE cluster instead of Cloud Run.',
    '',
    constructOverview(gke),
    '',
  ].join('\n');
}

export function requestPathPage(repo: string): string {
  return [
    generatedPage({
      title: 'Request path through the runtime',
      order: 20,
      diataxis: 'explanation',
      sources: ['runtime/src/webhook/webhook-routes.ts', 'runtime/src/webhook/turn-processor.ts'],
      intro:
        'A Dialogflow CX webhook call, in the order the code makes its calls: the middleware of `webhookRoutes` in ' +
        'runtime/src/webhook/webhook-routes.ts, then the turn processor. Early replies (413, 401, 400, 429) stop the call; every well-formed call that gets past them ' +
        'is answered 200, degraded when a dependency failed, because Dialogflow drops any 4xx/5xx reply. Metrics, logs ' +
        'and spans are left out; the [telemetry reference](../reference/telemetry.md) lists them.',
    }),
    requestPathDiagram(repo),
    '',
  ].join('\n');
}

export function dataFlowsPage(repo: string, stacks: readonly SynthesizedStack[]): string {
  return [
    generatedPage({
      title: 'Data flows',
      order: 30,
      diataxis: 'explanation',
      sources: ['the synthesized `prod` stack', 'runtime/src/storage', 'the report commands under tools/'],
      intro:
        'Where the platform’s signals go: log events (the runtime’s, and the backup workflow’s) to the alerts that page or ' +
        'ticket someone, and the runtime’s stored rows to the reports.',
    }),
    '## Log events to alerts and runbooks (`prod`)',
    '',
    'A log event is counted by log-based metrics; alert policies watch those metrics and link a runbook.',
    '',
    telemetryFlowDiagram(stackNamed(stacks, 'prod')),
    '',
    '## Stored data to reports',
    '',
    'Writers in the runtime insert into PostgreSQL (through write-behind queues); the improvement loop’s commands read it.',
    '',
    storageFlowDiagram(repo),
    '',
  ].join('\n');
}
