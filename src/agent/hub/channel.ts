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
import type { PasswordSink } from './passwords.js';
import { TunnelSocket } from './tunnel-socket.js';

/**
 * The hub's end of the agents' channels (issue 13): the WebSocket upgrade on CHANNEL_PATH is
 * checked (signature, date, nonce, revocation, protocol version) before the socket is accepted;
 * then each connected agent carries the tunnels of the directories it serves, is pinged every
 * heartbeat (round-trip time kept for `idsync agents` and the API), and is re-checked against the
 * store at each heartbeat, so an agent revoked by another process is cut within one heartbeat (one
 * revoked through this process's API is cut at once).
 */

export interface AgentHubOptions {
  heartbeatMs?: number;
  /** The largest frame either side accepts (ws maxPayload). */
  maxPayloadBytes?: number;
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
  #nextTunnel = 1;
  #nextConnection = 1;

  constructor(
    private readonly deps: { store: Store; box: SecretBox; log: Logger; now: () => Date },
    private readonly options: AgentHubOptions = {},
  ) {
    this.#heartbeatMs = options.heartbeatMs ?? 10_000;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024 * 1024 });
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

  /** A tunnel to `directory` through the first of `agents` that is connected. */
  openTunnel(agents: readonly string[], directory: string): TunnelSocket {
    const c = agents.map((a) => this.#connections.get(a)).find((x) => x !== undefined);
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
    this.#send(c, { t: 'open', tunnel: id, directory });
    return socket;
  }

  async close(): Promise<void> {
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
      tunnels: new Map(),
      ping: undefined,
      missed: 0,
      timer: setInterval(() => void this.#heartbeat(c), this.#heartbeatMs),
      control: new RateLimiter(this.options.controlRatePerSecond ?? 200, 1000),
      passwords: Promise.resolve(),
    };
    this.#connections.set(c.name, c);
    this.deps.log.info({ agent: c.name, address: c.address, version: c.version, protocol: c.protocol }, 'agent connected');
    void this.deps.store.agents
      .seen(a.row.id, { address: c.address, version: c.version }, this.deps.now())
      .then(() => this.#record(c, { connectedSince: c.connectedAt.toISOString() }))
      .catch(() => undefined);
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
        this.#record(c, { connectedSince: c.connectedAt.toISOString(), directories: c.directories });
        break;
      case 'pong':
        if (c.ping && m.n === c.ping.n) {
          c.rttMs = Math.round((performance.now() - c.ping.sentAt) * 100) / 100;
          c.lastHeartbeatAt = this.deps.now();
          c.ping = undefined;
          c.missed = 0;
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

  async #heartbeat(c: Connection): Promise<void> {
    if (c.ping && ++c.missed >= 3) {
      this.disconnect(c.name, `no heartbeat answer for ${3 * this.#heartbeatMs} ms`, CloseCode.heartbeat);
      return;
    }
    const n = (c.ping?.n ?? 0) + 1;
    c.ping = { n, sentAt: performance.now() };
    this.#send(c, { t: 'ping', n });
    // Revoked by another process (the CLI beside serve): cut within a heartbeat.
    const row = await this.deps.store.agents.findByName(c.name).catch(() => undefined);
    if (row?.revoked_at && this.#connections.get(c.name) === c) this.disconnect(c.name, `agent "${c.name}" was revoked`);
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
    for (const t of tunnels) t.fail(why);
  }
}
