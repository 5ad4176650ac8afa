import type net from 'node:net';
import tls from 'node:tls';
import type { DirectoryConfig, ServerSpec } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';
import { mapDirectoryError } from '../errors.js';
import { decodeEntry, messageHead } from './entry-decoder.js';
import { FramingError, LdapFramer } from './framing.js';
import { DEFAULT_LIMITS, messageTooLarge, PagingLoopGuard, pageTooLarge, runTooLong } from './limits.js';
import { type Collected, type CollectOptions, PageCollector } from './page-collector.js';
import type { DirectoryEntry } from '../entry.js';
import { decodeMessage, NOTICE_OF_DISCONNECTION_OID, Op, type LdapResponse, type LdapResult } from './protocol.js';
import { describeOp, isFinalResponse, resultError, toDirectoryEntry } from './results.js';
import {
  encodeAbandon,
  encodeExtended,
  encodeSearch,
  encodeSimpleBind,
  encodeUnbind,
  pagedResultsControl,
  pagedResultsCookie,
  STARTTLS_OID,
  type SearchRequestSpec,
} from './requests.js';
import { SearchStream } from './search-stream.js';
import { createSocket, whenReady } from './socket.js';
import type { StreamConfig } from './stream-config.js';

/**
 * idsync's LDAPv3 client over one socket (ldapts cannot read intermediate responses or per-entry
 * controls, and decoding every value into objects made it the largest cost of a full sync).
 *
 * - search(): every message of a search as it arrives — entries with their own response controls,
 *   intermediate responses (RFC 4511 section 4.13, needed by RFC 4533 Sync Info), references and
 *   the final SearchResultDone. Content synchronization (content-sync.ts), AD change notification
 *   (ad-notify.ts) and AD change tracking (src/directory/ad) use it: searches that may never end,
 *   or whose controls matter.
 * - searchPages() / searchAll(): the bulk path of DirectoryConnection, entries decoded lazily
 *   (entry-decoder.ts) and the next page requested ahead.
 *
 * It does one thing per connection well: connect (ldaps, StartTLS or clear, with the TLS rules of
 * tls.ts), bind, run searches, abandon, unbind.
 */

// Where callers have always imported these from; defined in stream-config.ts (which socket.ts
// needs too), results.ts and page-collector.ts.
export type { StreamConfig } from './stream-config.js';
export type { CollectOptions } from './page-collector.js';
export { resultError, toDirectoryEntry } from './results.js';

export interface OpenOptions {
  /** Limit for TCP connect, TLS handshake, StartTLS and bind together; default cfg.timeouts.connectMs. */
  timeoutMs?: number;
  /** Queued messages (all searches) above which the socket stops reading; default 1000. */
  highWaterMark?: number;
  /** TCP keep-alive probe delay, so a silent persistent search notices a dead peer; default 60 s. */
  keepAliveMs?: number;
}

import { tlsOptionsFor } from '../tls.js';

export { tlsOptionsFor };

/** A relayed request (src/agent/relay.ts): its messages raw, as they arrive, until the final one. */
export interface RelayHandlers {
  onMessage: (raw: Buffer, op: number) => void;
  onLost: (err: IdsyncError) => void;
}

type Pending =
  | { kind: 'once'; resolve: (m: LdapResponse) => void; reject: (e: unknown) => void }
  | { kind: 'search'; stream: SearchStream }
  | ({ kind: 'raw' } & RelayHandlers)
  | PageCollector;

