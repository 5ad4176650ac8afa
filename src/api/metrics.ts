import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentHub } from '../agent/hub/channel.js';
import type { SyncEvents } from '../serve/events.js';
import type { Store } from '../store/db.js';
import { listSyncStates } from '../store/sync-state.js';
import type { RunReport } from '../sync/report.js';

/**
 * Prometheus metrics. Run counters follow the sync service's `finished` events, so they count the
 * runs of this process (idsync serve) and start again at a restart, as Prometheus counters do;
 * the lag and connection gauges are read from the store at each scrape, so they also reflect a
 * worker that has gone quiet. Each app has its own registry: nothing global to collide on.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly #runs: Counter<'directory' | 'kind' | 'status'>;
  readonly #duration: Histogram<'directory' | 'kind'>;
  readonly #objects: Counter<'directory' | 'outcome'>;
  readonly #errors: Counter<'directory' | 'code'>;
  readonly #listener: (e: { directory: string; report: RunReport; origin?: string }) => void;

  constructor(
    store: Store,
    private readonly events: SyncEvents,
    opts: { defaultMetrics?: boolean; agentHub?: AgentHub; node?: string } = {},
  ) {
    const registers = [this.registry];
    // Several nodes (issue 16): every series says which node it comes from.
    if (opts.node) this.registry.setDefaultLabels({ node: opts.node });
    this.#runs = new Counter({
      name: 'idsync_sync_runs_total',
      help: 'Sync runs finished, by directory, kind (full, user, incremental) and status.',
      labelNames: ['directory', 'kind', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'idsync_sync_run_duration_seconds',
      help: 'Duration of finished sync runs.',
      labelNames: ['directory', 'kind'],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    this.#objects = new Counter({
      name: 'idsync_sync_objects_total',
      help: 'Objects handled by sync runs, by outcome (created, updated, trashed, membersAdded, …).',
      labelNames: ['directory', 'outcome'],
      registers,
    });
    this.#errors = new Counter({ name: 'idsync_sync_errors_total', help: 'Failed sync runs, by error code.', labelNames: ['directory', 'code'], registers });
    new Gauge({
      name: 'idsync_incremental_lag_seconds',
      help: 'Time between the last change in the directory and its application in the store (as idsync status shows it).',
      labelNames: ['directory'],
      registers,
      async collect() {
        this.reset();
        for (const s of await listSyncStates(store.db)) {
          if (s.last_change_at && s.last_applied_at)
            this.set({ directory: s.name }, Math.max(0, new Date(s.last_applied_at).getTime() - new Date(s.last_change_at).getTime()) / 1000);
        }
      },
    });
    new Gauge({
      name: 'idsync_directory_connected',
      help: "1 when the directory's change stream is connected.",
      labelNames: ['directory'],
      registers,
      async collect() {
        this.reset();
        for (const s of await listSyncStates(store.db)) this.set({ directory: s.name }, s.connected ? 1 : 0);
      },
    });
    registerAgentMetrics(registers, store, opts.agentHub);
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'idsync_' });
    // Runs of other nodes (issue 16) reach this process's events too: each node counts its own.
    this.#listener = ({ directory, report, origin }) => {
      if (origin === undefined) this.observe(directory, report);
    };
    events.on('finished', this.#listener);
  }

  observe(directory: string, r: RunReport): void {
    if (r.dryRun) return;
    this.#runs.inc({ directory, kind: r.kind, status: r.status });
    this.#duration.observe({ directory, kind: r.kind }, r.durationMs / 1000);
    for (const [outcome, n] of Object.entries(r.counts)) if (n) this.#objects.inc({ directory, outcome }, n);
    if (r.status === 'failed') this.#errors.inc({ directory, code: r.error?.code ?? 'INTERNAL' });
  }

  close(): void {
    this.events.off('finished', this.#listener);
  }
}

/**
 * The on-premises agents (issue 13): connected or not (every enrolled, unrevoked agent), heartbeat
 * round trip and age, open sessions, and which agent is the primary of each directory.
 */
function registerAgentMetrics(registers: Registry[], store: Store, hub: AgentHub | undefined): void {
  const connected = () => new Map((hub?.status() ?? []).map((s) => [s.name, s]));
  new Gauge({
    name: 'idsync_agent_connected',
    help: "1 when the agent's channel to this idsync serve is open, 0 for an enrolled agent that is not connected.",
    labelNames: ['agent', 'version'],
    registers,
    async collect() {
      this.reset();
      const live = connected();
      for (const a of await store.agents.list()) {
        if (!a.enrolled_at || a.revoked_at) continue;
        const s = live.get(a.name);
        this.set({ agent: a.name, version: s?.version ?? a.agent_version ?? 'unknown' }, s ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'idsync_agent_heartbeat_rtt_seconds',
    help: "Round-trip time of the agent's last heartbeat.",
    labelNames: ['agent'],
    registers,
    collect() {
      this.reset();
      for (const s of connected().values()) if (s.rttMs !== null) this.set({ agent: s.name }, s.rttMs / 1000);
    },
  });
  new Gauge({
    name: 'idsync_agent_last_heartbeat_timestamp_seconds',
    help: 'When the agent last answered a heartbeat (Unix time).',
    labelNames: ['agent'],
    registers,
    collect() {
      this.reset();
      for (const s of connected().values()) if (s.lastHeartbeatAt) this.set({ agent: s.name }, Date.parse(s.lastHeartbeatAt) / 1000);
    },
  });
  new Gauge({
    name: 'idsync_agent_tunnels',
    help: 'LDAP sessions of the hub open through the agent.',
    labelNames: ['agent'],
    registers,
    collect() {
      this.reset();
      for (const s of connected().values()) this.set({ agent: s.name }, s.tunnels);
    },
  });
  new Gauge({
    name: 'idsync_agent_primary',
    help: "1 for the directory's primary agent, 0 for the agents that stand by (each agent configured for the directory).",
    labelNames: ['directory', 'agent'],
    registers,
    collect() {
      this.reset();
      for (const p of hub?.primaries() ?? []) for (const a of p.agents) this.set({ directory: p.directory, agent: a }, a === p.primary ? 1 : 0);
    },
  });
}
