import { z } from '@hono/zod-openapi';
import type { DirectoryConfig, IdsyncConfig } from '../config/load.js';
import { directorySchema } from '../config/schema.js';
import { IdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SyncService } from '../serve/server.js';
import type { DirectoryWorker } from '../serve/worker.js';
import type { Store } from '../store/db.js';
import { fieldError } from './errors.js';
import { secretBoxFor, type SecretBox } from './secret-box.js';
import { baseDirOf, entryFromRow, parseDirectoryInput, type StoredRow } from './stored-directories.js';

export { loadStoredDirectories, parseDirectoryInput } from './stored-directories.js';

/**
 * A directory as the API takes it: the keys of a directory in the configuration file, with two
 * differences that keep an administrator from reaching outside the store through a directory:
 * no `caFile` (the CA is sent inline as `ca`), and `bind.password` only as a plain string,
 * never a `{ file }` or `{ env }` reference (either would let the API send a local file or an
 * environment variable to an LDAP server of the caller's choosing). The password is write-only.
 */
export const directoryInputSchema = directorySchema
  .omit({ caFile: true, bind: true })
  .extend({
    bind: z
      .object({
        dn: z.string().min(1),
        password: z.string().min(1).max(1024).optional().openapi({ description: 'Write-only. Required when creating; when updating, omit it to keep the stored one.' }),
      })
      .strict()
      .optional(),
  })
  .openapi('DirectoryInput');
export type DirectoryInput = z.infer<typeof directoryInputSchema>;

export interface DirectoryEntry {
  name: string;
  managedBy: 'file' | 'api';
  cfg: DirectoryConfig;
  /** API directories: the stored input, without the password. */
  input?: DirectoryInput;
  passwordSet: boolean;
  updatedAt?: string;
  updatedBy?: string | null;
}

/**
 * What, if anything, changed where a bind password would be sent: the servers (host, port and
 * transport, compared as resolved, so `ldaps://dc1` equals `ldaps://dc1:636`), the CA, hostname
 * verification, or the bind DN (a DN of the administrator's choosing on the same server would
 * also let them learn the password, from the server's log of failed binds).
 */
export function destinationChange(before: DirectoryConfig | undefined, after: DirectoryConfig): string | null {
  if (!before) return 'the configuration';
  const servers = (c: DirectoryConfig) => c.servers.map((s) => `${s.transport}:${s.host.toLowerCase()}:${s.port}`).join(' ');
  if (servers(before) !== servers(after)) return before.servers.some((s, i) => s.transport !== after.servers[i]?.transport) ? 'the servers or the transport' : 'the servers';
  if ((before.tls.ca ?? '') !== (after.tls.ca ?? '')) return 'the CA';
  if (before.tls.verifyHostname !== after.tls.verifyHostname) return 'verifyHostname';
  if ((before.bind?.dn ?? '') !== (after.bind?.dn ?? '')) return 'the bind DN';
  return null;
}

export class DirectoryRegistry {
  readonly #baseDir: string;
  #sealer: SecretBox | undefined;
  readonly #adding = new Map<string, Promise<DirectoryWorker>>();

  constructor(
    private readonly store: Store,
    private readonly config: IdsyncConfig,
    private readonly service: SyncService,
    private readonly serving: boolean,
    private readonly log: Logger,
  ) {
    this.#baseDir = baseDirOf(config);
  }