export class LdapStream {
  readonly server: ServerSpec;
  /** The directory's operation timeout (timeouts.operationMs), for callers that wait on one answer. */
  readonly operationTimeoutMs: number;
  #socket: net.Socket;
  #framer: LdapFramer;
  /**
   * Searches we abandoned or gave up on: the server may still send their messages (RFC 4511
   * section 4.11), which are dropped. A message for any other id that is not pending is a
   * protocol violation. Bounded: the oldest ids are forgotten first.
   */
  #abandoned = new Set<number>();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #queued = 0;
  #paused = false;
  #highWaterMark: number;
  #closed = false;
  #closing = false;
  /** Why the connection ended, when it was not closed by us. */
  #lost: IdsyncError | undefined;
  #socketError: Error | undefined;
  #onData = (chunk: Buffer) => this.#receive(chunk);
  #onError = (err: Error) => {
    this.#socketError = err;
  };
  #onClose = () => this.#closedBySocket();

  private constructor(server: ServerSpec, socket: net.Socket, highWaterMark: number, operationTimeoutMs: number, maxMessageBytes: number) {
    this.server = server;
    this.#framer = new LdapFramer(maxMessageBytes);
    this.operationTimeoutMs = operationTimeoutMs;
    this.#socket = socket;
    this.#highWaterMark = highWaterMark;
    this.#attach(socket);
  }

  /**
   * Connects to one server, does StartTLS when configured, and binds (simple bind with the
   * configured account, or none for anonymous). Failures are IdsyncErrors naming the server and
   * the step; the bind password never appears in them.
   */
  static async open(cfg: StreamConfig, server: ServerSpec, options: OpenOptions = {}): Promise<LdapStream> {
    // The TCP connection and TLS handshake get connectMs, StartTLS and the bind operationMs each
    // (a loaded DC may take seconds to bind); options.timeoutMs, when given, caps every step.
    const connectMs = options.timeoutMs ?? cfg.timeouts.connectMs;
    const operationMs = options.timeoutMs ?? cfg.timeouts.operationMs;
    let step = 'connect';
    const socket = createSocket(cfg, server);
    let stream: LdapStream | undefined;
    let timer: NodeJS.Timeout | undefined;
    let expire: (err: Error) => void = () => undefined;
    const timeout = new Promise<never>((_, reject) => {
      expire = reject;
    });
    const limit = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => expire(new Error(`timed out after ${ms} ms`)), ms);
    };
    limit(connectMs);
    try {
      const work = (async () => {
        await whenReady(socket, server.transport === 'ldaps' ? 'secureConnect' : 'connect');
        limit(operationMs);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, options.keepAliveMs ?? 60_000);
        stream = new LdapStream(server, socket, options.highWaterMark ?? 1000, cfg.timeouts.operationMs, (cfg.limits ?? DEFAULT_LIMITS).maxMessageBytes);
        if (server.transport === 'starttls') {
          step = 'StartTLS';
          await stream.#startTls(cfg);
          limit(operationMs);
        }
        if (cfg.bind) {
          step = `bind as ${cfg.bind.dn}`;
          await stream.#bind(cfg.bind.dn, cfg.bind.password.reveal());
        }
        return stream;
      })();
      // A late rejection of `work` after a timeout must not become an unhandled rejection.
      work.catch(() => undefined);
      return await Promise.race([work, timeout]);
    } catch (err) {
      if (stream) {
        stream.#closing = true;
        stream.#socket.destroy();
      }
      socket.destroy();
      throw mapDirectoryError(err, { server: server.url, operation: step });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Opens the first server of the directory that answers, in order, like DirectoryConnection:
   * a bind refusal stops the walk (the same credentials would only lock the account sooner).
   */
  static async openFirst(cfg: StreamConfig & Pick<DirectoryConfig, 'servers' | 'name'>, options: OpenOptions = {}): Promise<LdapStream> {
    const errors: IdsyncError[] = [];
    for (const server of cfg.servers) {
      try {
        return await LdapStream.open(cfg, server, options);
      } catch (err) {
        const e = mapDirectoryError(err, { server: server.url, operation: 'connect' });
        errors.push(e);
        if (e.code === 'DIRECTORY_BIND_FAILED') break;
      }
    }
    const last = errors[errors.length - 1];
    if (errors.length === 1) throw last;
    const detail = errors.map((e) => `  ${e.message}`).join('\n');
    throw new IdsyncError(last?.code ?? 'DIRECTORY_UNREACHABLE', `no server of directory "${cfg.name}" could be used:\n${detail}`, { cause: last });
  }

  get closed(): boolean {
    return this.#closed || this.#closing;
  }

  /**
   * Starts a search and returns its messages as they arrive; the request is sent at once. A filter
   * that cannot be parsed throws here (as LDAP result 87, like a server would answer); everything
   * else — a refusal in SearchResultDone, a lost connection — comes out of the iterator.
   */
  search(spec: SearchRequestSpec): SearchStream {
    const id = this.#allocateId();
    let request: Buffer;
    try {
      request = encodeSearch(id, spec);
    } catch (err) {
      const result = { resultCode: 87, matchedDN: '', diagnosticMessage: (err as Error).message };
      throw resultError(result, { server: this.server.url, operation: `search ${spec.filter ?? ''} under`, target: spec.base });
    }
    const stream = new SearchStream(id, spec, {
      abandon: (messageId) => this.#abandon(messageId),
      consumed: (n) => this.#consumed(n),
    });
    if (this.#closed || this.#closing) {
      if (this.#lost) stream.fail(this.#lost);
      else stream.finish();
      return stream;
    }
    this.#pending.set(id, { kind: 'search', stream });
    this.#socket.write(request);
    return stream;
  }

  /**
   * A search whose entries arrive a page at a time (RFC 2696), as DirectoryEntry arrays decoded on
   * the fast path (entry-decoder.ts). The request for the next page goes out as soon as a page is
   * complete, before the caller has processed it, so the server prepares page n+1 while idsync
   * works on page n; at most two pages are held at once. Leaving the loop early abandons the
   * outstanding request.
   */
  async *searchPages(spec: SearchRequestSpec, pageSize: number, options: CollectOptions = {}): AsyncGenerator<DirectoryEntry[]> {
    const what = this.#what(spec);
    const request = (cookie: Buffer) => {
      const r = this.#collect({ ...spec, controls: [...(spec.controls ?? []), pagedResultsControl(pageSize, cookie)] }, options);
      // The next page may fail (connection lost, timeout) while the caller is busy elsewhere with
      // the current one; the failure is rethrown when the loop awaits it, never left unhandled.
      r.page.catch(() => undefined);
      return r;
    };
    let next: { id: number; page: Promise<Collected> } | undefined = request(Buffer.alloc(0));
    const loops = new PagingLoopGuard();
    try {
      while (next) {
        const { entries, done } = await next.page;
        next = undefined;
        if (done.result.resultCode !== 0) throw resultError(done.result, what);
        const cookie = pagedResultsCookie(done.controls);
        if (cookie?.length) {
          loops.check(
            cookie,
            entries.map((e) => e.dn),
            { server: this.server.url, target: spec.base },
          );
          next = request(cookie);
        }
        yield entries;
      }
    } finally {
      if (next) this.#abandon(next.id);
    }
  }

  /** Every entry of a search that is expected to be small (a base-scope read), without paging. */
  async searchAll(spec: SearchRequestSpec, options: CollectOptions = {}): Promise<{ entries: DirectoryEntry[]; result: LdapResult }> {
    const { entries, done } = await this.#collect(spec, options).page;
    return { entries, result: done.result };
  }

  /**
   * Sends a request encoded for a fresh message id of this connection and hands every message
   * answering it to `handlers.onMessage` undecoded, until the final one. The on-premises agent
   * relays the hub's requests this way over its one bound connection (src/agent/relay.ts), the
   * ids remapped. Returns the id used, for abandon.
   */
  relay(build: (messageId: number) => Buffer, handlers: RelayHandlers): number {
    const id = this.#allocateId();
    if (this.#closed || this.#closing) {
      const lost = this.#lost ?? new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection is closed`);
      queueMicrotask(() => handlers.onLost(lost));
      return id;
    }
    this.#pending.set(id, { kind: 'raw', ...handlers });
    this.#socket.write(build(id));
    return id;
  }

  /**
   * Stops and restarts reading the socket for relayed requests (the agent's flow control: the hub
   * is not reading, so neither do we, and TCP slows the server). Only for a connection that runs
   * relayed requests: searches' own back-pressure (highWaterMark) would resume it.
   */
  pauseReading(): void {
    this.#socket.pause();
  }

  resumeReading(): void {
    if (!this.#paused) this.#socket.resume();
  }

  /** Abandons a relayed request (RFC 4511 section 4.11); its late messages are dropped. */
  abandonRelayed(messageId: number): void {
    if (this.#pending.get(messageId)?.kind === 'raw') this.#abandon(messageId);
  }

  /**
   * Ends the session politely (UnbindRequest, RFC 4511 section 4.3) and closes the socket. Active
   * searches finish without error: a persistent search stops because we asked it to.
   */
  async close(): Promise<void> {
    if (this.#closed || this.#closing) return;
    this.#closing = true;
    for (const p of this.#pending.values()) {
      if (p.kind === 'search') p.stream.finish();
      else if (p.kind === 'raw') p.onLost(new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection was closed`));
      else if (p.kind === 'collect') p.reject(new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection was closed during a search`));
    }
    this.#pending.clear();
    const socket = this.#socket;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 1000);
      socket.once('close', done);
      if (socket.destroyed) return done();
      socket.end(encodeUnbind(this.#allocateId()));
    });
    this.#closed = true;
  }

  // -- internals ---------------------------------------------------------------------------------

  #attach(socket: net.Socket): void {
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  #detach(socket: net.Socket): void {
    socket.off('data', this.#onData);
    socket.off('error', this.#onError);
    socket.off('close', this.#onClose);
  }

  #allocateId(): number {
    const id = this.#nextId;
    // MessageID ::= INTEGER (0 .. maxInt), 0 being reserved for unsolicited notifications.
    this.#nextId = id >= 0x7fffffff ? 1 : id + 1;
    return id;
  }

  #request(build: (id: number) => Buffer): Promise<LdapResponse> {
    const id = this.#allocateId();
    return new Promise<LdapResponse>((resolve, reject) => {
      if (this.#closed || this.#closing) return reject(this.#lost ?? new Error('connection closed'));
      this.#pending.set(id, { kind: 'once', resolve, reject });
      this.#socket.write(build(id));
    });
  }

  async #bind(dn: string, password: string): Promise<void> {
    const res = await this.#request((id) => encodeSimpleBind(id, dn, password));
    if (res.op !== 'bindResponse') throw new Error(`unexpected answer to bind (${res.op})`);
    if (res.result.resultCode !== 0) throw resultError(res.result, { server: this.server.url, operation: 'bind as', target: dn });
  }

  /** RFC 4511 section 4.14: ask, then start TLS on the same socket once the server said yes. */
  async #startTls(cfg: StreamConfig): Promise<void> {
    const res = await this.#request((id) => encodeExtended(id, STARTTLS_OID));
    if (res.op !== 'extendedResponse') throw new Error(`unexpected answer to StartTLS (${res.op})`);
    if (res.result.resultCode !== 0) throw resultError(res.result, { server: this.server.url, operation: 'StartTLS' });
    const plain = this.#socket;
    this.#detach(plain);
    this.#framer.reset();
    // The TLS socket owns the TCP connection from here; keep a listener so a stray error on the
    // plain socket can never be an uncaught 'error' event.
    plain.on('error', () => undefined);
    const secure = tls.connect({ ...tlsOptionsFor(cfg, this.server), socket: plain });
    this.#socket = secure;
    await whenReady(secure, 'secureConnect');
    this.#attach(secure);
  }

  #collect(spec: SearchRequestSpec, options: CollectOptions): { id: number; page: Promise<Collected> } {
    const id = this.#allocateId();
    const what = this.#what(spec);
    const page = new Promise<Collected>((resolve, reject) => {
      if (this.#closed || this.#closing) return reject(this.#lost ?? new IdsyncError('DIRECTORY_UNREACHABLE', `${this.server.url}: the connection is closed`));
      let request: Buffer;
      try {
        request = encodeSearch(id, spec);
      } catch (err) {
        return reject(resultError({ resultCode: 87, matchedDN: '', diagnosticMessage: (err as Error).message }, what));
      }
      const deadline = options.deadline;
      if (deadline && performance.now() >= deadline.at) return reject(runTooLong(this.server.url, deadline.runMs, spec.base));
      const c = new PageCollector(spec.base, options, { resolve, reject });
      c.watch(options, what, { stillPending: () => this.#pending.get(id) === c, abandon: () => this.#abandon(id) });
      this.#pending.set(id, c);
      this.#socket.write(request);
    });
    return { id, page };
  }

  /** How a search is named in its errors (mapDirectoryError's context). */
  #what(spec: SearchRequestSpec): { server: string; operation: string; target: string } {
    return { server: this.server.url, operation: `search ${spec.filter ?? '(objectClass=*)'} under`, target: spec.base };
  }

  #abandon(messageId: number): void {
    const p = this.#pending.get(messageId);
    if (!p) return;
    this.#pending.delete(messageId);
    this.#abandoned.add(messageId);
    if (this.#abandoned.size > 1000) this.#abandoned.delete(this.#abandoned.values().next().value!);
    if (p.kind === 'collect') p.reject(new IdsyncError('DIRECTORY_OPERATION_FAILED', `${this.server.url}: search abandoned`));
    if (this.#closed || this.#closing) return;
    // Abandon has no response (RFC 4511 section 4.11); a write error will show up as a lost connection.
    this.#socket.write(encodeAbandon(this.#allocateId(), messageId));
  }

  #consumed(n: number): void {
    this.#queued = Math.max(0, this.#queued - n);
    if (this.#paused && this.#queued <= this.#highWaterMark / 2) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #receive(chunk: Buffer): void {
    // Closing on purpose: whatever still arrives answers nothing anyone waits for.
    if (this.#closing || this.#lost) return;
    let messages: Buffer[];
    try {
      messages = this.#framer.push(chunk);
    } catch (err) {
      if (err instanceof FramingError && err.tooLarge) {
        this.#fatal(messageTooLarge(this.server.url, err.tooLarge.size, err.tooLarge.max));
        return;
      }
      this.#fatal(this.#violation((err as Error).message));
      return;
    }
    for (const raw of messages) {
      const head = messageHead(raw);
      const pending = head && this.#pending.get(head.messageId);
      if (pending?.kind === 'raw') {
        if (isFinalResponse(head!.op)) this.#pending.delete(head!.messageId);
        pending.onMessage(raw, head!.op);
        continue;
      }
      if (pending?.kind === 'collect' && head!.op === Op.SearchResultEntry) {
        if (pending.entries.length >= pending.maxEntries) {
          this.#fatal(pageTooLarge(this.server.url, pending.maxEntries, pending.target));
          return;
        }
        try {
          pending.entries.push(decodeEntry(raw, head!, pending.binary));
        } catch (err) {
          this.#fatal(this.#violation(`malformed message: ${(err as Error).message}`));
          return;
        }
        pending.lastActivity = performance.now();
        continue;
      }
      let msg: LdapResponse;
      try {
        msg = decodeMessage(raw);
      } catch (err) {
        this.#fatal(this.#violation(`malformed message: ${(err as Error).message}`));
        return;
      }
      this.#dispatch(msg);
      // After a fatal error the rest of the chunk is not trusted: a later SearchResultDone must not
      // complete a page that lost an entry.
      if (this.#closed || this.#lost || this.#socket.destroyed) return;
    }
  }

  #dispatch(msg: LdapResponse): void {
    if (msg.messageId === 0) {
      // Unsolicited notification (RFC 4511 section 4.4): an ExtendedResponse, of which only Notice
      // of Disconnection is defined; anything else with id 0 (an entry, say) answers nothing we sent.
      if (msg.op !== 'extendedResponse') {
        this.#fatal(this.#violation(`a ${describeOp(msg)} with message id 0, which only unsolicited notifications may use (RFC 4511 section 4.4)`));
        return;
      }
      if (msg.name === NOTICE_OF_DISCONNECTION_OID) {
        this.#lost = resultError(msg.result, { server: this.server.url, operation: 'LDAP session (notice of disconnection)' });
        this.#socket.destroy();
      }
      return;
    }
    const pending = this.#pending.get(msg.messageId);
    if (!pending) {
      // Late messages for an abandoned search are expected (the server may have sent them already).
      if (this.#abandoned.has(msg.messageId)) {
        if (msg.op === 'searchDone') this.#abandoned.delete(msg.messageId);
        return;
      }
      // A message for a request we never sent (or one already answered) would otherwise be
      // dropped, and an entry dropped from a page reads as a user who left the directory.
      this.#fatal(this.#violation(`a ${describeOp(msg)} with message id ${msg.messageId}, which answers no outstanding request (RFC 4511 section 4.1.1.1)`));
      return;
    }
    if (pending.kind === 'once') {
      this.#pending.delete(msg.messageId);
      pending.resolve(msg);
      return;
    }
    if (pending.kind === 'collect') {
      pending.lastActivity = performance.now();
      // References (AD's DomainDnsZones under the domain root) are not followed, as before.
      if (msg.op === 'searchDone') {
        this.#pending.delete(msg.messageId);
        pending.resolve({ entries: pending.entries, done: msg });
      } else if (msg.op === 'searchEntry') {
        if (pending.entries.length >= pending.maxEntries) {
          this.#fatal(pageTooLarge(this.server.url, pending.maxEntries, pending.target));
          return;
        }
        pending.entries.push(toDirectoryEntry(msg.dn, msg.attributes));
      } else if (msg.op !== 'searchReference') {
        // An unknown protocolOp inside a page must fail the page: skipping it would lose an entry.
        this.#fatal(
          this.#violation(`a ${describeOp(msg)} in the middle of a search, which allows only entries, references and its result (RFC 4511 section 4.5.2)`),
        );
        return;
      }
      return;
    }
    if (pending.kind === 'raw') {
      // Relayed requests are handed over before decoding; one whose head could not be read is malformed.
      this.#fatal(this.#violation(`a malformed ${describeOp(msg)} for a relayed request`));
      return;
    }
    const stream = pending.stream;
    let queued: boolean;
    switch (msg.op) {
      case 'searchEntry':
        queued = stream.deliver({ type: 'entry', dn: msg.dn, attributes: msg.attributes, controls: msg.controls });
        break;
      case 'searchReference':
        queued = stream.deliver({ type: 'reference', uris: msg.uris, controls: msg.controls });
        break;
      case 'intermediate':
        queued = stream.deliver({ type: 'intermediate', name: msg.name, value: msg.value, controls: msg.controls });
        break;
      case 'searchDone':
        this.#pending.delete(msg.messageId);
        queued = stream.deliver({ type: 'done', result: msg.result, controls: msg.controls });
        break;
      default:
        this.#fatal(
          this.#violation(
            `a ${describeOp(msg)} in the middle of a search, ` +
              'which allows only entries, references, intermediate responses and its result (RFC 4511 section 4.5.2)',
          ),
        );
        return;
    }
    if (queued && ++this.#queued >= this.#highWaterMark && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** A protocol violation: the connection cannot be trusted any more, so it is closed with this. */
  #violation(what: string): IdsyncError {
    return new IdsyncError(
      'DIRECTORY_PROTOCOL',
      `${this.server.url}: protocol violation: the server sent ${what}; the connection was closed and nothing was concluded from it`,
    );
  }

  #fatal(err: unknown): void {
    this.#lost = mapDirectoryError(err, { server: this.server.url, operation: 'read from the server' });
    this.#socket.destroy();
  }

  #closedBySocket(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closing) return;
    const cause = this.#socketError;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const lost =
      this.#lost ??
      mapDirectoryError(new Error(`socket closed by the server or the network${code ? ` (${code})` : ''}`, { cause }), {
        server: this.server.url,
        operation: 'LDAP session',
      });
    this.#lost = lost;
    for (const p of this.#pending.values()) {
      if (p.kind === 'search') p.stream.fail(lost);
      else if (p.kind === 'raw') p.onLost(lost);
      else p.reject(lost);
    }
    this.#pending.clear();
  }
}
