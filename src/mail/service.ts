import type { DirectoryConfig, IdsyncConfig } from '../config/load.js';
import { type SecretBox, secretBoxFor } from '../directories/secret-box.js';
import { enrollmentPass } from '../enrollment/mailing.js';
import { toIdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SyncEvents } from '../serve/events.js';
import type { Store } from '../store/db.js';
import { type Lease, type LeaseStore, STANDBY_RETRY_MS } from '../store/leases.js';
import { listSyncStates } from '../store/sync-state.js';
import { mailAfterRun } from './after-run.js';
import { raiseAlert, unreachableAlert } from './alerts.js';
import { MailDelivery, type MailDeps } from './sender.js';

/** How often the outbox is looked at (another process's emails, retries coming due). */
const POLL_MS = 2_000;
/** How often reminders, the unreachable check and the purge run. */
const PASS_MS = 60_000;
const KEEP_SENT_DAYS = 30;
export const MAIL_LEASE = 'mail';

/**
 * `idsync serve`'s mail (issue 15): queues what each finished run calls for, and, in the one
 * process that holds the `mail` lease (several serves may share a store), sends the outbox, the
 * reminders that come due and the "directory unreachable" alerts.
 */
export class MailService {
  readonly #abort = new AbortController();
  #running?: Promise<void>;
  #wake?: () => void;
  #box?: SecretBox;
  /** When each directory was first seen disconnected by this process. */
  readonly #down = new Map<string, Date>();
  readonly delivery: MailDelivery;

  constructor(
    private readonly o: {
      config: IdsyncConfig;
      store: Store;
      log: Logger;
      now?: () => Date;
      events: SyncEvents;
      leases: LeaseStore;
      directories: () => DirectoryConfig[];
      transport?: MailDeps['transport'];
    },
  ) {
    this.delivery = new MailDelivery({
      store: o.store,
      box: this.#secretBox(),
      smtp: o.config.smtp,
      alerts: o.config.alerts,
      publicUrl: o.config.api.publicUrl,
      log: o.log,
      now: this.#now,
      transport: o.transport,
    });
    o.events.on('finished', ({ directory, report }) => {
      const cfg = this.o.directories().find((d) => d.name === directory);
      mailAfterRun({ store: o.store, config: o.config, box: () => this.#secretBox(), log: o.log }, cfg, report, this.#now()).then(
        () => this.poke(),
        (err) => o.log.error({ directory, err: toIdsyncError(err).message }, 'enrollment emails and alerts for the run not queued'),
      );
    });
  }

  readonly #now = () => this.o.now?.() ?? new Date();

  #secretBox(): SecretBox {
    this.#box ??= secretBoxFor(this.o.config);
    return this.#box;
  }

  /** Something was queued: send now. */
  poke(): void {
    this.#wake?.();
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  start(): void {
    this.#running ??= this.#loop(this.#abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    await this.#running;
    this.delivery.close();
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await this.o.leases.tryAcquire(MAIL_LEASE);
      } catch (err) {
        this.o.log.warn({ err: toIdsyncError(err).message }, 'mail lease not taken: the store failed; trying again');
      }
      if (!lease) {
        await this.#sleep(STANDBY_RETRY_MS, signal);
        continue;
      }
      this.o.log.info({ holder: lease.holder }, 'mail sender started (this process holds the mail lease)');
      try {
        await this.#holding(lease, signal);
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
  }

  async #holding(lease: Lease, signal: AbortSignal): Promise<void> {
    let lastPass = 0;
    let backoff = POLL_MS;
    while (!signal.aborted && lease.valid()) {
      try {
        if (Date.now() - lastPass >= PASS_MS) {
          lastPass = Date.now();
          await this.pass();
        }
        const r = await this.delivery.drain();
        backoff = POLL_MS;
        // After an outage the next attempt is the rows' own backoff; polling goes on meanwhile.
        void r;
      } catch (err) {
        this.o.log.warn({ err: toIdsyncError(err).message }, 'mail sender failed; trying again');
        backoff = Math.min(backoff * 2, 60_000);
      }
      await this.#sleep(backoff, signal);
    }
  }

  /** Reminders due, unsent links, the unreachable check and the purge of old history. */
  async pass(): Promise<void> {
    const now = this.#now();
    const { store, log, config } = this.o;
    if (this.o.directories().some((d) => d.enrollment?.email)) await enrollmentPass({ store, box: this.#secretBox(), log }, now);
    const alerts = config.alerts;
    if (alerts && (alerts.directoryUnreachable.email || alerts.directoryUnreachable.webhook)) {
      const limitMs = alerts.directoryUnreachable.afterMinutes * 60_000;
      for (const s of await listSyncStates(store.db)) {
        if (s.connected) {
          this.#down.delete(s.name);
          continue;
        }
        if (!this.o.directories().some((d) => d.name === s.name)) continue;
        const since = this.#down.get(s.name) ?? now;
        this.#down.set(s.name, since);
        if (now.getTime() - since.getTime() >= limitMs) {
          await raiseAlert({ store, alerts, publicUrl: config.api.publicUrl, log }, unreachableAlert(s.name, since, s.last_error ?? s.status_message), now);
        }
      }
    }
    await store.mailOutbox.purge(new Date(now.getTime() - KEEP_SENT_DAYS * 86_400_000));
  }
}
