import { Attribute, Change, Client, type Control, type Entry } from 'ldapts';
import type { DirectoryConfig, ServerSpec } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';
import { tlsOptionsFor } from '../tls.js';
import { mapWriteError, type WriteContext } from './diagnostics.js';

/** One entry as read for provisioning: attribute names lower-cased, text values, binary ones apart. */
export interface ReadEntry {
  dn: string;
  attrs: Record<string, string[]>;
  binary: Record<string, Buffer[]>;
}

export interface ReadSpec {
  scope?: 'base' | 'one' | 'sub';
  filter?: string;
  attributes: string[];
  /** Attributes whose values are bytes (objectGUID, objectSid), as the server spells them. */
  binary?: string[];
  /** At most this many entries (RFC 4511 section 4.5.1.4 sizeLimit); more is `truncated`, not an error. */
  sizeLimit: number;
}

export type WriteValues = string[] | Buffer[];

/**
 * The connection provisioning writes through: ldapts (add, modify, modifyDN, delete, extended
 * operations), one bound session to the first server of the directory that answers, bounded in
 * time (timeouts.connectMs, and operationMs for each operation) and, for searches, in size. TLS is
 * verified as for reading (tls.ts). `encrypted` says whether a password may cross it (LDAPS, or
 * StartTLS done before the bind).
 *
 * ldapts reconnects lazily after a lost socket without binding again (shared/notes,
 * directory-protocols.md): every operation therefore checks the session first and opens a new
 * bound one, so nothing is ever sent unauthenticated.
 */
export class WriteConnection {
  readonly #cfg: DirectoryConfig;
  #client: Client;
  #server: ServerSpec;

  private constructor(cfg: DirectoryConfig, client: Client, server: ServerSpec) {
    this.#cfg = cfg;
    this.#client = client;
    this.#server = server;
  }

  get server(): ServerSpec {
    return this.#server;
  }

  /** LDAPS, or ldap:// upgraded with StartTLS; never a clear transport. */
  get encrypted(): boolean {
    return this.#server.transport !== 'clear';
  }

  static async open(cfg: DirectoryConfig): Promise<WriteConnection> {
    const [client, server] = await connectFirst(cfg);
    return new WriteConnection(cfg, client, server);
  }

