import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SecretBox } from '../../directories/secret-box.js';
import { type ErrorCode, ErrorCodes, IdsyncError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/db.js';
import { CHANNEL_PATH, Headers, NonceCache, PROTOCOL_VERSION, negotiateProtocol, signatureMatches, skewProblem } from '../signature.js';
import { CloseCode, type Control, dataFrame, parseControl, parseDataFrame, RateLimiter } from '../wire.js';
import { agentCredentials } from './enrollment.js';
import { type Health, Primaries } from './primaries.js';
import type { PasswordSink } from './passwords.js';
import { TunnelSocket } from './tunnel-socket.js';

/**
 * The hub's end of the agents' channels (issue 13): the WebSocket upgrade on CHANNEL_PATH is
 * checked (signature, date, nonce, revocation, protocol version) before the socket is accepted;
 * then each connected agent carries the tunnels of the directories it serves, is pinged every
 * heartbeat (round-trip time kept for `idsync agents` and the API); the store is polled for
 * revocations every half second while agents are connected, so an agent revoked by another process
 * (`idsync agents revoke`) is cut within a second (one revoked through this process's API, at once).
 *
 * Several agents may serve one directory (src/agent/hub/primaries.ts): all keep their channels,
 * the primary carries the directory's sessions, and when it drops or misses a heartbeat another
 * takes over; the failed sessions are reopened by the serve worker through the new primary, from
 * the stored stream position.
 */

export interface AgentHubOptions {
  heartbeatMs?: number;
  /** The largest frame either side accepts (ws maxPayload). */
  maxPayloadBytes?: number;
  /** How often the store is asked whether a connected agent was revoked by another process. */
  revocationPollMs?: number;
  /** Control messages an agent may send per second (sustained) before its channel is closed. */
  controlRatePerSecond?: number;
  /** Applies agents' password hash sync batches (issue 14); without it they are not acknowledged. */
  passwords?: PasswordSink;
}

export interface AgentStatus {
  name: string;
  connected: true;
  address: string | null;
  version: string;
  protocol: number;
  connectedAt: string;
  lastHeartbeatAt: string | null;
  rttMs: number | null;
  directories: string[];
  /** The directories whose sessions it carries. */
  primaryFor: string[];
  /** The directories configured with it whose primary is another agent. */
  standbyFor: string[];
  tunnels: number;
}

interface Connection {
  id: number;
  /** The agent's row in the store. */
  agentId: number;
  name: string;
  ws: WebSocket;
  address: string | null;
  version: string;
  protocol: number;
  connectedAt: Date;
  lastHeartbeatAt: Date | null;
  rttMs: number | null;
  directories: string[];
  /** Its hello (the directories it serves) has arrived. */
  helloed: boolean;
  tunnels: Map<number, TunnelSocket>;
  ping: { n: number; sentAt: number } | undefined;
  missed: number;
  timer: NodeJS.Timeout;
  control: RateLimiter;
  /** Password batches are applied one after the other, in the order they came. */
  passwords: Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 426: 'Upgrade Required', 503: 'Service Unavailable' };

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class AgentHub {
  readonly #wss: WebSocketServer;
  readonly #connections = new Map<string, Connection>();
  readonly #nonces = new NonceCache();
  readonly #heartbeatMs: number;
  readonly #primaries = new Primaries();
  /** Which directory each open tunnel is for, so a failover moves only that directory's sessions. */
  readonly #tunnelDirectory = new WeakMap<TunnelSocket, string>();
  readonly #revocations: NodeJS.Timeout;
  #nextTunnel = 1;
  #nextConnection = 1;

  constructor(
    private readonly deps: { store: Store; box: SecretBox; log: Logger; now: () => Date },
    private readonly options: AgentHubOptions = {},
  ) {
    this.#heartbeatMs = options.heartbeatMs ?? 10_000;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024 * 1024 });
    this.#revocations = setInterval(() => void this.#pollRevocations(), options.revocationPollMs ?? 500);
    this.#revocations.unref();
  }

  #polling = false;

  /** Revoked by another process (the CLI beside serve): one indexed query, only while agents are connected. */
  async #pollRevocations(): Promise<void> {
    if (this.#polling || this.#connections.size === 0) return;
    this.#polling = true;
    try {
      for (const name of await this.deps.store.agents.revokedAmong([...this.#connections.keys()])) this.disconnect(name, `agent "${name}" was revoked`);
    } catch {
      // The store is briefly unavailable: the next poll asks again.
    } finally {
      this.#polling = false;
    }
  }

  /** Takes the upgrade requests for CHANNEL_PATH off an HTTP(S) server; others are left alone. */
  attach(server: { on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown }): void {
    server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== CHANNEL_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.#upgrade(req, socket, head).catch((err: unknown) => {
        this.deps.log.error({ err: (err as Error).message }, 'agent channel: upgrade failed');
        socket.destroy();
      });
    });
  }

  /** The agents that reach `directory`, in the configuration's order (the failover order). */
  route(directory: string, agents: readonly string[]): void {
    this.#primaries.route(directory, agents);
    this.#elect();
  }

  /** The primary agent of each directory reached through agents (undefined: none connected). */
  primaries(): { directory: string; agents: readonly string[]; primary: string | undefined }[] {
    return this.#primaries.directories().map((d) => ({ directory: d, agents: this.#primaries.agentsOf(d), primary: this.#primaries.primaryOf(d) }));
  }

  /** Connected agents. */
  status(): AgentStatus[] {
    return [...this.#connections.values()].map((c) => ({
      name: c.name,
      connected: true,
      address: c.address,
      version: c.version,
      protocol: c.protocol,
      connectedAt: c.connectedAt.toISOString(),
      lastHeartbeatAt: c.lastHeartbeatAt?.toISOString() ?? null,
      rttMs: c.rttMs,
      directories: c.directories,
      primaryFor: this.#primaries.primaryFor(c.name),
      standbyFor: this.#primaries.directories().filter((d) => this.#primaries.agentsOf(d).includes(c.name) && this.#primaries.primaryOf(d) !== c.name),
      tunnels: c.tunnels.size,
    }));
  }

  /** Asks the connected agents serving `directory` (or all) to read every password again; returns the agents asked. */
  resyncPasswords(directory?: string): string[] {
    const asked: string[] = [];
    for (const c of this.#connections.values()) {
      if (directory && !c.directories.includes(directory)) continue;
      this.#send(c, { t: 'pwdResync', ...(directory ? { directory } : {}) });
      asked.push(c.name);
    }
    return asked;
  }

  /** Closes an agent's channel now (revocation); its tunnels fail. */
  disconnect(name: string, reason: string, code: number = CloseCode.revoked): void {
    const c = this.#connections.get(name);
    if (!c) return;
    this.#drop(c, new IdsyncError('DIRECTORY_UNREACHABLE', `agent "${name}" was disconnected: ${reason}`));
    c.ws.close(code, reason.slice(0, 120));
    // A peer that does not answer the close handshake is cut anyway.
    setTimeout(() => c.ws.terminate(), 2000).unref();
  }

  /** Whether one of `agents` is connected to this hub now. */
  reaches(agents: readonly string[]): boolean {
    return agents.some((a) => this.#connections.has(a));
  }

  /** A tunnel to `directory` through its primary agent among `agents`. */
  openTunnel(agents: readonly string[], directory: string): TunnelSocket {
    this.route(directory, agents);
    const primary = this.#primaries.primaryOf(directory);
    const c = primary === undefined ? undefined : this.#connections.get(primary);
    const id = this.#nextTunnel;
    this.#nextTunnel = id >= 0xffffffff ? 1 : id + 1;
    const socket = new TunnelSocket(id, {
      send: (tunnel, data) => c?.ws.send(dataFrame(tunnel, data), { binary: true }),
      closed: (tunnel) => {
        if (!c?.tunnels.delete(tunnel)) return;
        this.#send(c, { t: 'closed', tunnel });
      },
      pause: (tunnel) => c && this.#send(c, { t: 'pause', tunnel }),
      resume: (tunnel) => c && this.#send(c, { t: 'resume', tunnel }),
    });
    if (!c) {
      const err = new IdsyncError('DIRECTORY_UNREACHABLE', `agent ${agents.join(' or ')} is not connected to this hub (see \`idsync agents\`)`);
      setImmediate(() => socket.fail(err));
      return socket;
    }
    c.tunnels.set(id, socket);
    this.#tunnelDirectory.set(socket, directory);
    this.#send(c, { t: 'open', tunnel: id, directory });
    return socket;
  }

  async close(): Promise<void> {
    clearInterval(this.#revocations);
    for (const c of [...this.#connections.values()]) {
      this.#drop(c, new Error('the hub is shutting down'));
      c.ws.close(1001, 'hub shutting down');
    }
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  // -- the upgrade -------------------------------------------------------------------------------

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let accepted: { row: { id: number; name: string }; protocol: number; version: string };
    try {
      accepted = await this.#authenticate(req);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      this.deps.log.warn({ address: req.socket.remoteAddress, reason: err.message }, 'agent channel refused');
      const body = JSON.stringify({ error: { code: 'AGENT_CHANNEL_REFUSED', message: err.message } });
      socket.end(
        `HTTP/1.1 ${err.status} ${STATUS_TEXT[err.status] ?? 'Error'}\r\nConnection: close\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req, accepted));
  }

  /** Every refusal says which rule was met; the signature is checked before the nonce is recorded. */
  async #authenticate(req: IncomingMessage): Promise<{ row: { id: number; name: string }; protocol: number; version: string }> {
    const h = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const integrationKey = h(Headers.key);
    const date = h(Headers.date);
    const nonce = h(Headers.nonce);
    const signature = h(Headers.signature);
    if (!integrationKey || !date || !nonce || !signature) {
      throw new Refusal(401, `missing ${[Headers.key, Headers.date, Headers.nonce, Headers.signature].filter((n) => !h(n)).join(', ')}`);
    }
    const now = this.deps.now();
    const skew = skewProblem(date, now);
    if (skew) throw new Refusal(401, skew);
    const creds = await agentCredentials(this.deps.store, this.deps.box, integrationKey);
    if (!creds) throw new Refusal(401, 'unknown integration key');
    if ('revoked' in creds) throw new Refusal(401, `agent "${creds.row.name}" was revoked on ${creds.row.revoked_at}`);
    const path = (req.url ?? '').split('?')[0];
    if (!signatureMatches(creds.secretKey, { method: req.method ?? 'GET', path, date, nonce, integrationKey }, signature)) {
      throw new Refusal(401, `bad signature for agent "${creds.row.name}" (is the secret key the one it was enrolled with?)`);
    }
    const used = this.#nonces.use(nonce, now.getTime());
    if (used === 'replay') throw new Refusal(401, `replayed request: nonce ${nonce.slice(0, 16)}… was already used`);
    if (used === 'full') throw new Refusal(503, 'too many channel requests in the last minutes; try again later');
    // The same nonce through another `idsync serve` on this store (issue 16): the store decides.
    if (!(await this.deps.store.agents.useNonce(nonce, new Date(now.getTime() + this.#nonces.ttlMs), now))) {
      throw new Refusal(401, `replayed request: nonce ${nonce.slice(0, 16)}… was already used`);
    }
    const protocol = negotiateProtocol(PROTOCOL_VERSION, Number(h(Headers.protocol)));
    if (!protocol.ok) throw new Refusal(426, protocol.message);
    return { row: creds.row, protocol: protocol.version, version: (h(Headers.version) ?? 'unknown').slice(0, 40) };
  }

  // -- a connected agent -------------------------------------------------------------------------

  #accept(ws: WebSocket, req: IncomingMessage, a: { row: { id: number; name: string }; protocol: number; version: string }): void {
    const previous = this.#connections.get(a.row.name);
    if (previous) this.disconnect(a.row.name, 'replaced by a new connection of the same agent', CloseCode.replaced);
    const c: Connection = {
      id: this.#nextConnection++,
      agentId: a.row.id,
      name: a.row.name,
      ws,
      address: req.socket.remoteAddress ?? null,
      version: a.version,
      protocol: a.protocol,
      connectedAt: this.deps.now(),
      lastHeartbeatAt: null,
      rttMs: null,
      directories: [],
      helloed: false,
      tunnels: new Map(),
      ping: undefined,
      missed: 0,
      timer: setInterval(() => this.#heartbeat(c), this.#heartbeatMs),
      control: new RateLimiter(this.options.controlRatePerSecond ?? 200, 1000),
      passwords: Promise.resolve(),
    };
    this.#connections.set(c.name, c);
    this.deps.log.info({ agent: c.name, address: c.address, version: c.version, protocol: c.protocol }, 'agent connected');
    void this.deps.store.agents
      .seen(a.row.id, { address: c.address, version: c.version }, this.deps.now())
      .then(() => this.#record(c, { connectedSince: c.connectedAt.toISOString(), primaryFor: this.#primaries.primaryFor(c.name) }))
      .catch(() => undefined);
    this.#elect();
    ws.on('message', (data, isBinary) => this.#message(c, data as Buffer, isBinary));
    ws.on('close', (code, reason) => {
      const why = `the channel of agent "${c.name}" closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`;
      this.#drop(c, new IdsyncError('DIRECTORY_UNREACHABLE', why));
      this.deps.log.info({ agent: c.name, code }, 'agent disconnected');
    });
    ws.on('error', (err) => this.deps.log.warn({ agent: c.name, err: err.message }, 'agent channel error'));
    this.#send(c, { t: 'welcome', agent: c.name, protocol: c.protocol, heartbeatMs: this.#heartbeatMs });
  }

  #message(c: Connection, data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const f = parseDataFrame(data);
      if (f) c.tunnels.get(f.tunnel)?.receive(f.payload);
      return;
    }
    if (!c.control.take()) {
      this.disconnect(c.name, 'too many control messages', CloseCode.rate);
      return;
    }
    const m = parseControl(data.toString('utf8'));
    if (!m) return;
    switch (m.t) {
      case 'hello':
        c.directories = Array.isArray(m.directories) ? m.directories.filter((d) => typeof d === 'string').slice(0, 1000) : [];
        c.helloed = true;
        this.#elect();
        this.#record(c, { connectedSince: c.connectedAt.toISOString(), directories: c.directories });
        break;
      case 'pong':
        if (c.ping && m.n === c.ping.n) {
          c.rttMs = Math.round((performance.now() - c.ping.sentAt) * 100) / 100;
          c.lastHeartbeatAt = this.deps.now();
          c.ping = undefined;
          const wasLate = c.missed > 0;
          c.missed = 0;
          if (wasLate) this.#elect();
          this.#record(c, { connectedSince: c.connectedAt.toISOString(), heartbeatAt: c.lastHeartbeatAt.toISOString(), rttMs: c.rttMs });
        }
        break;
      case 'opened':
        c.tunnels.get(m.tunnel)?.opened(String(m.server));
        break;
      case 'pwd': {
        const sink = this.options.passwords;
        if (!sink) break;
        c.passwords = c.passwords.then(async () => {
          try {
            const r = await sink(c.name, m);
            if (r !== 'refused') this.#send(c, { t: 'pwdAck', directory: m.directory, epoch: m.epoch, seq: m.seq });
          } catch (err) {
            // Not acknowledged: the agent sends it again on its next channel.
            this.deps.log.error({ agent: c.name, directory: m.directory, err: (err as Error).message }, 'password sync: applying a batch failed');
          }
        });
        break;
      }
      case 'closed': {
        const t = c.tunnels.get(m.tunnel);
        if (!t) break;
        c.tunnels.delete(m.tunnel);
        // The agent's error code when it is one of ours (DIRECTORY_TLS, DIRECTORY_BIND_FAILED…), so the hub reports it as if it had connected itself.
        const code = typeof m.code === 'string' && m.code in ErrorCodes ? (m.code as ErrorCode) : 'DIRECTORY_UNREACHABLE';
        t.fail(m.message ? new IdsyncError(code, `agent "${c.name}": ${m.message}`) : undefined);
        break;
      }
      default:
        break;
    }
  }

  #heartbeat(c: Connection): void {
    if (c.ping && ++c.missed >= 3) {
      this.disconnect(c.name, `no heartbeat answer for ${3 * this.#heartbeatMs} ms`, CloseCode.heartbeat);
      return;
    }
    // One heartbeat unanswered: a standby that answers takes over its directories now (within two heartbeats of the last answer).
    if (c.missed === 1) this.#elect();
    const n = (c.ping?.n ?? 0) + 1;
    c.ping = { n, sentAt: performance.now() };
    this.#send(c, { t: 'ping', n });
  }

  #send(c: Connection, m: Control): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(m));
  }

  /** What `idsync agents` shows from other processes; a failed write only delays it to the next heartbeat. */
  #record(c: Connection, state: Parameters<Store['agents']['channel']>[1]): void {
    if (this.#connections.get(c.name) !== c) return;
    void this.deps.store.agents.channel(c.agentId, state).catch(() => undefined);
  }

  #drop(c: Connection, why: Error): void {
    clearInterval(c.timer);
    if (this.#connections.get(c.name) === c) {
      this.#connections.delete(c.name);
      void this.deps.store.agents.channel(c.agentId, { connectedSince: null }).catch(() => undefined);
    }
    const tunnels = [...c.tunnels.values()];
    c.tunnels.clear();
    this.#elect();
    for (const t of tunnels) t.fail(why);
  }

  /** An agent whose hello did not list the directory cannot carry it (before its hello, it is assumed to). */
  #health(name: string, directory: string): Health {
    const c = this.#connections.get(name);
    if (!c || (c.helloed && !c.directories.includes(directory))) return 'absent';
    return c.missed > 0 ? 'late' : 'healthy';
  }

  /**
   * Re-elects the primaries; a directory whose primary changed has its sessions through the old
   * one failed, so the serve worker reopens them (through the new one) from its stored position.
   */
  #elect(): void {
    for (const e of this.#primaries.elect((a, d) => this.#health(a, d))) {
      this.deps.log.info(
        { directory: e.directory, from: e.from ?? null, to: e.to ?? null },
        e.to ? 'agent primary elected' : 'no agent of the directory is connected',
      );
      for (const name of [e.from, e.to]) {
        const c = name === undefined ? undefined : this.#connections.get(name);
        if (c) this.#record(c, { connectedSince: c.connectedAt.toISOString(), primaryFor: this.#primaries.primaryFor(c.name) });
      }
      const old = e.from === undefined ? undefined : this.#connections.get(e.from);
      if (!old) continue;
      for (const [id, t] of [...old.tunnels]) {
        if (this.#tunnelDirectory.get(t) !== e.directory) continue;
        old.tunnels.delete(id);
        this.#send(old, { t: 'closed', tunnel: id });
        t.fail(new IdsyncError('DIRECTORY_UNREACHABLE', `agent "${old.name}" is no longer the primary of "${e.directory}" (now: ${e.to ?? 'none'})`));
      }
    }
  }
}