  /** Made on first use: a deployment that never stores a directory through the API needs no key. */
  get #box(): SecretBox {
    this.#sealer ??= secretBoxFor(this.config);
    return this.#sealer;
  }

  #fromFile(name: string): DirectoryConfig | undefined {
    return this.config.directories.find((d) => d.name === name);
  }

  #entry(row: StoredRow): DirectoryEntry | undefined {
    return entryFromRow(row, this.#baseDir, this.#box, this.log);
  }

  /** File directories first, in file order, then API ones by name. A stored one whose name the file now uses is hidden. */
  async list(): Promise<DirectoryEntry[]> {
    const out: DirectoryEntry[] = this.config.directories.map((cfg) => ({ name: cfg.name, managedBy: 'file', cfg, passwordSet: !!cfg.bind && !cfg.bind.password.isEmpty }));
    const rows = await this.store.db.selectFrom('api_directories').selectAll().orderBy('name').execute();
    for (const r of rows) {
      if (this.#fromFile(r.name)) continue;
      const e = this.#entry(r);
      if (e) out.push(e);
    }
    return out;
  }

  async find(name: string): Promise<DirectoryEntry | undefined> {
    const file = this.#fromFile(name);
    if (file) return { name, managedBy: 'file', cfg: file, passwordSet: !!file.bind && !file.bind.password.isEmpty };
    const row = await this.store.db.selectFrom('api_directories').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? this.#entry(row) : undefined;
  }

  async get(name: string): Promise<DirectoryEntry> {
    const e = await this.find(name);
    if (!e) throw new IdsyncError('UNKNOWN_DIRECTORY', `no directory named "${name}"`, { where: name });
    return e;
  }

  /** The store refuses what a sync would refuse: another type under the same name, or a new username attribute after the first sync. */
  async #checkAgainstStore(cfg: DirectoryConfig): Promise<void> {
    const row = await this.store.db.selectFrom('directories').selectAll().where('name', '=', cfg.name).executeTakeFirst();
    if (!row) return;
    if (row.type !== cfg.type) {
      throw fieldError('VALIDATION_FAILED', `directory "${cfg.name}" was synced as ${row.type}; use a new name for a ${cfg.type} directory`, 'type');
    }
    if (row.first_synced_at && row.username_attribute.toLowerCase() !== cfg.attributes.username.toLowerCase()) {
      throw fieldError(
        'USERNAME_ATTRIBUTE_LOCKED',
        `the username attribute cannot change after the first sync (it is ${row.username_attribute}); use username aliases for other login names`,
        'attributes.username',
      );
    }
  }

  #stored(input: DirectoryInput): string {
    const { bind, ...rest } = input;
    return JSON.stringify(bind ? { ...rest, bind: { dn: bind.dn } } : rest);
  }

  async create(input: DirectoryInput, actor: string, now: Date): Promise<DirectoryEntry> {
    if (await this.find(input.name)) throw fieldError('STORE_CONFLICT', `a directory named "${input.name}" already exists`, 'name');
    if (input.bind && !input.bind.password) throw fieldError('VALIDATION_FAILED', 'a bind DN needs its password', 'bind.password');
    const password = input.bind?.password ?? null;
    const cfg = parseDirectoryInput(input, password, this.#baseDir);
    await this.#checkAgainstStore(cfg);
    const ts = now.toISOString();
    await this.store.db
      .insertInto('api_directories')
      .values({ name: input.name, config: this.#stored(input), bind_password: password === null ? null : this.#box.seal(password), created_at: ts, updated_at: ts, updated_by: actor })
      .execute();
    await this.service.addDirectory(cfg, this.serving);
    return (await this.get(input.name))!;
  }

  async #apiRow(name: string) {
    if (this.#fromFile(name)) throw fieldError('DIRECTORY_MANAGED_BY_FILE', `directory "${name}" is defined in the configuration file; change it there`, 'name');
    const row = await this.store.db.selectFrom('api_directories').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new IdsyncError('UNKNOWN_DIRECTORY', `no directory named "${name}"`, { where: name });
    return row;
  }

  /** The stored configuration as it was resolved; undefined when it no longer validates (then every destination counts as changed). */
  #previous(row: StoredRow): DirectoryConfig | undefined {
    try {
      return parseDirectoryInput(JSON.parse(row.config) as DirectoryInput, 'placeholder', this.#baseDir);
    } catch {
      return undefined;
    }
  }

  /** Replaces the whole configuration; the stored password stays unless a new one is given (or `bind` is dropped). */
  async update(name: string, input: DirectoryInput, actor: string, now: Date): Promise<DirectoryEntry> {
    const row = await this.#apiRow(name);
    if (input.name !== name) throw fieldError('VALIDATION_FAILED', `the name cannot change (a new name is a new directory): expected "${name}"`, 'name');
    const kept = () => (row.bind_password === null ? null : this.#box.open(row.bind_password, `the stored bind password of directory "${name}"`));
    if (input.bind && !input.bind.password && row.bind_password !== null) {
      // The stored password may go only where it went before: otherwise an administrator could
      // point the directory at a server of theirs (in clear, or with a CA they control) and have
      // the next connection test or sync send it there. Validate the destination first, so a bad
      // URL is still answered as such.
      const changed = destinationChange(this.#previous(row), parseDirectoryInput(input, 'placeholder', this.#baseDir));
      if (changed) throw fieldError('VALIDATION_FAILED', `changing ${changed} requires the bind password again: send bind.password (the stored one is only sent where it was sent before)`, 'bind.password');
    }
    const password = input.bind ? (input.bind.password ?? kept()) : null;
    if (input.bind && !password) throw fieldError('VALIDATION_FAILED', 'a bind DN needs its password', 'bind.password');
    const cfg = parseDirectoryInput(input, password, this.#baseDir);
    await this.#checkAgainstStore(cfg);
    await this.store.db
      .updateTable('api_directories')
      .set({ config: this.#stored(input), bind_password: password === null ? null : this.#box.seal(password), updated_at: now.toISOString(), updated_by: actor })
      .where('id', '=', row.id)
      .execute();
    // Replacing the worker waits for its current run, so the answer means "the new configuration is in effect".
    await this.service.addDirectory(cfg, this.serving);
    return (await this.get(name))!;
  }

  /** Forgets the configuration and stops its worker. Users it synced stay in the store, as when a directory leaves the file. */
  async remove(name: string): Promise<void> {
    const row = await this.#apiRow(name);
    await this.store.db.deleteFrom('api_directories').where('id', '=', row.id).execute();
    await this.service.removeDirectory(name);
  }

  /** The directory's worker: every write for a directory goes through its queue. */
  async worker(name: string): Promise<DirectoryWorker> {
    const e = await this.get(name);
    // create and update replace the worker, so one that exists runs the current configuration;
    // a missing one is a stored directory this process has not needed yet. Two requests for it
    // at once must share one new worker, not replace each other's.
    const existing = this.service.workers.get(name);
    if (existing) return existing;
    let adding = this.#adding.get(name);
    if (!adding) {
      adding = this.service.addDirectory(e.cfg, this.serving).finally(() => this.#adding.delete(name));
      this.#adding.set(name, adding);
    }
    return adding;
  }
}
