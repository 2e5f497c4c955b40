/**
 * Shared by the runtime benchmark (test/bench/runtime) and the improvement replay (tools/improvement-replay).
 *
 * The workload: BANKING77 utterances (../shared/corpora/banking77/, real customer-service text
 * nobody on this project wrote) arranged into Dialogflow conversations of a few turns.
 *
 * - realistic repetition: utterances drawn from a Zipf distribution over the unique texts (rank
 *   order shuffled with a fixed seed, so which texts form the head is arbitrary, not chosen),
 *   with follow-up turns that are sometimes short acknowledgements, DTMF digits or a verbatim
 *   repeat of the previous turn. See docs/performance/optimization_report.md for why.
 * - no repetition: every unique utterance at most once, in a fixed shuffled order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Utterance {
  readonly text: string;
  readonly category: string;
}

/** One user turn as Dialogflow CX would send it. */
export interface TurnSpec {
  readonly kind: 'corpus' | 'ack' | 'dtmf' | 'repeat';
  readonly text: string;
  readonly category?: string;
}

export interface Conversation {
  readonly turns: readonly TurnSpec[];
}

export interface WorkloadShape {
  /** Zipf exponent over the unique utterances. */
  readonly zipfS: number;
  /** Shortest and longest conversation, uniform in between. */
  readonly minTurns: number;
  readonly maxTurns: number;
  /** Probabilities for each follow-up turn (not the first turn of a conversation). */
  readonly ackRate: number;
  readonly dtmfRate: number;
  readonly repeatRate: number;
  readonly seed: number;
}

export const DEFAULT_SHAPE: WorkloadShape = {
  zipfS: 1.1,
  minTurns: 2,
  maxTurns: 5,
  ackRate: 0.12,
  dtmfRate: 0.04,
  repeatRate: 0.03,
  seed: 77,
};

/** Acknowledgements as users type or say them; some are in the runtime's skip list, some are not. */
export const ACKNOWLEDGEMENTS = [
  'yes',
  'no',
  'thanks',
  'ok',
  'thank you',
  'Yes.',
  'yes please',
  'no thanks',
  'okay thanks',
  'great, thanks!',
];

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same workload on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** Unique utterances of train.csv and test.csv (whitespace-collapsed), in file order. */
export function loadBanking77(repoRoot: string): { utterances: Utterance[]; rows: number; dir: string } {
  const dir = join(repoRoot, '..', 'shared', 'corpora', 'banking77');
  const files = ['train.csv', 'test.csv'].map((f) => join(dir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `corpus not found: ${missing.join(', ')}. The benchmark and improvement:replay read BANKING77 from ../shared/corpora/banking77/ ` +
        `relative to the repository root (see /work/shared/corpora/README.md); it is not copied into the project.`,
    );
  }
  const seen = new Map<string, Utterance>();
  let rows = 0;
  for (const file of files) {
    const [header, ...data] = parseCsv(readFileSync(file, 'utf8'));
    const textCol = header.indexOf('text');
    const catCol = header.indexOf('category');
    if (textCol < 0 || catCol < 0) throw new Error(`${file}: expected columns text,category, got ${header.join(',')}`);
    for (const r of data) {
      rows++;
      const text = (r[textCol] ?? '').replace(/\s+/g, ' ').trim();
      if (text && !seen.has(text)) seen.set(text, { text, category: r[catCol] ?? '' });
    }
  }
  if (seen.size === 0) throw new Error(`corpus at ${dir} has no utterances`);
  return { utterances: [...seen.values()], rows, dir };
}

/** Sampler for ranks 0..n-1 with P(k) proportional to (k+1)^-s. */
function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function conversationLength(shape: WorkloadShape, random: () => number): number {
  return shape.minTurns + Math.floor(random() * (shape.maxTurns - shape.minTurns + 1));
}

