import { Duplex } from 'node:stream';

/**
 * One LDAP session of the hub carried by an agent's channel: a Duplex that LdapStream uses in place
 * of a TCP socket (src/directory/stream/socket.ts, createSocket). What LdapStream writes (whole
 * LDAPMessages) goes to the agent as a data frame of this tunnel; what the agent sends back is
 * pushed here. It emits `connect` when the agent says the tunnel is open, as net.Socket does, and
 * an error then `close` when the agent refuses it or the channel drops.
 */
export interface TunnelSink {
  send(tunnel: number, data: Buffer): void;
  /** The hub side ended the tunnel (LdapStream closed or destroyed it). */
  closed(tunnel: number): void;
  /** Flow control: the reader is full / wants more (wire.ts, `pause` and `resume`). */
  pause(tunnel: number): void;
  resume(tunnel: number): void;
}

/** Bytes buffered for a paused reader before the agent is asked to stop reading the directory. */
const READ_HIGH_WATER = 4 * 1024 * 1024;

export class TunnelSocket extends Duplex {
  readonly tunnel: number;
  readonly #sink: TunnelSink;
  #open = false;
  #ended = false;
  #pausedAgent = false;
  /** Which directory server the agent is bound to, once open (for the run report). */
  remoteServer: string | undefined;

  constructor(tunnel: number, sink: TunnelSink) {
    super({ allowHalfOpen: false, readableHighWaterMark: READ_HIGH_WATER });
    this.tunnel = tunnel;
    this.#sink = sink;
  }

  /** The agent confirmed the tunnel. */
  opened(server: string): void {
    this.#open = true;
    this.remoteServer = server;
    this.emit('connect');
  }

  /** Bytes from the agent. */
  receive(data: Buffer): void {
    if (this.destroyed) return;
    if (!this.push(data) && !this.#pausedAgent && !this.#ended) {
      this.#pausedAgent = true;
      this.#sink.pause(this.tunnel);
    }
  }

  /** The agent ended the tunnel, or the channel is gone: with an error unless it was a normal end. */
  fail(err: Error | undefined): void {
    this.#ended = true;
    if (err) this.destroy(err);
    else {
      this.push(null);
      this.destroy();
    }
  }

  override _read(): void {
    // Data is pushed as frames arrive; called again once a full buffer has drained.
    if (this.#pausedAgent && !this.#ended) {
      this.#pausedAgent = false;
      this.#sink.resume(this.tunnel);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#open) {
      callback(new Error('the tunnel through the agent is not open'));
      return;
    }
    this.#sink.send(this.tunnel, chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#end();
    callback();
    // Nothing more will come that anyone waits for (LdapStream.close waits for 'close').
    setImmediate(() => this.destroy());
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#end();
    callback(err);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink.closed(this.tunnel);
  }

  // What LdapStream asks of a net.Socket: nothing to tune on a tunnel (the channel has its own heartbeat).
  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }
}
