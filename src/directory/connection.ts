import { Client } from 'ldapts';
import type { DirectoryConfig, ServerSpec } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { DirectoryEntry } from './entry.js';
import { mapDirectoryError } from './errors.js';
import { LdapStream, resultError } from './stream/ldap-stream.js';
import { tlsOptionsFor } from './tls.js';

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
 * Searches and reads go through idsync's own LDAP stream layer (src/directory/stream), whose bulk
 * path decodes entries without intermediate objects and asks for the next page while the current
 * one is being processed. AD change tracking still sends its controls through ldapts
 * (src/directory/ad/raw-search.ts); that client is opened on first use, to the same server.
 */
export class DirectoryConnection {
  readonly server: ServerSpec;
  readonly attempts: ServerAttempt[];
  #stream: LdapStream;
  #cfg: DirectoryConfig;
  #binary: ReadonlySet<string>;
  #adClient: Promise<Client> | undefined;

  private constructor(cfg: DirectoryConfig, stream: LdapStream, server: ServerSpec, attempts: ServerAttempt[]) {
    this.#cfg = cfg;
    this.#stream = stream;
    this.server = server;
    this.attempts = attempts;
    this.#binary = new Set(cfg.profile.binaryAttributes.map((a) => a.toLowerCase()));
  }

  static async open(cfg: DirectoryConfig): Promise<DirectoryConnection> {
    const attempts: ServerAttempt[] = [];
    let lastError: IdsyncError | undefined;
    for (const server of cfg.servers) {
      const started = Date.now();
      let stream: LdapStream | undefined;
      try {
        stream = await LdapStream.open(cfg, server);
        if (!cfg.bind) {
          // An anonymous session has no bind to prove the server is alive: read the root DSE.
          const { result } = await stream.searchAll({ base: '', scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }, { timeoutMs: cfg.timeouts.operationMs });
          if (result.resultCode !== 0) throw resultError(result, { server: server.url, operation: 'read root DSE' });
        }
        attempts.push({ url: server.url, ok: true, ms: Date.now() - started });
        return new DirectoryConnection(cfg, stream, server, attempts);
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
   * A bound ldapts client to the same server, for AD change tracking (src/directory/ad), which
   * sends its own controls. Opened on first use and closed with this connection.
   */
  async adClient(): Promise<Client> {
    this.#ensureOpen();
    this.#adClient ??= this.#openAdClient();
    const client = await this.#adClient;
    // ldapts reconnects a lost socket lazily on the next operation and does not bind again: after
    // a DC restart DirSync would run anonymously (and fail as if its cookie were refused).
    if (!client.isConnected) throw new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection was lost`);
    return client;
  }

  async #openAdClient(): Promise<Client> {
    const { server } = this;
    const cfg = this.#cfg;
    const client = new Client({
      url: `${server.transport === 'ldaps' ? 'ldaps' : 'ldap'}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
      timeout: cfg.timeouts.operationMs,
      connectTimeout: cfg.timeouts.connectMs,
      tlsOptions: server.transport === 'ldaps' ? tlsOptionsFor(cfg, server) : undefined,
      strictDN: false,
    });
    try {
      if (server.transport === 'starttls') await client.startTLS(tlsOptionsFor(cfg, server));
      if (cfg.bind) await client.bind(cfg.bind.dn, cfg.bind.password.reveal());
      return client;
    } catch (err) {
      this.#adClient = undefined;
      await client.unbind().catch(() => undefined);
      throw mapDirectoryError(err, { server: server.url, operation: cfg.bind ? 'bind as' : 'connect', target: cfg.bind?.dn });
    }
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
    yield* this.#stream.searchPages(
      { base: spec.base, scope: spec.scope ?? 'sub', filter: spec.filter, attributes: spec.attributes },
      spec.pageSize ?? this.#cfg.pageSize,
      { binary: this.#binary, timeoutMs: this.#cfg.timeouts.operationMs },
    );
  }

  /** A base-scope read of one entry; undefined when it does not exist. */
  async read(dn: string, attributes: string[], filter = '(objectClass=*)'): Promise<DirectoryEntry | undefined> {
    this.#ensureOpen();
    const { entries, result } = await this.#stream.searchAll({ base: dn, scope: 'base', filter, attributes }, { binary: this.#binary, timeoutMs: this.#cfg.timeouts.operationMs });
    if (result.resultCode === 32) return undefined;
    if (result.resultCode !== 0) throw resultError(result, { server: this.server.url, operation: 'read', target: dn });
    return entries[0];
  }

  async rootDse(attributes: string[]): Promise<DirectoryEntry | undefined> {
    return this.read('', attributes);
  }

  async close(): Promise<void> {
    const ad = this.#adClient;
    this.#adClient = undefined;
    await Promise.all([this.#stream.close(), ad?.then((c) => c.unbind()).catch(() => undefined)]);
  }
}
