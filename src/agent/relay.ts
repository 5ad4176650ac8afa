import type { Logger } from '../log.js';
import { FramingError, LdapFramer } from '../directory/stream/framing.js';
import { LdapStream } from '../directory/stream/ldap-stream.js';
import type { AgentDirectoryConfig } from './config.js';
import { answer, relayResponse, withMessageId } from './messages.js';
import { decide, parseRequest, type PolicyContext } from './policy.js';
import type { RateLimiter } from './wire.js';

/**
 * The agent's LDAP relay (issue 13, "the cut is the LDAP operation"). Each tunnel is one LDAP
 * session of the hub, and gets its own bound connection to the directory, as a direct connection
 * would: a hub session that stops reading (a persistent search whose consumer is busy) then slows
 * only its own connection, never another session's. A request from the hub is checked
 * (policy.ts), sent under a message id of that connection, and its answers are sent back under the
 * hub's id, entries without password attributes. Binds, unbinds and abandons never reach the
 * directory as such: the session is the agent's own.
 */
export class DirectorySession {
  readonly #tunnels = new Set<Tunnel>();

  constructor(
    readonly cfg: AgentDirectoryConfig,
    private readonly log: Logger,
  ) {}

  /** A new bound connection, for one tunnel. */
  async connection(): Promise<LdapStream> {
    const s = await LdapStream.openFirst({
      name: this.cfg.name,
      servers: this.cfg.servers,
      tls: this.cfg.tls,
      bind: this.cfg.bind,
      timeouts: this.cfg.timeouts,
    });
    this.log.debug({ directory: this.cfg.name, server: s.server.url }, 'bound to the directory');
    return s;
  }

  add(t: Tunnel): void {
    this.#tunnels.add(t);
  }

  remove(t: Tunnel): void {
    this.#tunnels.delete(t);
  }

  async close(): Promise<void> {
    for (const t of [...this.#tunnels]) t.close('the agent is stopping');
  }
}

export interface TunnelOutput {
  /** LDAP bytes for the hub, on this tunnel. */
  send(data: Buffer): void;
  /** The tunnel ended on the agent's side (the directory connection was lost, a malformed request). */
  ended(message: string | undefined): void;
}

/** Messages of one tunnel are gathered and sent as one frame per turn of the event loop, up to this size. */
const FLUSH_BYTES = 1024 * 1024;

export class Tunnel {
  readonly #framer: LdapFramer;
  /** The hub's message id → the id on the directory connection, while the request is outstanding. */
  readonly #outstanding = new Map<number, number>();
  #out: Buffer[] = [];
  #outBytes = 0;
  #flushQueued = false;
  #closed = false;
  readonly #policy: PolicyContext;
  /** Why reading the directory is paused: the hub's session is full, or the channel's send buffer. */
  readonly #holds = new Set<'hub' | 'channel'>();

  constructor(
    readonly id: number,
    private readonly session: DirectorySession,
    private readonly stream: LdapStream,
    private readonly output: TunnelOutput,
    private readonly opts: { agent: string; maxMessageBytes: number; limiter: RateLimiter; log: Logger },
  ) {
    this.#framer = new LdapFramer(opts.maxMessageBytes);
    this.#policy = { baseDn: session.cfg.baseDn, allowWrites: session.cfg.allowWrites, agent: opts.agent, directory: session.cfg.name };
    session.add(this);
  }

  /** Stops reading the directory while anything holds it (the hub's session is full, the channel's buffer); resumes when the last hold goes. */
  hold(why: 'hub' | 'channel', on: boolean): void {
    const had = this.#holds.size > 0;
    if (on) this.#holds.add(why);
    else this.#holds.delete(why);
    if (this.#closed) return;
    if (!had && this.#holds.size > 0) this.stream.pauseReading();
    else if (had && this.#holds.size === 0) this.stream.resumeReading();
  }

  /** Bytes from the hub. */
  receive(data: Buffer): void {
    if (this.#closed) return;
    let messages: Buffer[];
    try {
      messages = this.#framer.push(data);
    } catch (err) {
      this.#fail(err instanceof FramingError ? err.message : `malformed request: ${(err as Error).message}`);
      return;
    }
    for (const raw of messages) {
      if (!this.opts.limiter.take()) {
        this.#fail('the hub sent requests faster than limits.requestsPerSecond');
        return;
      }
      this.#request(raw);
      if (this.#closed) return;
    }
  }

  /** Ends the tunnel from the hub's side or at shutdown: its connection to the directory is closed (unbind), which ends what was outstanding. */
  close(why?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outstanding.clear();
    this.session.remove(this);
    void this.stream.close();
    if (why) this.output.ended(why);
  }

  #request(raw: Buffer): void {
    let req: ReturnType<typeof parseRequest>;
    try {
      req = parseRequest(raw);
    } catch (err) {
      this.#fail(`malformed request: ${(err as Error).message}`);
      return;
    }
    const d = decide(req, this.#policy);
    switch (d.kind) {
      case 'unbind':
        this.close();
        this.output.ended(undefined);
        return;
      case 'abandon': {
        const dcId = this.#outstanding.get(d.id);
        if (dcId !== undefined) {
          this.#outstanding.delete(d.id);
          this.stream.abandonRelayed(dcId);
        }
        return;
      }
      case 'answer': {
        if (d.resultCode !== 0) this.opts.log.warn({ directory: this.session.cfg.name, reason: d.message }, 'relayed operation refused');
        const msg = answer(req.messageId, req.op, d.resultCode, d.message);
        if (msg) this.#queue(msg);
        return;
      }
      case 'forward':
        break;
    }
    if (this.#outstanding.has(req.messageId)) {
      this.#fail(`message id ${req.messageId} is already in use by an outstanding request (RFC 4511 section 4.1.1.1)`);
      return;
    }
    const hubId = req.messageId;
    const dcId = this.stream.relay((id) => withMessageId(raw, id, req.body), {
      onMessage: (response, op) => {
        if (this.#closed) return;
        const { message, stripped } = relayResponse(response, hubId);
        if (stripped.length) this.opts.log.info({ directory: this.session.cfg.name, attributes: stripped }, 'password attributes removed from an entry');
        // SearchResultDone, or the one response of any other operation, ends it.
        if (op !== 0x64 && op !== 0x73 && op !== 0x79) this.#outstanding.delete(hubId);
        this.#queue(message);
      },
      onLost: (err) => this.#fail(`the connection to the directory was lost: ${err.message}`),
    });
    this.#outstanding.set(hubId, dcId);
  }

  #queue(message: Buffer): void {
    this.#out.push(message);
    this.#outBytes += message.length;
    if (this.#outBytes >= FLUSH_BYTES) this.#flush();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#out.length === 0) return;
    const data = this.#out.length === 1 ? this.#out[0] : Buffer.concat(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    this.output.send(data);
  }

  #fail(message: string): void {
    this.#flush();
    this.close(message);
  }
}
