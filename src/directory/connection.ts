import type { DirectoryConfig, ServerSpec } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { DirectoryEntry } from './entry.js';
import { mapDirectoryError } from './errors.js';
import { maxPageEntries } from './stream/limits.js';
import { LdapStream, resultError, type CollectOptions } from './stream/ldap-stream.js';

export interface ServerAttempt {
  url: string;
  ok: boolean;
  ms: number;
  error?: { code: string; message: string };
}

export interface SearchSpec {
  base: string;
  scope?: 'base' | 'one' | 'sub';
  filter: string;
  attributes: string[];
  pageSize?: number;
}

/**
 * One bound connection to the first server of a directory that answers. Servers are tried in
 * order; a server that cannot be reached or fails TLS is skipped and recorded in `attempts`, so the
 * run report says why a backup was used. A bind refusal stops the walk: the credentials are the
 * same everywhere and repeating them would only lock the account sooner.
 *
 * Everything goes through idsync's own LDAP stream layer (src/directory/stream): bulk reads decode
 * entries only when used and ask for the next page while the current one is being processed; AD
 * change tracking (src/directory/ad) sends its controls on the same connection.
 */
export class DirectoryConnection {
  readonly server: ServerSpec;
  readonly attempts: ServerAttempt[];
  #stream: LdapStream;
  #cfg: DirectoryConfig;
  #binary: ReadonlySet<string>;
  /** performance.now() time at which this run's reading must stop (timeouts.runMs), if it is a run. */
  #runDeadline: number | undefined;

  private constructor(cfg: DirectoryConfig, stream: LdapStream, server: ServerSpec, attempts: ServerAttempt[], runDeadline: number | undefined) {
    this.#cfg = cfg;
    this.#runDeadline = runDeadline;
    this.#stream = stream;
    this.server = server;
    this.attempts = attempts;
    this.#binary = new Set(cfg.profile.binaryAttributes.map((a) => a.toLowerCase()));
  }

  /**
   * `run: true` (a sync) bounds everything read through this connection by timeouts.runMs from
   * now. Without it (serve's long-lived connection) each search is bounded by runMs on its own.
   */
  static async open(cfg: DirectoryConfig, options: { run?: boolean } = {}): Promise<DirectoryConnection> {
    const runDeadline = options.run && cfg.timeouts.runMs > 0 ? performance.now() + cfg.timeouts.runMs : undefined;
    const attempts: ServerAttempt[] = [];
    let lastError: IdsyncError | undefined;
    for (const server of cfg.servers) {
      const started = Date.now();
      let stream: LdapStream | undefined;
      try {
        stream = await LdapStream.open(cfg, server);
        if (!cfg.bind) {
          // An anonymous session has no bind to prove the server is alive: read the root DSE.
          const { result } = await stream.searchAll(
            { base: '', scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] },
            { timeoutMs: cfg.timeouts.operationMs },
          );
          if (result.resultCode !== 0) throw resultError(result, { server: server.url, operation: 'read root DSE' });
        }
        attempts.push({ url: server.url, ok: true, ms: Date.now() - started });
        return new DirectoryConnection(cfg, stream, server, attempts, runDeadline);
      } catch (err) {
        const e = mapDirectoryError(err, { server: server.url, operation: 'connect' });
        attempts.push({ url: server.url, ok: false, ms: Date.now() - started, error: { code: e.code, message: e.message } });
        await stream?.close();
        lastError = e;
        if (e.code === 'DIRECTORY_BIND_FAILED') break;
      }
    }
    const code = lastError?.code ?? 'DIRECTORY_UNREACHABLE';
    if (attempts.length === 1 && lastError) throw new IdsyncError(code, lastError.message, { cause: lastError });
    // Each message already names its server.
    const detail = attempts.map((a) => `  ${a.error?.message ?? `${a.url}: ok`}`).join('\n');
    throw new IdsyncError(code, `no server of directory "${cfg.name}" could be used:\n${detail}`, { cause: lastError });
  }

  /**
   * The bound stream itself, for AD change tracking (src/directory/ad), which sends its own
   * controls on the same connection as the bulk reads.
   */
  get stream(): LdapStream {
    this.#ensureOpen();
    return this.#stream;
  }

  /** A lost connection is an error here; the caller opens a new, bound one. */
  #ensureOpen(): void {
    if (this.#stream.closed) {
      throw new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection was lost`);
    }
  }

  /** Pages of a search, one at a time, so memory follows the page size and not the directory. */
  async *pages(spec: SearchSpec): AsyncGenerator<DirectoryEntry[]> {
    this.#ensureOpen();
    try {
      const pageSize = spec.pageSize ?? this.#cfg.pageSize;
      yield* this.#stream.searchPages(
        { base: spec.base, scope: spec.scope ?? 'sub', filter: spec.filter, attributes: spec.attributes },
        pageSize,
        this.#collectOptions(pageSize),
      );
    } catch (err) {
      // Refusals and timeouts are IdsyncErrors already; this names the server and base for the
      // rest (a malformed paged-results control, say).
      throw mapDirectoryError(err, { server: this.server.url, operation: `search ${spec.filter} under`, target: spec.base });
    }
  }

  /** A base-scope read of one entry; undefined when it does not exist. */
  async read(dn: string, attributes: string[], filter = '(objectClass=*)'): Promise<DirectoryEntry | undefined> {
    this.#ensureOpen();
    const { entries, result } = await this.#stream.searchAll({ base: dn, scope: 'base', filter, attributes }, this.#collectOptions(this.#cfg.pageSize));
    if (result.resultCode === 32) return undefined;
    if (result.resultCode !== 0) throw resultError(result, { server: this.server.url, operation: 'read', target: dn });
    return entries[0];
  }

  /**
   * Silence is bounded by operationMs, a page by its entry count, and the reading by runMs: from
   * the start of the run, or from the start of this search when the connection is not a run's.
   */
  #collectOptions(pageSize: number): CollectOptions {
    const runMs = this.#cfg.timeouts.runMs;
    const at = this.#runDeadline ?? performance.now() + runMs;
    return {
      binary: this.#binary,
      timeoutMs: this.#cfg.timeouts.operationMs,
      maxEntries: maxPageEntries(this.#cfg.limits, pageSize),
      ...(Number.isFinite(at) ? { deadline: { at, runMs } } : {}),
    };
  }

  async rootDse(attributes: string[]): Promise<DirectoryEntry | undefined> {
    return this.read('', attributes);
  }

  async close(): Promise<void> {
    await this.#stream.close();
  }
}
