import type { Provisioning } from '../store/provisioning.js';

/** Runs `fn` in one store transaction, the outbox bound to it (Store.transact). */
export type OutboxTransact = <T>(fn: (outbox: Provisioning) => Promise<T>) => Promise<T>;

type Write = (outbox: Provisioning) => Promise<void>;

/**
 * Group commit for the outbox writes of the users delivered at once (deliver.ts): each caller's
 * writes wait, as before, until they are committed, but the writes that arrive while a
 * transaction is running go together into the next one. Each user cost five separate store
 * transactions (bench/provision.ts with --sql-trace: a third of `idsync provision`'s CPU on 5,000
 * users went to them); with eight in flight they now share a few.
 *
 * A batch that fails is run again one write per transaction, so that one caller's failure (the
 * store refusing its row) is that caller's alone.
 */
export class GroupCommit {
  readonly #transact: OutboxTransact;
  #queue: Array<{ write: Write; resolve: () => void; reject: (err: unknown) => void }> = [];
  #running = false;

  constructor(transact: OutboxTransact) {
    this.#transact = transact;
  }

  /** Resolves once `write` is committed; rejects with its own failure. */
  run(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length) {
        // One turn of the event loop: the callers in flight whose directory answers are already
        // in join this transaction.
        await new Promise((r) => setImmediate(r));
        const batch = this.#queue.splice(0);
        try {
          await this.#transact(async (outbox) => {
            for (const b of batch) await b.write(outbox);
          });
          for (const b of batch) b.resolve();
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          for (const b of batch) {
            try {
              await this.#transact((outbox) => b.write(outbox));
              b.resolve();
            } catch (e) {
              b.reject(e);
            }
          }
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