/** Conversations totalling exactly `turns` turns, with Zipf-distributed utterances and follow-up noise. */
export function realisticSequence(utterances: readonly Utterance[], turns: number, shape: WorkloadShape = DEFAULT_SHAPE): Conversation[] {
  const random = rng(shape.seed);
  const ranked = shuffled(utterances, random);
  const next = zipfSampler(ranked.length, shape.zipfS, random);
  const out: Conversation[] = [];
  let total = 0;
  while (total < turns) {
    const length = Math.min(conversationLength(shape, random), turns - total);
    const conversation: TurnSpec[] = [];
    for (let i = 0; i < length; i++) {
      const r = random();
      const previous = conversation[i - 1];
      if (i > 0 && r < shape.ackRate) {
        conversation.push({ kind: 'ack', text: ACKNOWLEDGEMENTS[Math.floor(random() * ACKNOWLEDGEMENTS.length)] });
      } else if (i > 0 && r < shape.ackRate + shape.dtmfRate) {
        const digits = 4 + Math.floor(random() * 3);
        let d = '';
        for (let j = 0; j < digits; j++) d += String(Math.floor(random() * 10));
        conversation.push({ kind: 'dtmf', text: d });
      } else if (i > 0 && r < shape.ackRate + shape.dtmfRate + shape.repeatRate && previous) {
        conversation.push({ kind: 'repeat', text: previous.text, category: previous.category });
      } else {
        const u = ranked[next()];
        conversation.push({ kind: 'corpus', text: u.text, category: u.category });
      }
    }
    out.push({ turns: conversation });
    total += length;
  }
  return out;
}

/** Every unique utterance at most once (the first `turns` of a fixed shuffle), in conversations of a few turns. */
export function noRepetitionSequence(
  utterances: readonly Utterance[],
  turns: number,
  shape: WorkloadShape = DEFAULT_SHAPE,
): Conversation[] {
  const random = rng(shape.seed + 1);
  const order = shuffled(utterances, random).slice(0, Math.min(turns, utterances.length));
  const out: Conversation[] = [];
  for (let i = 0; i < order.length;) {
    const length = Math.min(conversationLength(shape, random), order.length - i);
    out.push({ turns: order.slice(i, i + length).map((u) => ({ kind: 'corpus' as const, text: u.text, category: u.category })) });
    i += length;
  }
  return out;
}

export interface SequenceStats {
  readonly conversations: number;
  readonly turns: number;
  readonly uniqueTexts: number;
  /** Share of turns by kind. */
  readonly kinds: Record<TurnSpec['kind'], number>;
  /** Share of turns taken by the 10 most frequent texts. */
  readonly top10Share: number;
  /** Share of corpus turns whose text already appeared earlier in the sequence. */
  readonly repeatedCorpusShare: number;
  readonly meanChars: number;
}

export function describeSequence(conversations: readonly Conversation[]): SequenceStats {
  const counts = new Map<string, number>();
  const kinds: Record<TurnSpec['kind'], number> = { corpus: 0, ack: 0, dtmf: 0, repeat: 0 };
  let turns = 0;
  let chars = 0;
  let corpus = 0;
  let repeatedCorpus = 0;
  for (const c of conversations) {
    for (const t of c.turns) {
      turns++;
      kinds[t.kind]++;
      chars += t.text.length;
      const n = counts.get(t.text) ?? 0;
      if (t.kind === 'corpus') {
        corpus++;
        if (n > 0) repeatedCorpus++;
      }
      counts.set(t.text, n + 1);
    }
  }
  const top10 = [...counts.values()]
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((a, b) => a + b, 0);
  const share = (n: number) => (turns ? n / turns : 0);
  return {
    conversations: conversations.length,
    turns,
    uniqueTexts: counts.size,
    kinds: { corpus: share(kinds.corpus), ack: share(kinds.ack), dtmf: share(kinds.dtmf), repeat: share(kinds.repeat) },
    top10Share: share(top10),
    repeatedCorpusShare: corpus ? repeatedCorpus / corpus : 0,
    meanChars: turns ? chars / turns : 0,
  };
}
