// A TCP proxy that passes everything through and keeps what the client sent, so a test can show
// what crossed the wire: that a StartTLS connection really switched to TLS before the bind
// (a client that skipped the upgrade would still work against a lenient server), or that a
// secret never reached a destination. Real sockets on loopback; nothing is altered.
import net from 'node:net';

export class RecordingProxy {
  /** Every byte the clients sent, connection by connection. */
  readonly sent: Buffer[][] = [];
  readonly #server: net.Server;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }): Promise<RecordingProxy> {
    const server = net.createServer();
    const proxy = new RecordingProxy(server);
    server.on('connection', (client) => {
      const chunks: Buffer[] = [];
      proxy.sent.push(chunks);
      const upstream = net.connect(target.port, target.host);
      client.on('data', (d) => chunks.push(Buffer.from(d)));
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** All a connection's client bytes as one buffer. */
  stream(i: number): Buffer {
    return Buffer.concat(this.sent[i] ?? []);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Where the first TLS handshake record (ContentType 22, version 3.x: RFC 8446 section 5.1) starts, or -1. */
export function tlsHandshakeAt(bytes: Buffer): number {
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0x16 && bytes[i + 1] === 0x03 && bytes[i + 2] <= 0x04) return i;
  return -1;
}
