import { Queryable } from '../storage/database';

/** How often an instance reads the flags: a mitigation takes effect everywhere within this. */
export const FLAG_POLL_MS = 5_000;

/** Flags the runtime understands, and the values that change its behaviour. */
export const RUNTIME_FLAGS = {
  /** `local`: answer from the local analyzer without calling the Natural Language API. */
  nlpMode: 'nlp-mode',
} as const;

interface ActiveFlag {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * Runtime flags set from outside the process (the incident responder's mitigations), read from the
 * `runtime_flags` table every `pollMs`. A flag applies to this instance's region or to every
 * region (`*`) until its `expires_at`: a flag always reverts by itself, and the expiry is kept in
 * memory too, so a database that goes away cannot hold a flag on past it. The table belongs to
 * the responder's schema (runtime/src/incident/store-migrations.ts); without it (responder not
 * deployed) there are no flags.
 */
export class RuntimeFlags {
  private flags = new Map<string, ActiveFlag>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly db: Queryable,
    private readonly options: {
      readonly region: string;
      readonly pollMs?: number;
      /** Called when a flag's value as seen by this instance changes (undefined: cleared). */
      readonly onChange?: (flag: string, value: string | undefined) => void;
      readonly onError?: (error: unknown) => void;
      readonly now?: () => number;
    },
  ) {}

  /** The flag's value now, or undefined when unset or expired. */
  get(flag: string): string | undefined {
    const active = this.flags.get(flag);
    return active && active.expiresAt > this.now() ? active.value : undefined;
  }

  /** Read once now, then every `pollMs` (each read after the previous one finished). */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      await this.refresh();
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.options.pollMs ?? FLAG_POLL_MS).unref();
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One read of the table; a failed read keeps the flags already known (each until its own expiry). */
  async refresh(): Promise<void> {
    const before = new Map([...this.flags.keys()].map((k) => [k, this.get(k)]));
    try {
      const { rows } = await this.db.query<{ flag: string; value: string; expires_at: Date | string; region: string }>(
        `SELECT flag, value, expires_at, region FROM runtime_flags
          WHERE region IN ($1, '*') AND reverted_at IS NULL AND expires_at > now()`,
        [this.options.region],
      );
      const next = new Map<string, ActiveFlag>();
      // A regional value wins over the all-regions one.
      for (const row of rows.sort((a, b) => (a.region === '*' ? -1 : 0) - (b.region === '*' ? -1 : 0))) {
        next.set(row.flag, { value: row.value, expiresAt: new Date(row.expires_at).getTime() });
      }
      this.flags = next;
    } catch (error) {
      // 42P01: the table does not exist (no responder deployed): no flags, nothing to report.
      if ((error as { code?: string }).code === '42P01') this.flags = new Map();
      else this.options.onError?.(error);
    }
    for (const flag of new Set([...before.keys(), ...this.flags.keys()])) {
      const value = this.get(flag);
      if (value !== before.get(flag)) this.options.onChange?.(flag, value);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
