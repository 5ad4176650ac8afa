import type { DirectoryConfig, IdsyncConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { directoryStatus, storedDirectories, type DirectoryStatus, type StoredDirectories, type StoredDirectoryRow } from '../store/configured-directories.js';
import type { Store } from '../store/db.js';
import { baseDirOf, destinationChange, inputError, parseDirectoryInput, storedForm, type DirectoryInput } from './input.js';
import { SecretBox, secretBoxFor } from './secret-box.js';

/*
 * The configured directories: those of the configuration file and those created through the admin
 * API (which live in the store, issue 10 item 5), merged one way for everyone. `idsync serve`
 * starts a worker for each, the API lists and edits them, and every command that works on
 * directories (sync, status, approve, directory test, ...) sees the same set. The file wins a name:
 * a stored directory whose name the file now uses is hidden.
 */

/** A directory as configured (not an LDAP entry: that is src/directory/entry.ts). */
export interface ConfiguredDirectory {
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
 * What runs the directories: `idsync serve`'s SyncService (src/serve/server.ts), one worker `W`
 * per directory. The registry tells it when a directory is created, changed or removed.
 */
export interface DirectoryRunner<W> {
  readonly workers: ReadonlyMap<string, W>;
  addDirectory(cfg: DirectoryConfig, start: boolean): Promise<W>;
  removeDirectory(name: string): Promise<void>;
}

export class DirectoryRegistry<W = never> {
  readonly #baseDir: string;
  readonly #stored: StoredDirectories;
  readonly #status: DirectoryStatus;
  #sealer: SecretBox | undefined;
  readonly #adding = new Map<string, Promise<W>>();

  /** `runner` and `serving`: the API's, whose created directories get a worker (started under `idsync serve`). */
  constructor(
    store: Store,
    readonly config: IdsyncConfig,
    private readonly runner: DirectoryRunner<W> | undefined,
    private readonly serving: boolean,
    private readonly log: Logger,
  ) {
    this.#baseDir = baseDirOf(config);
    this.#stored = storedDirectories(store);
    this.#status = directoryStatus(store);
  }

  /** For the command line and for starting `idsync serve`: nothing runs directories yet. */
  static forCommands(store: Store, config: IdsyncConfig, log: Logger): DirectoryRegistry {
    return new DirectoryRegistry(store, config, undefined, false, log);
  }

  /** Made on first use: a deployment that never stores a directory through the API needs no key. */
  get #box(): SecretBox {
    this.#sealer ??= secretBoxFor(this.config);
    return this.#sealer;
  }

  #fromFile(name: string): DirectoryConfig | undefined {
    return this.config.directories.find((d) => d.name === name);
  }

  #fileEntry(cfg: DirectoryConfig): ConfiguredDirectory {
    return { name: cfg.name, managedBy: 'file', cfg, passwordSet: !!cfg.bind && !cfg.bind.password.isEmpty };
  }

  #entry(row: StoredDirectoryRow): ConfiguredDirectory | undefined {
    const input = JSON.parse(row.config) as DirectoryInput;
    // Outside the try: a key that cannot be had at all (too short, its file unreadable) stops the caller.
    const box = this.#box;
    try {
      const password = row.bind_password === null ? null : box.open(row.bind_password, `the bind password of directory "${row.name}"`);
      const cfg = parseDirectoryInput(input, password, this.#baseDir);
      return { name: row.name, managedBy: 'api', cfg, input, passwordSet: !!row.bind_password, updatedAt: row.updated_at, updatedBy: row.updated_by };
    } catch (err) {
      // A key that does not open the password, or a later idsync validating more strictly than the
      // one that stored it: the directory is left out, and the log says why.
      this.log.error({ directory: row.name, err: (err as Error).message }, 'a directory stored through the API cannot be used; it is ignored');
      return undefined;
    }
  }

  /** The usable stored directories the file does not shadow, by name; `warn` logs those it shadows. */
  async #storedEntries(warn: boolean): Promise<ConfiguredDirectory[]> {
    const out: ConfiguredDirectory[] = [];
    for (const r of await this.#stored.list()) {
      if (this.#fromFile(r.name)) {
        if (warn) this.log.warn({ directory: r.name }, "a directory created through the API has the name of one in the configuration file; the file's is used");
        continue;
      }
      const e = this.#entry(r);
      if (e) out.push(e);
    }
    return out;
  }

  /** File directories first, in file order, then API ones by name. A stored one whose name the file now uses is hidden. */
  async list(): Promise<ConfiguredDirectory[]> {
    return [...this.config.directories.map((cfg) => this.#fileEntry(cfg)), ...(await this.#storedEntries(false))];
  }

  /** The configuration of every directory, as `idsync serve` runs them and the commands see them. */
  async configs(): Promise<DirectoryConfig[]> {
    return [...this.config.directories, ...(await this.storedConfigs())];
  }

  /** Only those created through the API (a stored directory that cannot be used is left out, with a log line saying why). */
  async storedConfigs(): Promise<DirectoryConfig[]> {
    if (!(await this.#stored.any())) return [];
    return (await this.#storedEntries(true)).map((e) => e.cfg);
  }

  /** Names and types of every directory, without opening a stored password (for `idsync status`). */
  async names(): Promise<{ name: string; type: string }[]> {
    const stored = (await this.#stored.summaries()).filter((r) => !this.#fromFile(r.name));
    return [
      ...this.config.directories.map((d) => ({ name: d.name, type: d.type as string })),
      ...stored.map((r) => ({ name: r.name, type: (JSON.parse(r.config) as { type: string }).type })),
    ];
  }

  /** Passwords an idsync without encryption at rest stored in clear are sealed when serve starts. */
  async sealClearPasswords(): Promise<void> {
    for (const r of await this.#stored.passwords()) {
      if (SecretBox.isSealed(r.bindPassword)) continue;
      if (await this.#stored.swapPassword(r.id, r.bindPassword, this.#box.seal(r.bindPassword)))
        this.log.info({ directory: r.name }, 'the stored bind password is now encrypted at rest');
    }
  }

  async find(name: string): Promise<ConfiguredDirectory | undefined> {
    const file = this.#fromFile(name);
    if (file) return this.#fileEntry(file);
    const row = await this.#stored.find(name);
    return row ? this.#entry(row) : undefined;
  }

  async get(name: string): Promise<ConfiguredDirectory> {
    const e = await this.find(name);
    if (!e) throw new IdsyncError('UNKNOWN_DIRECTORY', `no directory named "${name}"`, { where: name });
    return e;
  }

  /** The store refuses what a sync would refuse: another type under the same name, or a new username attribute after the first sync. */
  async #checkAgainstStore(cfg: DirectoryConfig): Promise<void> {
    const row = await this.#status.synced(cfg.name);
    if (!row) return;
    if (row.type !== cfg.type) {
      throw inputError('VALIDATION_FAILED', `directory "${cfg.name}" was synced as ${row.type}; use a new name for a ${cfg.type} directory`, 'type');
    }
    if (row.first_synced_at && row.username_attribute.toLowerCase() !== cfg.attributes.username.toLowerCase()) {
      throw inputError(
        'USERNAME_ATTRIBUTE_LOCKED',
        `the username attribute cannot change after the first sync (it is ${row.username_attribute}); use username aliases for other login names`,
        'attributes.username',
      );
    }
  }

  async create(input: DirectoryInput, actor: string, now: Date): Promise<ConfiguredDirectory> {
    if (await this.find(input.name)) throw inputError('STORE_CONFLICT', `a directory named "${input.name}" already exists`, 'name');
    if (input.bind && !input.bind.password) throw inputError('VALIDATION_FAILED', 'a bind DN needs its password', 'bind.password');
    const password = input.bind?.password ?? null;
    const cfg = parseDirectoryInput(input, password, this.#baseDir);
    await this.#checkAgainstStore(cfg);
    await this.#stored.insert(input.name, { config: storedForm(input), bindPassword: password === null ? null : this.#box.seal(password), actor }, now);
    await this.runner?.addDirectory(cfg, this.serving);
    return (await this.get(input.name))!;
  }

  async #apiRow(name: string): Promise<StoredDirectoryRow> {
    if (this.#fromFile(name))
      throw inputError('DIRECTORY_MANAGED_BY_FILE', `directory "${name}" is defined in the configuration file; change it there`, 'name');
    const row = await this.#stored.find(name);
    if (!row) throw new IdsyncError('UNKNOWN_DIRECTORY', `no directory named "${name}"`, { where: name });
    return row;
  }

  /** The stored configuration as it was resolved; undefined when it no longer validates (then every destination counts as changed). */
  #previous(row: StoredDirectoryRow): DirectoryConfig | undefined {
    try {
      return parseDirectoryInput(JSON.parse(row.config) as DirectoryInput, 'placeholder', this.#baseDir);
    } catch {
      return undefined;
    }
  }

  /** Replaces the whole configuration; the stored password stays unless a new one is given (or `bind` is dropped). */
  async update(name: string, input: DirectoryInput, actor: string, now: Date): Promise<ConfiguredDirectory> {
    const row = await this.#apiRow(name);
    if (input.name !== name) throw inputError('VALIDATION_FAILED', `the name cannot change (a new name is a new directory): expected "${name}"`, 'name');
    const kept = () => (row.bind_password === null ? null : this.#box.open(row.bind_password, `the stored bind password of directory "${name}"`));
    if (input.bind && !input.bind.password && row.bind_password !== null) {
      // The stored password may go only where it went before: otherwise an administrator could
      // point the directory at a server of theirs (in clear, or with a CA they control) and have
      // the next connection test or sync send it there. Validate the destination first, so a bad
      // URL is still answered as such.
      const changed = destinationChange(this.#previous(row), parseDirectoryInput(input, 'placeholder', this.#baseDir));
      if (changed)
        throw inputError(
          'VALIDATION_FAILED',
          `changing ${changed} requires the bind password again: send bind.password (the stored one is only sent where it was sent before)`,
          'bind.password',
        );
    }
    const password = input.bind ? (input.bind.password ?? kept()) : null;
    if (input.bind && !password) throw inputError('VALIDATION_FAILED', 'a bind DN needs its password', 'bind.password');
    const cfg = parseDirectoryInput(input, password, this.#baseDir);
    await this.#checkAgainstStore(cfg);
    await this.#stored.replace(row.id, { config: storedForm(input), bindPassword: password === null ? null : this.#box.seal(password), actor }, now);
    // Replacing the worker waits for its current run, so the answer means "the new configuration is in effect".
    await this.runner?.addDirectory(cfg, this.serving);
    return (await this.get(name))!;
  }

  /** Forgets the configuration and stops its worker. Users it synced stay in the store, as when a directory leaves the file. */
  async remove(name: string): Promise<void> {
    const row = await this.#apiRow(name);
    await this.#stored.remove(row.id);
    await this.runner?.removeDirectory(name);
  }

  /** The directory's worker: every write for a directory goes through its queue. */
  async worker(name: string): Promise<W> {
    const e = await this.get(name);
    const runner = this.runner;
    if (!runner) throw new IdsyncError('INTERNAL', `directory "${name}": nothing runs directories in this process`);
    // create and update replace the worker, so one that exists runs the current configuration;
    // a missing one is a stored directory this process has not needed yet. Two requests for it
    // at once must share one new worker, not replace each other's.
    const existing = runner.workers.get(name);
    if (existing) return existing;
    let adding = this.#adding.get(name);
    if (!adding) {
      adding = runner.addDirectory(e.cfg, this.serving).finally(() => this.#adding.delete(name));
      this.#adding.set(name, adding);
    }
    return adding;
  }
}

/**
 * The directories created through the API, as `idsync serve` starts them beside the file's; serve
 * seals passwords an older idsync stored in clear (`seal`), a command that only reads leaves them.
 */
export async function loadStoredDirectories(store: Store, config: IdsyncConfig, log: Logger, opts: { seal?: boolean } = {}): Promise<DirectoryConfig[]> {
  const registry = DirectoryRegistry.forCommands(store, config, log);
  if (opts.seal !== false && (await storedDirectories(store).any())) await registry.sealClearPasswords();
  return registry.storedConfigs();
}
