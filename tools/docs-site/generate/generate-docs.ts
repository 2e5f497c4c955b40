import { alertsReferencePage } from './alerts-reference';
import { dataFlowsPage, platformResourcesPage, requestPathPage } from './diagram-pages';
import { environmentReferencePage } from './environment-reference';
import { formatWithPrettier } from './format-with-prettier';
import { policyReferencePage } from './policy-reference';
import { synthesizeReferenceStacks } from './reference-stacks';
import { telemetryReferencePage } from './telemetry-reference';

/**
 * Every page `npm run docs:generate` writes, by repository-relative path, formatted the way
 * `prettier --check` expects (so a fresh clone's lint passes and the freshness test compares
 * like with like).
 */
export function generateDocs(repo: string): Map<string, string> {
  const stacks = synthesizeReferenceStacks();
  const pages = new Map<string, string>([
    ['docs/reference/environment-variables.md', environmentReferencePage(repo)],
    ['docs/reference/telemetry.md', telemetryReferencePage(repo, stacks)],
    ['docs/reference/alerts.md', alertsReferencePage(stacks)],
    ['docs/reference/policy-catalog.md', policyReferencePage(repo)],
    ['docs/diagrams/platform-resources.md', platformResourcesPage(stacks)],
    ['docs/diagrams/request-path.md', requestPathPage(repo)],
    ['docs/diagrams/data-flows.md', dataFlowsPage(repo, stacks)],
  ]);
  return formatWithPrettier(repo, pages);
}