  async #session(): Promise<Client> {
    if (this.#client.isConnected) return this.#client;
    await this.#client.unbind().catch(() => undefined);
    const [client, server] = await connectFirst(this.#cfg);
    this.#client = client;
    this.#server = server;
    return client;
  }

  async #do<T>(context: WriteContext, op: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.#session();
    try {
      return await op(c);
    } catch (err) {
      throw mapWriteError(err, { ...context, server: this.#server.url });
    }
  }

  /** Entries, at most spec.sizeLimit; a base that does not exist is no entries. */
  async read(base: string, spec: ReadSpec): Promise<{ entries: ReadEntry[]; truncated: boolean }> {
    const c = await this.#session();
    try {
      const { searchEntries } = await c.search(base, {
        scope: spec.scope ?? 'base',
        filter: spec.filter ?? '(objectClass=*)',
        attributes: spec.attributes,
        explicitBufferAttributes: spec.binary ?? [],
        sizeLimit: spec.sizeLimit,
        timeLimit: Math.ceil(this.#cfg.timeouts.operationMs / 1000),
      });
      return { entries: searchEntries.map(toReadEntry), truncated: false };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 32) return { entries: [], truncated: false };
      // ldapts drops the entries that came before sizeLimitExceeded; the caller learns there were more.
      if (code === 4) return { entries: [], truncated: true };
      throw mapWriteError(err, { server: this.#server.url, operation: `search ${spec.filter ?? ''} under`, target: base });
    }
  }

  async readOne(dn: string, attributes: string[], binary: string[] = [], filter?: string): Promise<ReadEntry | undefined> {
    return (await this.read(dn, { attributes, binary, filter, sizeLimit: 1 })).entries[0];
  }

  /** `controls` may carry answers back (post-read.ts): one instance per request. */
  add(dn: string, attributes: Record<string, WriteValues>, context: WriteContext, controls?: Control[]): Promise<void> {
    const list = Object.entries(attributes)
      .filter(([, v]) => v.length > 0)
      .map(([type, values]) => new Attribute({ type, values }));
    return this.#do({ ...context, target: dn }, (c) => c.add(dn, list, controls));
  }

  modify(
    dn: string,
    changes: Array<{ operation: 'add' | 'delete' | 'replace'; attribute: string; values: WriteValues }>,
    context: WriteContext,
  ): Promise<void> {
    if (changes.length === 0) return Promise.resolve();
    const list = changes.map((ch) => new Change({ operation: ch.operation, modification: new Attribute({ type: ch.attribute, values: ch.values }) }));
    return this.#do({ ...context, target: dn }, (c) => c.modify(dn, list));
  }

  /** A new RDN under the same parent (RFC 4511 section 4.9, deleteoldrdn TRUE). */
  modifyRdn(dn: string, newRdn: string, context: WriteContext): Promise<void> {
    return this.#do({ ...context, target: dn }, (c) => c.modifyDN(dn, newRdn));
  }

  del(dn: string, context: WriteContext): Promise<void> {
    return this.#do({ ...context, target: dn }, (c) => c.del(dn));
  }

  exop(oid: string, value: Buffer, context: WriteContext): Promise<void> {
    return this.#do(context, async (c) => {
      await c.exop(oid, value);
    });
  }

  async close(): Promise<void> {
    await this.#client.unbind().catch(() => undefined);
  }
}

/** Servers in order; one that cannot be reached or fails TLS is skipped, a refused bind stops the walk (same credentials everywhere). */
async function connectFirst(cfg: DirectoryConfig): Promise<[Client, ServerSpec]> {
  const failures: IdsyncError[] = [];
  for (const server of cfg.servers) {
    const tlsOptions = tlsOptionsFor(cfg, server);
    const client = new Client({
      url: `${server.transport === 'ldaps' ? 'ldaps' : 'ldap'}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
      // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps.
      ...(server.transport === 'ldaps' ? { tlsOptions } : {}),
      connectTimeout: cfg.timeouts.connectMs,
      timeout: cfg.timeouts.operationMs,
    });
    try {
      // StartTLS (RFC 4511 section 4.14) before the bind, so the credentials never cross in clear.
      if (server.transport === 'starttls') await client.startTLS(tlsOptions);
      if (cfg.bind) await client.bind(cfg.bind.dn, cfg.bind.password.reveal());
      return [client, server];
    } catch (err) {
      await client.unbind().catch(() => undefined);
      const e = mapWriteError(err, { server: server.url, operation: 'connect' });
      failures.push(e);
      // A refused bind (the read side's DIRECTORY_BIND_FAILED: result 49 and friends) stops the walk.
      if (e.code === 'DIRECTORY_BIND_FAILED') break;
    }
  }
  const last = failures[failures.length - 1];
  if (failures.length === 1) throw last;
  throw new IdsyncError(
    last?.code ?? 'DIRECTORY_UNREACHABLE',
    `no server of directory "${cfg.name}" could be used:\n${failures.map((f) => `  ${f.message}`).join('\n')}`,
    {
      cause: last,
    },
  );
}

function toReadEntry(e: Entry): ReadEntry {
  const attrs: Record<string, string[]> = {};
  const binary: Record<string, Buffer[]> = {};
  for (const [name, value] of Object.entries(e)) {
    if (name === 'dn') continue;
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) continue;
    if (Buffer.isBuffer(list[0])) binary[name.toLowerCase()] = list as Buffer[];
    else attrs[name.toLowerCase()] = (list as string[]).map(String);
  }
  return { dn: e.dn, attrs, binary };
}
