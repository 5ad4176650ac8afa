import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KdfPool } from '../../auth/kdf-pool.js';
import type { LdapStream } from '../../directory/stream/ldap-stream.js';
import type { Logger } from '../../log.js';
import type { Secret } from '../../secret.js';
import type { AgentDirectoryConfig, PasswordSyncConfig } from '../config.js';
import { backoffMs, type PasswordChange } from '../wire.js';
import { PasswordQueue } from './queue.js';
import { highestCommittedUsn, openPrivileged, type PasswordRecord, readUsers, UF_ACCOUNTDISABLE } from './samba-reader.js';

/**
 * One directory's password hash sync on a Samba DC (issue 14): a full read at the first start (or
 * on `resync`), then a uSNChanged poll every pollMs. A user whose pwdLastSet differs from the one
 * last sent gets a new verifier (a new random salt, the configured KDF parameters: a verifier made
 * with older parameters is replaced at the user's next change) and goes to the encrypted outbox.
 *
 * The cursor (highest USN read, each user's last pwdLastSet) is written after the batch is in the
 * outbox: a crash in between sends that batch's users again, which the hub applies once because it
 * ignores a change whose pwdLastSet is not newer than the one it has.
 */

interface Cursor {
  usn: number | null;
  /** objectGUID → pwdLastSet last sent. */
  seen: Record<string, string>;
}

export interface PasswordSyncStats {
  lastFull?: { users: number; derived: number; ms: number; workers: number; kdf: PasswordSyncConfig['kdf'] };
  lastChangeAt?: string;
}

export class PasswordSync {
  readonly queue: PasswordQueue;
  readonly stats: PasswordSyncStats = {};
  /** Called after a batch is queued, so the client can send it. */
  onQueued: () => void = () => undefined;
  readonly #cfg: PasswordSyncConfig;
  readonly #cursorFile: string;
  #cursor: Cursor;
  #stream: LdapStream | undefined;
  #stopped = false;
  #resync = false;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    readonly directory: AgentDirectoryConfig,
    secretKey: Secret,
    private readonly pool: KdfPool,
    private readonly log: Logger,
  ) {
    this.#cfg = directory.passwordSync!;
    this.queue = new PasswordQueue(this.#cfg.queueDir, secretKey);
    this.#cursorFile = path.join(this.#cfg.queueDir, 'cursor.json');
    this.#cursor = existsSync(this.#cursorFile) ? (JSON.parse(readFileSync(this.#cursorFile, 'utf8')) as Cursor) : { usn: null, seen: {} };
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Every user's password again at the next turn (`idsync passwords resync`). */
  resync(): void {
    this.#resync = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
    await this.#stream?.close();
  }

  async #loop(): Promise<void> {
    let attempt = 0;
    while (!this.#stopped) {
      try {
        this.#stream ??= await openPrivileged(this.#cfg.socket);
        if (this.#cursor.usn === null || this.#resync) await this.#full();
        else await this.#incremental();
        attempt = 0;
      } catch (err) {
        const delay = backoffMs(attempt++, 1000, 30_000);
        this.log.warn({ directory: this.directory.name, err: (err as Error).message, retryInMs: delay }, 'password sync: reading the DC failed');
        await this.#stream?.close().catch(() => undefined);
        this.#stream = undefined;
        await this.#pause(delay);
        continue;
      }
      await this.#pause(this.#cfg.pollMs);
    }
  }

  #pause(ms: number): Promise<void> {
    const ac = new AbortController();
    this.#wake = () => ac.abort();
    return sleep(ms, undefined, { signal: ac.signal }).catch(() => undefined);
  }

  async #full(): Promise<void> {
    this.#resync = false;
    const t0 = performance.now();
    const usn = await highestCommittedUsn(this.#stream!);
    let users = 0;
    let derived = 0;
    for await (const page of readUsers(this.#stream!, this.directory.baseDn)) {
      users += page.length;
      const changes = await Promise.all(page.map((r) => this.#change(r)));
      derived += changes.filter((c) => c.verifier).length;
      this.#enqueue(changes, page);
    }
    this.#cursor.usn = usn;
    this.#saveCursor();
    const ms = Math.round(performance.now() - t0);
    this.stats.lastFull = { users, derived, ms, workers: this.pool.size, kdf: this.#cfg.kdf };
    this.log.info({ directory: this.directory.name, users, derived, ms, workers: this.pool.size }, 'password sync: full read done');
  }

  async #incremental(): Promise<void> {
    const now = await highestCommittedUsn(this.#stream!);
    const since = this.#cursor.usn ?? 0;
    if (now <= since) return;
    let top = now;
    for await (const page of readUsers(this.#stream!, this.directory.baseDn, since)) {
      const changed = page.filter((r) => this.#cursor.seen[r.guid] !== r.pwdLastSet);
      for (const r of page) top = Math.max(top, r.usn);
      for (const r of page) if (!changed.includes(r)) r.nt?.fill(0);
      if (!changed.length) continue;
      this.#enqueue(await Promise.all(changed.map((r) => this.#change(r))), changed);
    }
    this.#cursor.usn = top;
    this.#saveCursor();
  }

  #enqueue(changes: PasswordChange[], records: PasswordRecord[]): void {
    if (!changes.length) return;
    this.queue.push({ directory: this.directory.name, changes });
    for (const r of records) this.#cursor.seen[r.guid] = r.pwdLastSet;
    this.#saveCursor();
    this.stats.lastChangeAt = new Date().toISOString();
    this.onQueued();
  }

  /** Entra's rules: pwdLastSet = 0 (must change at next logon) is FilteredByTarget and not synced. */
  async #change(r: PasswordRecord): Promise<PasswordChange> {
    const base = { guid: r.guid, username: r.sAMAccountName, pwdLastSet: r.pwdLastSet, disabled: (r.userAccountControl & UF_ACCOUNTDISABLE) !== 0 };
    if (r.pwdLastSet === '0') {
      r.nt?.fill(0);
      return { ...base, status: 'FilteredByTarget', reason: 'the user must change the password at next logon (pwdLastSet = 0)' };
    }
    if (!r.nt) return { ...base, status: 'Failed', reason: 'the directory holds no NT hash for the user' };
    try {
      return { ...base, status: 'Success', verifier: await this.pool.derive(r.nt, randomBytes(16), this.#cfg.kdf) };
    } catch (err) {
      return { ...base, status: 'Failed', reason: `deriving the verifier failed: ${(err as Error).message}` };
    }
  }

  #saveCursor(): void {
    const tmp = `${this.#cursorFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#cursor), { mode: 0o600 });
    renameSync(tmp, this.#cursorFile);
  }
}
