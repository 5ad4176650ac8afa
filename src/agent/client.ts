import WebSocket from 'ws';
import type { Logger } from '../log.js';
import { KdfPool } from '../auth/kdf-pool.js';
import type { AgentConfig } from './config.js';
import { PasswordSync } from './passwords/sync.js';
import { DirectorySession, Tunnel } from './relay.js';
import { CHANNEL_PATH, PROTOCOL_VERSION, signedHeaders } from './signature.js';
import { backoffMs, CloseCode, type Control, dataFrame, type PasswordChange, parseControl, parseDataFrame, RateLimiter } from './wire.js';

/** Bytes queued on the channel above which the agent stops reading the directory, and below which it reads again. */
const SEND_BUFFER_HIGH = 16 * 1024 * 1024;
const SEND_BUFFER_LOW = 4 * 1024 * 1024;

/**
 * `idsync agent`: one outbound WebSocket to the hub (TLS, the hub's certificate verified against
 * the system CAs or hubCaFile), signed at each connection (signature.ts), kept open: it reconnects
 * with exponential backoff and jitter, and gives up on a hub that stops sending heartbeats.
 */
export class AgentClient {
  readonly #sessions = new Map<string, DirectorySession>();
  /** Password hash sync (issue 14) of the directories that enable it, and the highest batch sent on the current channel. */
  readonly #passwords = new Map<string, { sync: PasswordSync; sent: number }>();
  #kdf: KdfPool | undefined;
  readonly #tunnels = new Map<number, Tunnel>();
  /** Tunnels being opened (binding), and those of them the hub closed meanwhile. */
  readonly #opening = new Set<number>();
  readonly #cancelled = new Set<number>();
  /** Tunnels not reading the directory while the channel's send buffer drains. */
  #sendHeld = false;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #heartbeatMs = 10_000;
  #lastPing = 0;
  #limiter: RateLimiter;
  /** Resolves when the channel is first welcomed (for tests and `--once`). */
  connected: Promise<void>;
  #resolveConnected: () => void = () => undefined;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly log: Logger,
    private readonly version: string,
    private readonly options: { protocol?: number; now?: () => Date } = {},
  ) {
    for (const d of cfg.directories) this.#sessions.set(d.name, new DirectorySession(d, log));
    for (const d of cfg.directories) {
      if (!d.passwordSync) continue;
      // The agent's own bulk derivation waits as long as it must: no queue limit.
      this.#kdf ??= new KdfPool({ size: d.passwordSync.workers, queueLimit: Number.POSITIVE_INFINITY });
      const sync = new PasswordSync(d, cfg.secretKey, this.#kdf, log);
      sync.onQueued = () => this.#sendPasswords();
      this.#passwords.set(d.name, { sync, sent: 0 });
    }
    this.#limiter = new RateLimiter(cfg.limits.requestsPerSecond, cfg.limits.requestsPerSecond * 5);
    this.connected = new Promise((resolve) => {
      this.#resolveConnected = resolve;
    });
  }

  start(): void {
    this.#connect();
    for (const p of this.#passwords.values()) p.sync.start();
  }

  /** For tests and status: each password-synced directory's outbox size and last full read. */
  passwordStatus(): { directory: string; queued: number; stats: PasswordSync['stats'] }[] {
    return [...this.#passwords.entries()].map(([directory, p]) => ({ directory, queued: p.sync.queue.size, stats: p.sync.stats }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearInterval(this.#watchdog);
    this.#closeTunnels();
    this.#ws?.close(1001, 'agent stopping');
    await Promise.all([...this.#sessions.values()].map((s) => s.close()));
    await Promise.all([...this.#passwords.values()].map((p) => p.sync.stop()));
    await this.#kdf?.close();
  }

  #connect(): void {
    if (this.#stopped) return;
    const url = `${this.cfg.hub.replace(/^http/, 'ws')}${CHANNEL_PATH}`;
    const now = this.options.now?.() ?? new Date();
    const headers = signedHeaders({ integrationKey: this.cfg.integrationKey, secretKey: this.cfg.secretKey.reveal() }, 'GET', CHANNEL_PATH, now, {
      protocol: this.options.protocol ?? PROTOCOL_VERSION,
      version: this.version,
    });
    const ws = new WebSocket(url, {
      headers,
      maxPayload: this.cfg.limits.maxMessageBytes,
      ...(this.cfg.hubCa ? { ca: this.cfg.hubCa } : {}),
      rejectUnauthorized: true,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
    });
    this.#ws = ws;
    let opened = false;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => {
        let message = body;
        try {
          message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
        } catch {
          // not JSON: shown as it is
        }
        this.log.error({ status: res.statusCode, reason: message }, `the hub refused the channel: ${message}`);
        ws.terminate();
      });
    });
    ws.on('open', () => {
      opened = true;
      this.#send({ t: 'hello', version: this.version, directories: [...this.#sessions.keys()] });
    });
    ws.on('message', (data, isBinary) => this.#message(data as Buffer, isBinary));
    ws.on('error', (err) => this.log.warn({ err: err.message, hub: this.cfg.hub }, 'channel error'));
    ws.on('close', (code, reason) => {
      clearInterval(this.#watchdog);
      this.#closeTunnels();
      if (this.#ws === ws) this.#ws = undefined;
      if (this.#stopped) return;
      const delay = backoffMs(this.#attempt++);
      const why = reason.length ? reason.toString() : opened ? 'closed' : 'could not connect';
      const level = code === CloseCode.revoked ? 'error' : 'warn';
      this.log[level]({ code, reason: why, retryInMs: delay }, 'channel to the hub lost; reconnecting');
      this.#retry = setTimeout(() => this.#connect(), delay);
    });
  }

  #message(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const f = parseDataFrame(data);
      if (f) this.#tunnels.get(f.tunnel)?.receive(f.payload);
      return;
    }
    const m = parseControl(data.toString('utf8'));
    if (!m) return;
    switch (m.t) {
      case 'welcome':
        this.#attempt = 0;
        this.#heartbeatMs = m.heartbeatMs;
        this.#lastPing = performance.now();
        clearInterval(this.#watchdog);
        this.#watchdog = setInterval(() => {
          // Three heartbeats missed: the hub (or the way to it) is gone though TCP has not noticed.
          if (performance.now() - this.#lastPing > 3 * this.#heartbeatMs) this.#ws?.terminate();
        }, this.#heartbeatMs);
        this.log.info({ hub: this.cfg.hub, agent: m.agent, protocol: m.protocol }, 'connected to the hub');
        this.#resolveConnected();
        // A new channel: every unacknowledged batch again, in order (the hub applies each once).
        for (const p of this.#passwords.values()) p.sent = 0;
        this.#sendPasswords();
        break;
      case 'pwdAck': {
        const p = this.#passwords.get(m.directory);
        if (p && m.epoch === p.sync.queue.epoch) p.sync.queue.ack(m.seq);
        break;
      }
      case 'pwdResync':
        for (const [name, p] of this.#passwords) if (!m.directory || m.directory === name) p.sync.resync();
        break;
      case 'ping':
        this.#lastPing = performance.now();
        this.#send({ t: 'pong', n: m.n });
        break;
      case 'open':
        void this.#open(m.tunnel, m.directory);
        break;
      case 'closed':
        if (this.#opening.has(m.tunnel)) this.#cancelled.add(m.tunnel);
        this.#tunnels.get(m.tunnel)?.close();
        this.#tunnels.delete(m.tunnel);
        break;
      case 'pause':
      case 'resume':
        this.#tunnels.get(m.tunnel)?.hold('hub', m.t === 'pause');
        break;
      default:
        break;
    }
  }

  async #open(tunnel: number, directory: string): Promise<void> {
    const session = this.#sessions.get(directory);
    if (!session) {
      this.#send({ t: 'closed', tunnel, code: 'UNKNOWN_DIRECTORY', message: `this agent has no directory "${directory}" in its configuration` });
      return;
    }
    const ws = this.#ws;
    this.#opening.add(tunnel);
    let stream: Awaited<ReturnType<DirectorySession['connection']>>;
    try {
      stream = await session.connection();
    } catch (err) {
      this.#opening.delete(tunnel);
      this.#send({ t: 'closed', tunnel, code: (err as { code?: string }).code ?? 'DIRECTORY_UNREACHABLE', message: (err as Error).message });
      return;
    } finally {
      this.#opening.delete(tunnel);
    }
    // The hub gave up on the tunnel while the agent bound, or the channel is another one now.
    if (!ws || ws !== this.#ws || this.#cancelled.delete(tunnel)) {
      await stream.close();
      return;
    }
    const t = new Tunnel(
      tunnel,
      session,
      stream,
      {
        send: (data) => {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(dataFrame(tunnel, data), { binary: true });
          this.#watchSendBuffer(ws);
        },
        ended: (message) => {
          this.#tunnels.delete(tunnel);
          this.#send({ t: 'closed', tunnel, ...(message ? { message } : {}) });
        },
      },
      { agent: this.cfg.name, maxMessageBytes: this.cfg.limits.maxMessageBytes, limiter: this.#limiter, log: this.log },
    );
    this.#tunnels.set(tunnel, t);
    this.#send({ t: 'opened', tunnel, server: stream.server.url });
  }

  /**
   * The channel's own back-pressure: when the hub (or the network to it) takes frames slower than
   * the directory sends, stop reading the directory until the WebSocket's buffer drains.
   */
  #watchSendBuffer(ws: WebSocket): void {
    if (this.#sendHeld || ws.bufferedAmount < SEND_BUFFER_HIGH) return;
    this.#sendHeld = true;
    for (const t of this.#tunnels.values()) t.hold('channel', true);
    const check = setInterval(() => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount > SEND_BUFFER_LOW) return;
      clearInterval(check);
      this.#sendHeld = false;
      for (const t of this.#tunnels.values()) t.hold('channel', false);
    }, 10);
  }

  #closeTunnels(): void {
    for (const t of this.#tunnels.values()) t.close();
    this.#tunnels.clear();
    this.#cancelled.clear();
  }

  /** Sends the outbox batches not yet sent on this channel, oldest first. */
  #sendPasswords(): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== ws.OPEN) return;
    for (const [directory, p] of this.#passwords) {
      for (const b of p.sync.queue.pending()) {
        if (b.seq <= p.sent) continue;
        const { changes } = b.body as { changes: PasswordChange[] };
        this.#send({ t: 'pwd', directory, epoch: p.sync.queue.epoch, seq: b.seq, changes });
        p.sent = b.seq;
      }
    }
  }

  #send(m: Control): void {
    const ws = this.#ws;
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  }
}
