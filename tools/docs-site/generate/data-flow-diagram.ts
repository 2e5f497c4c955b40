import * as fs from 'node:fs';
import * as path from 'node:path';
import { label, mermaidBlock, nodeId } from './mermaid';
import { SynthesizedStack, resourceBlocks } from './reference-stacks';
import { logBasedMetrics } from './telemetry-reference';

/**
 * Telemetry to on-call: runtime log event → log-based metric → alert policy → runbook, from a
 * synthesized stack (an alert's filter names the metric as `${google_logging_metric.<id>.name}`).
 */
export function telemetryFlowDiagram(stack: SynthesizedStack): string {
  const metricsById = new Map<string, string>();
  for (const [type, id, block] of resourceBlocks(stack.json)) if (type === 'google_logging_metric') metricsById.set(id, block.name);
  const events = logBasedMetrics([stack]);
  const lines = ['flowchart LR'];
  const declared = new Set<string>();
  const node = (id: string, text: string, shape: 'event' | 'metric' | 'alert' | 'runbook') => {
    if (declared.has(id)) return;
    declared.add(id);
    // Rectangles and stadiums only: Mermaid 11 sizes hexagons and parallelograms for one line and cuts a wrapped label.
    const [open, close] = { event: ['([', '])'], metric: ['[', ']'], alert: ['(', ')'], runbook: ['[[', ']]'] }[shape];
    lines.push(`  ${id}${open}${label(text)}${close}`);
  };
  const edges = new Set<string>();
  for (const m of events) {
    node(nodeId('e', m.event), m.event, 'event');
    node(nodeId('m', m.name), m.name, 'metric');
    edges.add(`  ${nodeId('e', m.event)} --> ${nodeId('m', m.name)}`);
  }
  for (const [type, , block] of resourceBlocks(stack.json)) {
    if (type !== 'google_monitoring_alert_policy') continue;
    const metrics = [...JSON.stringify(block.conditions).matchAll(/google_logging_metric\.([A-Za-z0-9_-]+)\.name/g)]
      .map((m) => metricsById.get(m[1]))
      .filter((m): m is string => !!m && events.some((e) => e.name === m));
    if (metrics.length === 0) continue;
    const alert = nodeId('a', block.display_name);
    node(alert, `${block.display_name} (${block.severity})`, 'alert');
    for (const metric of new Set(metrics)) edges.add(`  ${nodeId('m', metric)} --> ${alert}`);
    const runbook = /docs\/monitoring\/runbooks\/([\w-]+)\.md/.exec(block.documentation?.content ?? '')?.[1];
    if (runbook) {
      node(nodeId('rb', runbook), `runbook: ${runbook}`, 'runbook');
      edges.add(`  ${alert} --> ${nodeId('rb', runbook)}`);
    }
  }
  return mermaidBlock([...lines, ...[...edges].sort()]);
}

function tsFiles(repo: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...tsFiles(repo, rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out.sort();
}

/** Relative imports of a file, transitively, within the repository, not entering the reference app (stacks/). */
function importClosure(repo: string, start: string): string[] {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of fs.readFileSync(path.join(repo, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
      const target = [`${base}.ts`, `${base}/index.ts`].find((f) => fs.existsSync(path.join(repo, f)));
      // Not through the reference app: a report that synthesizes it (security-report,
      // dr:failover-plan) reads no table the stacks' constructs happen to name.
      if (target && !target.startsWith('stacks/')) queue.push(target);
    }
  }
  return [...seen];
}

/**
 * Stored data: which runtime writer inserts into which table (runtime/src), which table each
 * npm report command reads (its main.ts and everything it imports under tools/).
 */
export function storageFlowDiagram(repo: string): string {
  const migrations = fs.readFileSync(path.join(repo, 'runtime/src/storage/migrations.ts'), 'utf8');
  const tables = new Set(
    [...migrations.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)\s*\(/g)]
      .map((m) => m[1])
      .filter((t) => t !== 'schema_migrations' && !t.endsWith('_default')),
  );
  const lines = ['flowchart LR', '  subgraph runtime["webhook runtime"]'];
  const edges: string[] = [];
  for (const file of tsFiles(repo, 'runtime/src')) {
    const text = fs.readFileSync(path.join(repo, file), 'utf8');
    const written = [...new Set([...text.matchAll(/INSERT INTO (\w+)/g)].map((m) => m[1]))].filter((t) => tables.has(t));
    if (written.length === 0) continue;
    const writer = path.basename(file, '.ts');
    lines.push(`    ${nodeId('w', writer)}[${label(writer)}]`);
    for (const table of written) edges.push(`  ${nodeId('w', writer)} --> ${nodeId('t', table)}`);
  }
  lines.push('  end', '  subgraph postgres["PostgreSQL (Cloud SQL; SQLite or PGlite locally)"]');
  for (const table of [...tables].sort()) lines.push(`    ${nodeId('t', table)}[(${label(table)})]`);
  lines.push('  end');
  const scripts = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts as Record<string, string>;
  for (const [script, command] of Object.entries(scripts).sort(([a], [b]) => a.localeCompare(b))) {
    const main = /node build\/(tools\/[\w/-]+)\.js/.exec(command)?.[1];
    if (!main || !fs.existsSync(path.join(repo, `${main}.ts`))) continue;
    const text = importClosure(repo, `${main}.ts`)
      .map((f) => fs.readFileSync(path.join(repo, f), 'utf8'))
      .join('\n');
    const read = [...tables].filter((t) => new RegExp(`\\b(FROM|JOIN)\\s+${t}\\b`, 'i').test(text)).sort();
    if (read.length === 0) continue;
    lines.push(`  ${nodeId('s', script)}[[${label(`npm run ${script}`)}]]`);
    for (const table of read) edges.push(`  ${nodeId('t', table)} --> ${nodeId('s', script)}`);
  }
  return mermaidBlock([...lines, ...edges]);
}
