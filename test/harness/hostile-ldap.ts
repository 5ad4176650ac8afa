// A hostile LDAP server for tests: a real TCP server that stands in front of the test slapd and
// passes everything through, except the answers to ONE search (the first paged search for users),
// which it breaks in the ways a broken or malicious directory server can (issue 10 items 3, 9):
//
//   bad-tag          the 2nd entry of the page carries an unknown protocolOp tag (0x6a)
//   bad-id           the 2nd entry of the page carries a message id no request used
//   endless-page     the page never ends: its entries are sent again and again, as fast as read
//   slow-endless-page  the same, one entry every `everyMs`: never silent long enough for operationMs
//   new-cookie       every page ends with a new paging cookie; each next page repeats the entries
//   same-cookie      every page ends with the same paging cookie and the same entries
//   huge-message     the page starts with a message announcing `hugeBytes` bytes, then filler
//
// Everything is real BER on a real socket: the client under test cannot tell it from a server.
// Messages are cut with idsync's own framing (framing.ts), which only finds message boundaries.
import net from 'node:net';
import { LdapFramer } from '../../src/directory/stream/framing.js';

export type HostileMode = 'pass' | 'bad-tag' | 'bad-id' | 'endless-page' | 'slow-endless-page' | 'new-cookie' | 'same-cookie' | 'huge-message';

export interface HostileOptions {
  /** Which search request is the target; default: the first paged search whose request mentions inetOrgPerson. */
  isTarget?: (request: Buffer) => boolean;
  /** slow-endless-page: milliseconds between entries (default 100). */
  everyMs?: number;
  /** huge-message: the size announced (default 200 MiB). */
  hugeBytes?: number;
}

const PAGED_OID = Buffer.from('1.2.840.113556.1.4.319');
const FAKE_COOKIE = 'hostile-cookie-';

const defaultTarget = (req: Buffer) => req.includes(PAGED_OID) && req.includes(Buffer.from('inetOrgPerson'));

// -- BER, as little as the proxy needs (X.690 definite lengths) --------------------------------------

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

function encodeInt(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** Header length and content length of the TLV at buf[at]. */
function header(buf: Buffer, at: number): { hdr: number; len: number } {
  const first = buf[at + 1];
  if (first < 0x80) return { hdr: 2, len: first };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i];
  return { hdr: 2 + n, len };
}

/** messageID, and the bytes after it (protocolOp and controls), of a complete LDAPMessage. */
function split(msg: Buffer): { id: number; op: number; rest: Buffer } {
  const outer = header(msg, 0);
  const idAt = outer.hdr;
  const idh = header(msg, idAt);
  let id = 0;
  for (let i = 0; i < idh.len; i++) id = id * 256 + msg[idAt + idh.hdr + i];
  const restAt = idAt + idh.hdr + idh.len;
  return { id, op: msg[restAt], rest: msg.subarray(restAt) };
}

function message(id: number, rest: Buffer): Buffer {
  return tlv(0x30, Buffer.concat([encodeInt(id), rest]));
}

/** SearchResultDone, success, with a paged-results response control carrying `cookie`. */
function doneWithCookie(id: number, cookie: string): Buffer {
  const result = tlv(0x65, Buffer.concat([tlv(0x0a, Buffer.from([0])), tlv(0x04, Buffer.alloc(0)), tlv(0x04, Buffer.alloc(0))]));
  const value = tlv(0x30, Buffer.concat([encodeInt(0), tlv(0x04, Buffer.from(cookie))]));
  const control = tlv(0x30, Buffer.concat([tlv(0x04, PAGED_OID), tlv(0x04, value)]));
  return message(id, Buffer.concat([result, tlv(0xa0, control)]));
}

// -- the proxy ------------------------------------------------------------------------------------

export class HostileLdapServer {
  mode: HostileMode = 'pass';
  /** What the server did, for assertions and for debugging a test. */
  readonly log: string[] = [];
  #server: net.Server;
  #sockets = new Set<net.Socket>();
  #opts: HostileOptions;
  #upstream: { host: string; port: number };

  private constructor(server: net.Server, upstream: { host: string; port: number }, opts: HostileOptions) {
    this.#server = server;
    this.#upstream = upstream;
    this.#opts = opts;
  }

