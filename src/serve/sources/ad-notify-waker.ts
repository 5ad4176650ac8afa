import type { DirectoryConfig } from '../../config/load.js';
import { adNotify } from '../../directory/stream/ad-notify.js';
import { LdapStream } from '../../directory/stream/ldap-stream.js';
import { sleep } from '../change-source.js';
import type { Waker } from './active-directory.js';

/**
 * Wakes the DirSync loop the moment the DC reports a change (LDAP_SERVER_NOTIFICATION_OID), so
 * the poll interval only matters when notifications are lost. The notification says nothing
 * about what changed; DirSync with the stored cookie then reads exactly that. Subtree scope on the
 * base DN (Samba; Windows allows subtree on a naming-context root, see ad-notify.ts). If the
 * registration fails, the loop still polls on its timer.
 */
export class NotificationWaker implements Waker {
  #pending = false;
  #wake?: () => void;
  #stream?: LdapStream;
  #stopped = false;
  failure?: string;

  static async start(cfg: DirectoryConfig, ncRoot: string, signal: AbortSignal): Promise<NotificationWaker> {
    const w = new NotificationWaker();
    signal.addEventListener('abort', () => void w.stop(), { once: true });
    try {
      w.#stream = await LdapStream.openFirst(cfg);
      w.#listen(adNotify(w.#stream, { base: cfg.baseDn, scope: 'sub', attributes: ['objectGUID'] }), true);
      // A deletion moves the object into Deleted Objects, out of the base DN's subtree: watch that
      // container too (needs a privileged account; without it, deletions wait for the next poll).
      w.#listen(adNotify(w.#stream, { base: `<WKGUID=18E2EA80684F11D2B9AA00C04F79F805,${ncRoot}>`, scope: 'one', attributes: ['objectGUID'], showDeleted: true }), false);
    } catch (err) {
      w.failure = (err as Error).message;
    }
    return w;
  }

  #listen(it: AsyncIterable<unknown>, essential: boolean): void {
    void (async () => {
      try {
        for await (const _ of it) this.#notify();
      } catch (err) {
        if (!this.#stopped && essential) this.failure = (err as Error).message;
      }
    })();
  }

  #notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wake = () => inner.abort();
    try {
      await sleep(ms, inner.signal);
    } finally {
      this.#wake = undefined;
      signal.removeEventListener('abort', onAbort);
      this.#pending = false;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#stream?.close();
  }
}
