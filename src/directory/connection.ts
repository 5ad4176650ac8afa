import { Client, type SearchOptions } from 'ldapts';
import type { DirectoryConfig, ServerSpec } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import { DirectoryEntry } from './entry.js';
import { mapDirectoryError } from './errors.js';
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
 */
export class DirectoryConnection {
  readonly server: ServerSpec;
  readonly attempts: ServerAttempt[];
  #client: Client;
  #cfg: DirectoryConfig;

  private constructor(cfg: DirectoryConfig, client: Client, server: ServerSpec, attempts: ServerAttempt[]) {
    this.#cfg = cfg;
    this.#client = client;
    this.server = server;
    this.attempts = attempts;
  }

  static async open(cfg: DirectoryConfig): Promise<DirectoryConnection> {
    const attempts: ServerAttempt[] = [];
    let lastError: IdsyncError | undefined;
    for (const server of cfg.servers) {
      const started = Date.now();
      const client = new Client({
        url: `${server.transport === 'ldaps' ? 'ldaps' : 'ldap'}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
        timeout: cfg.timeouts.operationMs,
        connectTimeout: cfg.timeouts.connectMs,
        tlsOptions: server.transport === 'ldaps' ? tlsOptionsFor(cfg, server) : undefined,
        strictDN: false,
      });
      try {
        if (server.transport === 'starttls') {
          await client.startTLS(tlsOptionsFor(cfg, server)).catch((err) => {
            throw mapDirectoryError(err, { server: server.url, operation: 'StartTLS' });
          });
        }
        if (cfg.bind) {
          await client.bind(cfg.bind.dn, cfg.bind.password.reveal()).catch((err) => {
            throw mapDirectoryError(err, { server: server.url, operation: 'bind as', target: cfg.bind!.dn });
          });
        } else {
          // An anonymous session has no bind to prove the server is alive: read the root DSE.
          await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }).catch((err) => {
            throw mapDirectoryError(err, { server: server.url, operation: 'read root DSE' });
          });
        }
        attempts.push({ url: server.url, ok: true, ms: Date.now() - started });
        return new DirectoryConnection(cfg, client, server, attempts);
      } catch (err) {
        const e = mapDirectoryError(err, { server: server.url, operation: 'connect' });
        attempts.push({ url: server.url, ok: false, ms: Date.now() - started, error: { code: e.code, message: e.message } });
        await client.unbind().catch(() => undefined);
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

  /** The bound ldapts client, for AD change tracking (src/directory/ad), which sends its own controls. */
  get client(): Client {
    this.#ensureBound();
    return this.#client;
  }

  /**
   * ldapts reconnects a lost socket lazily on the next operation and does not bind again: after a
   * server restart every request would then run anonymously (AD answers "Operation unavailable
   * without authentication", which looks like a refused cookie). A lost connection is an error
   * here; the caller opens a new, bound one.
   */
  #ensureBound(): void {
    if (!this.#client.isConnected) {
      throw new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection was lost`);
    }
  }

  /** Pages of a search, one at a time, so memory follows the page size and not the directory. */
  async *pages(spec: SearchSpec): AsyncGenerator<DirectoryEntry[]> {
    const options: SearchOptions = {
      scope: spec.scope ?? 'sub',
      filter: spec.filter,
      attributes: spec.attributes,
      explicitBufferAttributes: this.#cfg.profile.binaryAttributes,
      paged: { pageSize: spec.pageSize ?? this.#cfg.pageSize },
    };
    this.#ensureBound();
    try {
      for await (const page of this.#client.searchPaginated(spec.base, options)) {
        yield page.searchEntries.map((e) => DirectoryEntry.fromLdapts(e));
      }
    } catch (err) {
      throw mapDirectoryError(err, { server: this.server.url, operation: `search ${spec.filter} under`, target: spec.base });
    }
  }

  /** A base-scope read of one entry; undefined when it does not exist. */
  async read(dn: string, attributes: string[], filter = '(objectClass=*)'): Promise<DirectoryEntry | undefined> {
    this.#ensureBound();
    try {
      const res = await this.#client.search(dn, {
        scope: 'base',
        filter,
        attributes,
        explicitBufferAttributes: this.#cfg.profile.binaryAttributes,
      });
      const e = res.searchEntries[0];
      return e ? DirectoryEntry.fromLdapts(e) : undefined;
    } catch (err) {
      if ((err as { code?: unknown }).code === 32) return undefined;
      throw mapDirectoryError(err, { server: this.server.url, operation: 'read', target: dn });
    }
  }

  async rootDse(attributes: string[]): Promise<DirectoryEntry | undefined> {
    return this.read('', attributes);
  }

  async close(): Promise<void> {
    await this.#client.unbind().catch(() => undefined);
  }
}
