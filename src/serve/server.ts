import type { DirectoryConfig, IdsyncConfig } from '../config/load.js';
import type { DirectoryRegistry } from '../directories/registry.js';
import { SyncEvents } from './events.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import { leaseStore, type LeaseStore } from '../store/leases.js';
import { sourceFor } from './sources/index.js';
import { DirectoryWorker, type NodeCoordinator } from './worker.js';
import { nodeName } from './node-name.js';
import { ProvisionLoop } from './provisioning.js';
import { isTarget, type TargetConfig } from '../provision/service.js';
import { openTarget, passwordCheck } from '../provision/writers.js';
import { secretBoxFor, type SecretBox } from '../directories/secret-box.js';
import { Secret } from '../secret.js';
import { createHash } from 'node:crypto';

/** What a directory's configuration is, as one hash (its secrets hashed too, never shown). */
function fingerprint(cfg: DirectoryConfig): string {
  const text = JSON.stringify(cfg, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Secret ? `secret:${createHash('sha256').update(raw.reveal()).digest('hex')}` : value;
  });
  return createHash('sha256').update(text).digest('hex');
}

/** `idsync serve`: one worker per configured directory, all sharing one store. */
export class SyncService {
  readonly workers = new Map<string, DirectoryWorker>();
  readonly events = new SyncEvents();
  /** One worker per directory across every `idsync serve` on the store: the others stand by. */
  readonly leases: LeaseStore;
  /** This node's name (issue 16): configuration, IDSYNC_NODE_NAME or the host's name. */
  readonly node: string;
  /** Several nodes on one PostgreSQL store (issue 16): set by `idsync serve` before start(). */
  #coordinator?: NodeCoordinator;

  constructor(
    readonly config: IdsyncConfig,
    readonly store: Store,
    readonly log: Logger,
    readonly now?: () => Date,
  ) {
    this.node = nodeName(config);
    this.leases = leaseStore(store, this.node);
    for (const cfg of config.directories) this.#add(cfg);
  }

  /**
   * The service `idsync serve` runs: a worker for every configured directory, the file's and those
   * created through the admin API (src/directories). Passwords an idsync without encryption at rest
   * stored in clear are sealed first.
   */
  static async open(directories: DirectoryRegistry<unknown>, store: Store, log: Logger, now?: () => Date): Promise<SyncService> {
    await directories.sealClearPasswords();
    return new SyncService({ ...directories.config, directories: await directories.configs() }, store, log, now);
  }

  #add(cfg: DirectoryConfig): DirectoryWorker {
    for (const w of cfg.warnings) this.log.warn({ directory: cfg.name }, w);
    const worker = new DirectoryWorker(this.store, cfg, {
      log: this.log,
      now: this.now,
      source: sourceFor,
      events: this.events,
      leases: this.leases,
      provision: isTarget(cfg) ? this.#provisionLoop(cfg) : undefined,
    });
    worker.coordinator = this.#coordinator;
    this.#fingerprints.set(cfg.name, fingerprint(cfg));
    if (worker.provision) this.#loops.set(cfg.name, worker.provision);
    else this.#loops.delete(cfg.name);
    this.workers.set(cfg.name, worker);
    return worker;
  }

  #box?: SecretBox;
  readonly #fingerprints = new Map<string, string>();

  /**
   * Several nodes (issue 16): directories created, changed or deleted through the admin API of
   * another node reach this one here (src/serve/cluster.ts calls it every few seconds with the
   * registry's list): a new one gets a started worker, a changed one a new worker, a deleted one
   * loses its worker.
   */
  async reconcileDirectories(configs: readonly DirectoryConfig[]): Promise<string[]> {
    const changed: string[] = [];
    for (const cfg of configs) {
      if (this.workers.has(cfg.name) && this.#fingerprints.get(cfg.name) === fingerprint(cfg)) continue;
      await this.addDirectory(cfg);
      changed.push(cfg.name);
    }
    const names = new Set(configs.map((c) => c.name));
    for (const name of [...this.workers.keys()].filter((n) => !names.has(n))) {
      await this.removeDirectory(name);
      changed.push(name);
    }
    return changed;
  }
  readonly #loops = new Map<string, ProvisionLoop>();

  /** A local change recorded outbox rows for these targets (LocalChanges' `recorded`): their delivery starts now. */
  provisioningRecorded(targets: readonly number[]): void {
    for (const loop of this.#loops.values()) if (loop.directoryId === undefined || targets.includes(loop.directoryId)) loop.poke();
  }

  /** Issue 12: the delivery of a provisioning target, run by its worker. */
  #provisionLoop(cfg: TargetConfig): ProvisionLoop {
    return new ProvisionLoop({
      store: this.store,
      cfg,
      openTarget,
      unseal: (sealed) => {
        this.#box ??= secretBoxFor(this.config);
        return new Secret(this.#box.open(sealed, 'a password waiting for delivery'));
      },
      checkPassword: passwordCheck,
      log: this.log,
      now: this.now ?? (() => new Date()),
    });
  }

  /** Adds (or replaces) a directory at run time, e.g. one created through the admin API. */
  async addDirectory(cfg: DirectoryConfig, start = true): Promise<DirectoryWorker> {
    await this.removeDirectory(cfg.name);
    const w = this.#add(cfg);
    if (start) w.start();
    return w;
  }

  async removeDirectory(name: string): Promise<void> {
    const w = this.workers.get(name);
    if (!w) return;
    this.workers.delete(name);
    this.#loops.delete(name);
    this.#fingerprints.delete(name);
    await w.stop();
  }

  /** Shares the directories with the other nodes of the store (issue 16, src/serve/cluster.ts). */
  coordinate(c: NodeCoordinator): void {
    this.#coordinator = c;
    for (const w of this.workers.values()) w.coordinator = c;
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
    this.log.info({ directories: [...this.workers.keys()] }, 'idsync serve started');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.log.info('idsync serve stopped');
  }
}
