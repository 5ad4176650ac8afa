import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { CertPaths } from './certs.js';

/** One email as the server received it: the envelope, the parsed message and its raw text. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
  /** The enrollment link in the plain-text body, if any. */
  link?: string;
}

export interface TestSmtpOptions {
  certs: CertPaths;
  /** `tls`: TLS from the first byte (SMTPS); `starttls` (default): STARTTLS offered. */
  security?: 'starttls' | 'tls';
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  auth?: { user: string; pass: string };
  /** Answer RCPT TO for these addresses with 550 (a permanent refusal). */
  refuse?: string[];
  port?: number;
  /** Count messages without parsing them (the bench: parsing 10,000 would measure mailparser). */
  countOnly?: boolean;
}

/**
 * A real SMTP server for the suite (the `smtp-server` package) on 127.0.0.1, with the harness's
 * test certificates, that records every message it accepts (parsed with `mailparser`). `stop()`
 * closes it, as an outage would; `start()` again listens on the same port.
 */
export class TestSmtp {
  readonly received: ReceivedMail[] = [];
  /** Messages accepted, parsed or not. */
  count = 0;
  #server?: SMTPServer;
  #waiters: (() => void)[] = [];
  port = 0;

  constructor(private readonly o: TestSmtpOptions) {}

  get security(): 'starttls' | 'tls' {
    return this.o.security ?? 'starttls';
  }

  /** The `smtp` section of an idsync configuration that sends here (CA verified). */
  config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      host: '127.0.0.1',
      port: this.port,
      security: this.security,
      caFile: this.o.certs.caFile,
      from: 'idsync@corp.example.test',
      timeoutMs: 3000,
      ...(this.o.auth ? { username: this.o.auth.user, password: this.o.auth.pass } : {}),
      ...extra,
    };
  }

  async start(): Promise<void> {
    const { certs, auth, refuse = [] } = this.o;
    const server = new SMTPServer({
      secure: this.security === 'tls',
      key: readFileSync(certs.keyFile),
      cert: readFileSync(certs.certFile),
      authOptional: !auth,
      disabledCommands: auth ? [] : ['AUTH'],
      allowInsecureAuth: false,
      logger: false,
      // An outage is abrupt: stop() drops open connections instead of waiting 30 s for them.
      closeTimeout: 100,
      size: 10 * 1024 * 1024,
      onAuth(a, _session, cb) {
        if (auth && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
        else cb(new Error('535 authentication failed'));
      },
      onRcptTo(address, _session, cb) {
        if (refuse.includes(address.address)) {
          const err = new Error('mailbox unavailable') as Error & { responseCode: number };
          err.responseCode = 550;
          cb(err);
        } else cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.count++;
          if (this.o.countOnly) {
            for (const w of this.#waiters.splice(0)) w();
            return cb();
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              const text = parsed.text ?? '';
              this.received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                raw,
                parsed,
                link: /https?:\/\/\S+\/enroll#[A-Za-z0-9_-]+/.exec(text)?.[0],
              });
              for (const w of this.#waiters.splice(0)) w();
              cb();
            },
            (err: Error) => cb(err),
          );
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.listen(this.port || this.o.port || 0, '127.0.0.1', () => resolve());
      server.server.once('error', reject);
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the listener and every open connection (an outage). */
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Waits until `n` messages in all have arrived. */
  async waitFor(n: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} emails, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }
}
