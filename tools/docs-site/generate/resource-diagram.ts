import { label, mermaidBlock, nodeId } from './mermaid';
import { SynthesizedStack, resourceBlocks } from './reference-stacks';

/**
 * The resources of a synthesized stack and how they refer to each other. A resource's group is
 * the top-level construct that made it (the second segment of its construct path); an edge means
 * some attribute of one resource is a `${type.name…}` reference to another — the dependencies
 * Terraform itself orders the apply by.
 */
export interface ResourceGraph {
  /** Group (construct) → resource type → number of resources. */
  readonly groups: Map<string, Map<string, number>>;
  /** Deduplicated references `from → to` between (group, type) nodes, with how many resources refer. */
  readonly edges: Map<string, { from: [string, string]; to: [string, string]; count: number }>;
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;

export function resourceGraph(stack: SynthesizedStack): ResourceGraph {
  const blocks = resourceBlocks(stack.json);
  const groupOf = new Map<string, string>();
  const groups = new Map<string, Map<string, number>>();
  for (const [type, name, block] of blocks) {
    const segments = String(block['//']?.metadata?.path ?? '').split('/');
    const group = segments.length > 2 ? segments[1] : '(stack)';
    groupOf.set(`${type}.${name}`, group);
    const types = groups.get(group) ?? new Map<string, number>();
    types.set(type, (types.get(type) ?? 0) + 1);
    groups.set(group, types);
  }
  const edges: ResourceGraph['edges'] = new Map();
  for (const [type, name, block] of blocks) {
    const { ['//']: _metadata, ...attributes } = block;
    const from: [string, string] = [groupOf.get(`${type}.${name}`)!, type];
    const seen = new Set<string>();
    for (const m of JSON.stringify(attributes).matchAll(REFERENCE)) {
      const target = `${m[1]}.${m[2]}`;
      const group = groupOf.get(target);
      if (!group || seen.has(target)) continue; // data sources, variables, locals: not resources of the stack
      seen.add(target);
      const to: [string, string] = [group, m[1]];
      if (from[0] === to[0] && from[1] === to[1]) continue;
      const key = `${from.join('/')}->${to.join('/')}`;
      const edge = edges.get(key) ?? { from, to, count: 0 };
      edge.count++;
      edges.set(key, edge);
    }
  }
  return { groups, edges };
}

const short = (type: string) => type.replace(/^google_/, '');

/** Constructs as nodes, an edge where resources of one refer to resources of another. */
export function constructOverview(graph: ResourceGraph): string {
  const lines = ['flowchart LR'];
  for (const [group, types] of [...graph.groups].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...types.values()].reduce((a, b) => a + b, 0);
    lines.push(`  ${nodeId('c', group)}[${label(`${group}<br/>${total} resources`)}]`);
  }
  const between = new Map<string, number>();
  for (const { from, to, count } of graph.edges.values()) {
    if (from[0] === to[0]) continue;
    const key = `${from[0]}\u0000${to[0]}`;
    between.set(key, (between.get(key) ?? 0) + count);
  }
  for (const [key, count] of [...between].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split('\u0000');
    lines.push(`  ${nodeId('c', from)} -->|${count}| ${nodeId('c', to)}`);
  }
  return mermaidBlock(lines);
}

/** One subgraph per construct, a node per resource type in it (×count), edges between types. */
export function resourceDetail(graph: ResourceGraph): string {
  const lines = ['flowchart LR'];
  for (const [group, types] of [...graph.groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  subgraph ${nodeId('g', group)}[${label(group)}]`);
    for (const [type, count] of [...types].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    ${nodeId('r', group, type)}[${label(count > 1 ? `${short(type)} ×${count}` : short(type))}]`);
    }
    lines.push('  end');
  }
  for (const { from, to } of [...graph.edges.values()].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`))) {
    lines.push(`  ${nodeId('r', ...from)} --> ${nodeId('r', ...to)}`);
  }
  return mermaidBlock(lines);
}
