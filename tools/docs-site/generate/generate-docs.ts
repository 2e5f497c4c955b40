import * as path from 'node:path';
import * as prettier from 'prettier';
import { alertsReferencePage } from './alerts-reference';
import { dataFlowsPage, platformResourcesPage, requestPathPage } from './diagram-pages';
import { environmentReferencePage } from './environment-reference';
import { policyReferencePage } from './policy-reference';
import { synthesizeReferenceStacks } from './reference-stacks';
import { telemetryReferencePage } from './telemetry-reference';

/**
 * Every page `npm run docs:generate` writes, by repository-relative path, formatted the way
 * `prettier --check` expects (so a fresh clone's lint passes and the freshness test compares
 * like with like).
 */
export async function generateDocs(repo: string): Promise<Map<string, string>> {
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
  const formatted = new Map<string, string>();
  for (const [file, text] of pages) {
    const options = (await prettier.resolveConfig(path.join(repo, file))) ?? {};
    formatted.set(file, await prettier.format(text, { ...options, filepath: path.join(repo, file) }));
  }
  return formatted;
}
