import type { IdsyncError } from '../../errors.js';
import type { LdapControl, LdapResult, PartialAttribute } from './protocol.js';
import type { SearchRequestSpec } from './requests.js';

/**
 * What one search delivers, in arrival order (RFC 4511 section 4.5.2): any number of entries,
 * references and intermediate responses, then exactly one `done` — unless the search is
 * persistent (RFC 4533 refreshAndPersist, AD change notification), which never ends by itself.
 */
export type SearchMessage =
  | { type: 'entry'; dn: string; attributes: PartialAttribute[]; controls: LdapControl[] }
  | { type: 'reference'; uris: string[]; controls: LdapControl[] }
  | { type: 'intermediate'; name?: string; value?: Buffer; controls: LdapControl[] }
  | { type: 'done'; result: LdapResult; controls: LdapControl[] };

/** How a SearchStream talks back to the connection that feeds it. */
export interface SearchOwner {
  /** Sends an AbandonRequest for this search (best effort: the connection may be gone). */
  abandon(messageId: number): void;
  /** `count` buffered messages were taken by the consumer or discarded (flow control). */
  consumed(count: number): void;
}

/**
 * The messages of one search as an async iterator. Messages are queued as they arrive, so a slow
 * consumer never loses one; the connection pauses reading when too many are queued (see
 * LdapStream's highWaterMark) and TCP flow control then slows the server down.
 *
 * Ending: after `done` the iterator finishes; `abandon()` or leaving a for-await loop early sends
 * an AbandonRequest and finishes it; closing the connection finishes it; losing the connection
 * makes the next `next()` (after the messages already received) throw the IdsyncError.
 */
export class SearchStream implements AsyncIterableIterator<SearchMessage> {
  readonly messageId: number;
  readonly spec: SearchRequestSpec;
  #owner: SearchOwner;
  #items: SearchMessage[] = [];
  #waiter: { resolve: (r: IteratorResult<SearchMessage>) => void; reject: (e: unknown) => void } | undefined;
  /** No more messages will be added (done received, abandoned, closed or failed). */
  #ended = false;
  #error: IdsyncError | undefined;

  constructor(messageId: number, spec: SearchRequestSpec, owner: SearchOwner) {
    this.messageId = messageId;
    this.spec = spec;
    this.#owner = owner;
  }

  /** True once nothing more will arrive (the buffered messages may still be unread). */
  get ended(): boolean {
    return this.#ended;
  }

  get buffered(): number {
    return this.#items.length;
  }

  /** @internal Called by the connection for each message; returns true when it had to be queued. */
  deliver(msg: SearchMessage): boolean {
    if (this.#ended) return false;
    if (msg.type === 'done') this.#ended = true;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.resolve({ value: msg, done: false });
      return false;
    }
    this.#items.push(msg);
    return true;
  }

  /** @internal The connection is gone: deliver what is buffered, then throw `err`. */
  fail(err: IdsyncError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = err;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      this.#error = undefined;
      w.reject(err);
    }
  }

  /** @internal The connection was closed on purpose: finish after the buffered messages. */
  finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<SearchMessage>> {
    const item = this.#items.shift();
    if (item) {
      this.#owner.consumed(1);
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#error) {
      const err = this.#error;
      this.#error = undefined;
      return Promise.reject(err);
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) return Promise.reject(new Error('SearchStream.next() called again before the previous call settled'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Leaving a for-await loop early lands here: stop the server from sending more. */
  async return(): Promise<IteratorResult<SearchMessage>> {
    this.abandon();
    return { value: undefined, done: true };
  }

  /**
   * Asks the server to stop (RFC 4511 section 4.11: it sends nothing more for this search, not even
   * SearchResultDone) and finishes the iterator at once; buffered messages are dropped.
   */
  abandon(): void {
    if (!this.#ended) {
      this.#ended = true;
      this.#owner.abandon(this.messageId);
    }
    this.#error = undefined;
    const dropped = this.#items.length;
    this.#items = [];
    if (dropped) this.#owner.consumed(dropped);
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