  static async start(upstream: { host: string; port: number }, opts: HostileOptions = {}): Promise<HostileLdapServer> {
    const server = net.createServer();
    const h = new HostileLdapServer(server, upstream, opts);
    server.on('connection', (client) => h.#connection(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return h;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `ldap://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #connection(client: net.Socket): void {
    const mode = this.mode; // fixed per connection: a test changes it between runs
    const upstream = net.connect(this.#upstream);
    this.#sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);

    const fromClient = new LdapFramer();
    const fromServer = new LdapFramer();
    let target: number | undefined;
    const entries: Buffer[] = []; // the target page's entries, without their message id
    let entryCount = 0;
    let pages = 0;
    let silenced = false;

    /** Writes, then calls `more` once the client has read it (TCP back-pressure), while connected. */
    const pump = (next: () => Buffer | undefined, everyMs = 0) => {
      const step = () => {
        while (!client.destroyed) {
          const chunk = next();
          if (!chunk) return;
          const ok = client.write(chunk);
          if (everyMs > 0) return void setTimeout(step, everyMs);
          if (!ok) return void client.once('drain', step);
        }
      };
      step();
    };

    const answerPage = (id: number) => {
      pages++;
      const cookie = mode === 'new-cookie' ? `${FAKE_COOKIE}${pages}` : `${FAKE_COOKIE}same`;
      client.write(Buffer.concat([...entries.map((rest) => message(id, rest)), doneWithCookie(id, cookie)]));
    };

    client.on('data', (chunk: Buffer) => {
      for (const req of fromClient.push(chunk)) {
        const { id, op } = split(req);
        if (op === 0x63 && mode !== 'pass') {
          if (target === undefined && (this.#opts.isTarget ?? defaultTarget)(req)) {
            target = id;
            this.log.push(`target search: message ${id}`);
          } else if (req.includes(Buffer.from(FAKE_COOKIE))) {
            // The next page of a paging loop we started: answered here, slapd knows no such cookie.
            answerPage(id);
            continue;
          }
        }
        upstream.write(req);
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      if (silenced) return;
      const out: Buffer[] = [];
      for (const res of fromServer.push(chunk)) {
        const { id, op, rest } = split(res);
        if (id !== target || mode === 'pass') {
          out.push(res);
          continue;
        }
        if (op === 0x64) {
          entryCount++;
          entries.push(rest);
          if (mode === 'bad-tag' && entryCount === 2) {
            const bad = Buffer.from(rest);
            bad[0] = 0x6a; // [APPLICATION 10] constructed: no such protocolOp in RFC 4511
            this.log.push('sent an entry with protocolOp tag 0x6a');
            out.push(message(id, bad));
          } else if (mode === 'bad-id' && entryCount === 2) {
            this.log.push(`sent an entry with message id ${id + 500}`);
            out.push(message(id + 500, rest));
          } else if (mode === 'huge-message' && entryCount === 1) {
            const size = this.#opts.hugeBytes ?? 200 * 1024 * 1024;
            this.log.push(`announced a message of ${size} bytes`);
            client.write(Buffer.concat([Buffer.from([0x30, 0x84]), Buffer.from([size >>> 24, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff])]));
            const filler = Buffer.alloc(64 * 1024, 0x04);
            let sent = 0;
            pump(() => {
              if (sent >= size) return undefined;
              sent += filler.length;
              return filler;
            });
            silenced = true; // slapd's own answers would only corrupt the message being "sent"
            return;
          } else if (mode === 'bad-tag' || mode === 'bad-id') {
            out.push(res);
          }
          continue;
        }
        if (op === 0x65) {
          if (mode === 'bad-tag' || mode === 'bad-id') {
            out.push(res);
          } else if (mode === 'endless-page' || mode === 'slow-endless-page') {
            // No SearchResultDone, ever: the page's entries again and again.
            this.log.push(`page without end, cycling ${entries.length} entries`);
            client.write(Buffer.concat(out.splice(0)));
            let i = 0;
            pump(
              () => (entries.length ? message(id, entries[i++ % entries.length]) : undefined),
              mode === 'slow-endless-page' ? (this.#opts.everyMs ?? 100) : 0,
            );
          } else if (mode === 'new-cookie' || mode === 'same-cookie') {
            client.write(Buffer.concat(out.splice(0)));
            // The first page as slapd sent it, ended with our cookie instead of slapd's; the next
            // pages are answered from the client side (no later search is a target: -1).
            answerPage(id);
            target = -1;
          }
          continue;
        }
        out.push(res);
      }
      if (out.length) client.write(Buffer.concat(out));
    });
  }
}
