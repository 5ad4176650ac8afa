import { IdsyncError } from '../errors.js';

/**
 * A 429 that says when to try again (the API sends it as Retry-After). Here, below rate-limit.ts,
 * which re-exports it: the gate throws it too, and the two modules must not import each other.
 */
export class RateLimitedError extends IdsyncError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
  }
}

/**
 * Bounds how many password hashes run at once. hash-wasm makes a new WebAssembly instance for
 * every argon2 call and grows its memory to the cost parameter (19 MiB here, passwords.ts); the
 * instances of concurrent calls all live until they finish, and a process's RSS does not come
 * back down after such a peak. Unbounded, 100 parallel logins took the server from 84 MB to
 * 1.32 GB (issue 10 item 7). With `concurrency` slots the hash memory is at most
 * concurrency × 19 MiB; up to `maxQueued` more callers wait their turn, in order, holding no WASM
 * memory; anyone beyond that is answered at once with 429 and Retry-After, before their attempt
 * is counted or hashed.
 */
export class HashGate {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly concurrency = 2,
    readonly maxQueued = 64,
  ) {}

  /** Refuses now, before anything is counted, when the queue is full. */
  checkRoom(): void {
    if (this.#running >= this.concurrency && this.#waiting.length >= this.maxQueued) {
      throw new RateLimitedError('too many logins at once; try again in a moment', 1);
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.checkRoom();
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so #running stays counted for it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }

  /** For tests and metrics: hashes running, and callers waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }
}
