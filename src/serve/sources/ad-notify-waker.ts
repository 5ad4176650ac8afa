import type { DirectoryConfig } from '../../config/load.js';
import { guidToString } from '../../directory/codecs.js';
import { adNotify, type AdNotification } from '../../directory/stream/ad-notify.js';
import { LdapStream } from '../../directory/stream/ldap-stream.js';
import { sleep } from '../change-source.js';

/** Wakes the loop early: change notifications call `wake()`; otherwise it waits `ms`. */
export interface Waker {
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

export const timerOnly: Waker = { wait: (ms, signal) => sleep(ms, signal) };

/** A user or group the DC said changed, by objectGUID, at the DN the notification gave. */
export interface NotifiedObject {
  id: string;
  dn: string;
  kind: 'user' | 'group';
  /** Its uSNChanged when notified, if the DC sent it. */
  usn?: bigint;
}

/** What arrived since the last `take()`. */
export interface Notified {
  /** Users and groups under the base DN, latest DN per objectGUID. */
  objects: NotifiedObject[];
  /**
   * Something a notification cannot carry arrived (a deletion, a change to an OU or another
   * class): only DirSync can tell what it did to users and groups.
   */
  needsDirSync: boolean;
  /** When the first of these arrived. */
  since?: Date;
}

/**
 * Change notifications (LDAP_SERVER_NOTIFICATION_OID) on their own connection. Each notified
 * user or group is kept by objectGUID for the DirSync loop to apply at once; a deletion (seen in
 * the Deleted Objects container) or a change to any other object asks for a DirSync instead.
 * Subtree scope on the base DN (Samba; Windows allows subtree on a naming-context root, see
 * ad-notify.ts). If the registration fails, or the stream ends, the loop polls on its timer.
 */
export class NotificationWaker implements Waker {
  #objects = new Map<string, NotifiedObject>();
  #needsDirSync = false;
  #since?: Date;
  #wake?: () => void;
  #stream?: LdapStream;
  #stopped = false;
  failure?: string;

  /**
   * `subtree: false` leaves out the registration on the base DN, keeping only the one that reports
   * deletions (see DirSyncSource: on Samba it costs the DC a scan of the base DN per write).
   */
  static async start(
    cfg: DirectoryConfig,
    ncRoot: string,
    signal: AbortSignal,
    now: () => Date = () => new Date(),
    subtree = true,
  ): Promise<NotificationWaker> {
    const w = new NotificationWaker(now);
    signal.addEventListener('abort', () => void w.stop(), { once: true });
    try {
      w.#stream = await LdapStream.openFirst(cfg);
      if (subtree)
        w.#listen(adNotify(w.#stream, { base: cfg.baseDn, scope: 'sub', attributes: ['objectGUID', 'objectClass', 'uSNChanged'] }), true, (n) => w.#changed(n));
      // A deletion moves the object into Deleted Objects, out of the base DN's subtree: watch that
      // container too (needs a privileged account; without it, deletions wait for the next poll).
      w.#listen(
        adNotify(w.#stream, { base: `<WKGUID=18E2EA80684F11D2B9AA00C04F79F805,${ncRoot}>`, scope: 'one', attributes: ['objectGUID'], showDeleted: true }),
        !subtree,
        () => w.#dirSync(),
      );
    } catch (err) {
      w.failure = (err as Error).message;
    }
    return w;
  }

  private constructor(private readonly now: () => Date) {}

  #listen(it: AsyncIterable<AdNotification>, essential: boolean, each: (n: AdNotification) => void): void {
    void (async () => {
      try {
        for await (const n of it) each(n);
        if (!this.#stopped && essential) this.failure = 'the DC ended the change notification';
      } catch (err) {
        if (!this.#stopped && essential) this.failure = (err as Error).message;
      }
      // Whatever was missed while the stream went down, DirSync reads.
      if (!this.#stopped && essential) this.#dirSync();
    })();
  }

  #changed(n: AdNotification): void {
    const guid = n.attributes.buffer('objectGUID');
    const classes = n.attributes.strings('objectClass').map((c) => c.toLowerCase());
    const kind = classes.includes('group') ? 'group' : classes.includes('user') ? 'user' : undefined;
    if (guid?.length !== 16 || !kind) {
      this.#dirSync();
      return;
    }
    const id = guidToString(guid);
    // Map order is first-arrival order; the latest DN wins (a rename right after a change).
    const usn = n.attributes.string('uSNChanged');
    this.#objects.set(id, { id, dn: n.dn, kind, ...(usn && /^\d+$/.test(usn) ? { usn: BigInt(usn) } : {}) });
    this.#arrived();
  }

  #dirSync(): void {
    this.#needsDirSync = true;
    this.#arrived();
  }

  #arrived(): void {
    this.#since ??= this.now();
    this.#wake?.();
  }

  /** What arrived since the last call, and forgets it. */
  take(): Notified {
    const out: Notified = { objects: [...this.#objects.values()], needsDirSync: this.#needsDirSync, since: this.#since };
    this.#objects.clear();
    this.#needsDirSync = false;
    this.#since = undefined;
    return out;
  }

  get pending(): boolean {
    return this.#objects.size > 0 || this.#needsDirSync;
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending) return;
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wake = () => inner.abort();
    try {
      await sleep(ms, inner.signal);
    } finally {
      this.#wake = undefined;
      signal.removeEventListener('abort', onAbort);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#stream?.close();
  }
}
