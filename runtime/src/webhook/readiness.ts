import { DependencyGuard } from '../resilience/dependency-guard';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly status: 'ready' | 'degraded' | 'starting' | 'draining';
  readonly degradations: string[];
}

/**
 * What `/readyz` reports. The instance stays ready while a dependency is down — it still
 * answers every turn, degraded — so a Redis or NLP outage never takes all instances out of the
 * load balancer at once. Degradations follow the circuit breakers, whose open/half-open cycle
 * already smooths a flapping dependency; only startup and shutdown make the instance unready.
 */
export class Readiness {
  private phase: 'starting' | 'serving' | 'draining' = 'starting';

  constructor(
    private readonly guards: DependencyGuard[],
    private readonly otherDegradations: () => string[] = () => [],
  ) {}

  serving(): void {
    this.phase = 'serving';
  }

  draining(): void {
    this.phase = 'draining';
  }

  get isDraining(): boolean {
    return this.phase === 'draining';
  }

  report(): ReadinessReport {
    if (this.phase !== 'serving') return { ready: false, status: this.phase, degradations: [] };
    const degradations = [
      ...this.otherDegradations(),
      ...this.guards.filter((g) => g.state !== 'closed').map((g) => `${g.name}-breaker-${g.state}`),
    ];
    return { ready: true, status: degradations.length > 0 ? 'degraded' : 'ready', degradations };
  }
}
