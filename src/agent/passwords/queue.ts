import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Secret } from '../../secret.js';

/**
 * The agent's outbox of password changes (issue 14): what the hub has not acknowledged yet, on
 * disk, so nothing is lost while the hub is unreachable or the agent restarts.
 *
 * - Each batch is one file named by its sequence number, AES-256-GCM encrypted under a key
 *   derived (HKDF-SHA256, RFC 5869) from the agent's secret key, which is itself a protected
 *   secret (systemd-creds or a 0600 file): a copy of the folder alone reveals nothing. Verifiers
 *   are already salted argon2id, never NT hashes; the encryption keeps usernames and the timing
 *   of changes private as well. Files 0600, folder 0700.
 * - Delivered in order; the hub records the last sequence it applied per agent, directory and
 *   queue epoch and acknowledges; an acknowledged batch is deleted. A batch sent again (no ack
 *   before a disconnect) is acknowledged without being applied again: exactly once.
 * - The epoch is random per queue folder: a wiped folder starts at 1 again without the hub
 *   taking its batches for ones it has seen.
 */

export interface QueuedBatch {
  seq: number;
  body: unknown;
}

interface QueueState {
  epoch: string;
  nextSeq: number;
}

export class PasswordQueue {
  readonly #dir: string;
  readonly #key: Buffer;
  #state: QueueState;

  constructor(dir: string, secretKey: Secret) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    this.#key = Buffer.from(hkdfSync('sha256', Buffer.from(secretKey.reveal(), 'utf8'), Buffer.alloc(0), 'idsync agent password queue v1', 32));
    const stateFile = path.join(dir, 'queue.json');
    this.#state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as QueueState) : { epoch: randomUUID(), nextSeq: 1 };
    if (!existsSync(stateFile)) this.#saveState();
  }

  get epoch(): string {
    return this.#state.epoch;
  }

  /** Appends a batch; returns its sequence number. Written (fsync'd by rename) before this returns. */
  push(body: unknown): number {
    const seq = this.#state.nextSeq++;
    this.#saveState();
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(Buffer.from(`${this.#state.epoch}:${seq}`));
    const sealed = Buffer.concat([iv, c.update(JSON.stringify(body), 'utf8'), c.final(), c.getAuthTag()]);
    this.#atomicWrite(this.#file(seq), sealed);
    return seq;
  }

  /** The unacknowledged batches, oldest first. */
  pending(): QueuedBatch[] {
    return this.#seqs().map((seq) => ({ seq, body: this.#read(seq) }));
  }

  get size(): number {
    return this.#seqs().length;
  }

  /** The hub applied every batch up to `seq`. */
  ack(seq: number): void {
    for (const s of this.#seqs()) if (s <= seq) rmSync(this.#file(s), { force: true });
  }

  #read(seq: number): unknown {
    const buf = readFileSync(this.#file(seq));
    const d = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(0, 12));
    d.setAAD(Buffer.from(`${this.#state.epoch}:${seq}`));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return JSON.parse(Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString('utf8'));
  }

  #seqs(): number[] {
    return readdirSync(this.#dir)
      .map((f) => /^(\d{12})\.batch$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  #file(seq: number): string {
    return path.join(this.#dir, `${String(seq).padStart(12, '0')}.batch`);
  }

  #saveState(): void {
    this.#atomicWrite(path.join(this.#dir, 'queue.json'), Buffer.from(JSON.stringify(this.#state)));
  }

  #atomicWrite(file: string, data: Buffer): void {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600, flush: true });
    renameSync(tmp, file);
  }
}
