import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path, { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RateLimitedError } from './hash-gate.js';
import { isLdapHash, type LdapCheck, parseLdapHash } from './ldap-hash.js';
import { type KdfParams, NT_VERIFIER_PARAMS, parseNtVerifier } from './nt-verifier.js';

/**
 * argon2id off the event loop (issue 14): password hash sync derives a verifier per user (10,000
 * at the first sync) and the verify API checks one per request, each ~0.1 s of CPU and 19 MiB.
 * Run on the main thread, a flood of verifications would stall every other API call; here they
 * run on at most `size` worker threads, `queueLimit` more wait in order, and anyone beyond that is
 * refused at once with RateLimitedError (429 + Retry-After) before any work is done.
 *
 * The worker is evaluated from source (the CLI is bundled into one file by esbuild, so there is no
 * worker file beside it) and loads hash-wasm from where this module resolves it.
 */

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { timingSafeEqual } = require('node:crypto');
const { createHash, pbkdf2Sync } = require('node:crypto');
const hashWasm = require(workerData.hashWasm);
const { argon2id, md4 } = hashWasm;
let unixcrypt;
const same = (a, b) => a.length === b.length && timingSafeEqual(a, b);
// An imported OpenLDAP hash (src/auth/ldap-hash.ts parsed it into c): compute, then compare in constant time.
async function ldap(password, c) {
  const pw = Buffer.from(password, 'utf8');
  try {
    switch (c.kind) {
      case 'digest':
        return same(createHash(c.algorithm).update(pw).update(c.salt).digest(), Buffer.from(c.expected));
      case 'pbkdf2':
        return same(pbkdf2Sync(pw, c.salt, c.iterations, c.expected.length, c.digest), Buffer.from(c.expected));
      case 'argon2': {
        const got = await hashWasm[c.variant]({ password: pw, salt: c.salt, iterations: c.iterations, memorySize: c.memorySize,
          parallelism: c.parallelism, hashLength: c.expected.length, outputType: 'binary' });
        return same(Buffer.from(got), Buffer.from(c.expected));
      }
      case 'bcrypt': {
        // bcrypt reads at most 72 bytes of the password (as libxcrypt's crypt() does for $2b$).
        const enc = await hashWasm.bcrypt({ password: pw.subarray(0, 72), salt: c.salt, costFactor: c.cost, outputType: 'encoded' });
        return same(Buffer.from(enc.slice(-31)), Buffer.from(c.expected));
      }
      case 'shacrypt': {
        unixcrypt ??= await import(workerData.unixcrypt);
        const out = unixcrypt.encrypt(password, c.setting);
        return same(Buffer.from(out.slice(out.lastIndexOf('$') + 1)), Buffer.from(c.expected));
      }
    }
    return false;
  } finally {
    pw.fill(0);
  }
}
const input = (nt) => Buffer.from(Buffer.from(nt).toString('hex').toUpperCase(), 'utf16le');
parentPort.on('message', async (task) => {
  let data;
  try {
    if (task.kind === 'derive') {
      const pw = input(task.nt);
      Buffer.from(task.nt.buffer, task.nt.byteOffset, task.nt.byteLength).fill(0);
      data = await argon2id({ password: pw, salt: Buffer.from(task.salt), ...task.params, outputType: 'encoded' });
      pw.fill(0);
    } else if (task.kind === 'ldap') {
      data = await ldap(task.password, task.check);
    } else {
      let pw;
      if (task.plain) pw = Buffer.from(task.password, 'utf8');
      else {
        const nt = Buffer.from(await md4(Buffer.from(task.password, 'utf16le')), 'hex');
        pw = input(nt);
        nt.fill(0);
      }
      const got = Buffer.from(await argon2id({ password: pw, salt: Buffer.from(task.salt), ...task.params, outputType: 'hex' }), 'hex');
      pw.fill(0);
      const want = Buffer.from(task.hash);
      data = got.length === want.length && timingSafeEqual(got, want);
    }
    parentPort.postMessage({ id: task.id, ok: true, data });
  } catch (err) {
    parentPort.postMessage({ id: task.id, ok: false, data: String(err && err.message) });
  }
});
`;

/**
 * unixcrypt (SHA-crypt) is an ES module only, so the worker imports it by URL. import.meta.resolve
 * where the runtime has it (Node 20.6+); else beside hash-wasm in the same node_modules.
 */
function unixcryptUrl(): string {
  try {
    return import.meta.resolve('unixcrypt');
  } catch {
    const hashWasm = createRequire(import.meta.url).resolve('hash-wasm');
    const root = hashWasm.slice(0, hashWasm.lastIndexOf(`${sep}hash-wasm${sep}`));
    return pathToFileURL(path.join(root, 'unixcrypt', 'dist', 'index.js')).href;
  }
}

type Task = (
  | { kind: 'derive'; nt: Uint8Array; salt: Uint8Array; params: KdfParams }
  | { kind: 'verify'; password: string; salt: Uint8Array; hash: Uint8Array; params: KdfParams }
  | { kind: 'ldap'; password: string; check: LdapCheck }
) & {
  id: number;
};

interface Pending {
  task: Task;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export interface KdfPoolOptions {
  /** Worker threads (default: the CPUs, at least 1). */
  size?: number;
  /** Tasks allowed to wait for a worker; beyond, RateLimitedError. Infinity for the agent's own bulk derivation. */
  queueLimit?: number;
}

export class KdfPool {
  readonly size: number;
  readonly queueLimit: number;
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Pending[] = [];
  readonly #running = new Map<number, { worker: Worker; p: Pending }>();
  #nextId = 1;
  #closed = false;
  /** Mean task time (ms), for Retry-After. */
  #meanMs = 100;

  constructor(options: KdfPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.queueLimit = options.queueLimit ?? 256;
  }

  /** A verifier for an NT hash (the caller's buffer is wiped once handed over). */
  derive(nt: Buffer, salt: Buffer, params: KdfParams = NT_VERIFIER_PARAMS): Promise<string> {
    const copy = new Uint8Array(nt);
    nt.fill(0);
    return this.#submit({ kind: 'derive', nt: copy, salt: new Uint8Array(salt), params, id: 0 }) as Promise<string>;
  }

  /**
   * Whether `password` matches a verifier: an NT-hash verifier (password hash sync), or with
   * `plain` an argon2id hash of the password itself (a local user's, src/auth/passwords.ts), or an
   * OpenLDAP hash imported as it is (`{SCHEME}…`, src/auth/ldap-hash.ts). False for a malformed
   * verifier or a scheme idsync does not check.
   */
  async verify(password: string, verifier: string, plain = false): Promise<boolean> {
    if (isLdapHash(verifier)) {
      const p = parseLdapHash(verifier);
      if (!p.ok) return false;
      return (await this.#submit({ kind: 'ldap', password, check: p.check, id: 0 })) as boolean;
    }
    const v = parseNtVerifier(verifier);
    if (!v) return false;
    const task = { kind: 'verify' as const, plain, password, salt: new Uint8Array(v.salt), hash: new Uint8Array(v.hash), params: v.params, id: 0 };
    return (await this.#submit(task)) as boolean;
  }

  /** Refuses now when the queue is full (before anything is counted). */
  checkRoom(): void {
    if (this.#closed) throw new RateLimitedError('the password verifier is shutting down', 1);
    if (this.#running.size >= this.size && this.#queue.length >= this.queueLimit) {
      const seconds = Math.max(1, Math.ceil(((this.#queue.length / this.size) * this.#meanMs) / 1000));
      throw new RateLimitedError('too many password checks waiting; try again in a moment', seconds);
    }
  }

  get load(): { running: number; waiting: number } {
    return { running: this.#running.size, waiting: this.#queue.length };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new Error('the KDF pool was closed'));
    await Promise.all(this.#all.map((w) => w.terminate()));
  }

  #submit(task: Task): Promise<unknown> {
    this.checkRoom();
    task.id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#pump();
    });
  }

  #worker(): Worker | undefined {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#all.length >= this.size) return undefined;
    const hashWasm = createRequire(import.meta.url).resolve('hash-wasm');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm, unixcrypt: unixcryptUrl() } });
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; data: unknown }) => this.#done(w, m));
    w.on('error', (err) => this.#lost(w, err));
    this.#all.push(w);
    return w;
  }

  #pump(): void {
    while (this.#queue.length) {
      const w = this.#worker();
      if (!w) return;
      const p = this.#queue.shift()!;
      const started = performance.now();
      const resolve = (v: unknown) => {
        this.#took(performance.now() - started);
        p.resolve(v);
      };
      this.#running.set(p.task.id, { worker: w, p: { ...p, resolve } });
      w.postMessage(p.task);
    }
  }

  #took(ms: number): void {
    this.#meanMs = this.#meanMs * 0.9 + ms * 0.1;
  }

  #done(w: Worker, m: { id: number; ok: boolean; data: unknown }): void {
    const r = this.#running.get(m.id);
    this.#running.delete(m.id);
    this.#idle.push(w);
    if (r) {
      if (m.ok) r.p.resolve(m.data);
      else r.p.reject(new Error(`KDF failed: ${String(m.data)}`));
    }
    this.#pump();
  }

  #lost(w: Worker, err: Error): void {
    this.#all.splice(this.#all.indexOf(w), 1);
    for (const [id, r] of this.#running) {
      if (r.worker !== w) continue;
      this.#running.delete(id);
      r.p.reject(err);
    }
    this.#pump();
  }
}
