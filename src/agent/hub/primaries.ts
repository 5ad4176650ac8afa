/**
 * Several agents per site (issue 13, "Several agents per site"): every agent of a directory keeps
 * its channel; one of them, the primary, carries the directory's LDAP sessions, the others stand
 * by. The choice is deterministic: the current primary stays while it is usable (no flapping back
 * when a higher-ranked agent reconnects), else the first usable agent in the order the
 * configuration lists them (`directories[].agent`) takes over. An agent that has missed a
 * heartbeat is usable only when no agent of the directory answers its heartbeats; one that says it
 * does not serve the directory (its configuration lacks it) is not usable for it.
 */
export type Health = 'healthy' | 'late' | 'absent';

export interface Election {
  directory: string;
  from: string | undefined;
  to: string | undefined;
}

export class Primaries {
  readonly #routes = new Map<string, readonly string[]>();
  readonly #primary = new Map<string, string>();

  /** The agents of a directory, in the configuration's order. */
  route(directory: string, agents: readonly string[]): void {
    const known = this.#routes.get(directory);
    if (known && known.length === agents.length && known.every((a, i) => a === agents[i])) return;
    this.#routes.set(directory, [...agents]);
  }

  directories(): string[] {
    return [...this.#routes.keys()];
  }

  agentsOf(directory: string): readonly string[] {
    return this.#routes.get(directory) ?? [];
  }

  primaryOf(directory: string): string | undefined {
    return this.#primary.get(directory);
  }

  /** The directories `agent` is the primary for. */
  primaryFor(agent: string): string[] {
    return [...this.#primary].filter(([, a]) => a === agent).map(([d]) => d);
  }

  /** Re-elects every directory's primary from the agents' health; returns the changes. */
  elect(healthOf: (agent: string, directory: string) => Health): Election[] {
    const changes: Election[] = [];
    for (const [directory, agents] of this.#routes) {
      const health = (a: string) => healthOf(a, directory);
      const current = this.#primary.get(directory);
      const next =
        current !== undefined && health(current) === 'healthy'
          ? current
          : (agents.find((a) => health(a) === 'healthy') ??
            (current !== undefined && health(current) === 'late' ? current : agents.find((a) => health(a) === 'late')));
      if (next === current) continue;
      if (next === undefined) this.#primary.delete(directory);
      else this.#primary.set(directory, next);
      changes.push({ directory, from: current, to: next });
    }
    return changes;
  }
}
