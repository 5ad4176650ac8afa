/**
 * Cuts a TCP byte stream into whole LDAPMessages. TCP keeps no message boundaries: one `data`
 * event may hold half a message, or the tail of one and three more. Every LDAPMessage is a BER
 * SEQUENCE (tag 0x30) with a definite length (RFC 4511 section 5.1 forbids the indefinite form),
 * so the header alone tells how many bytes to wait for.
 *
 * Chunks are kept in a list and joined once a message is complete: a 10 MB entry (a group with
 * 100k members) arriving in 64 KB chunks is copied once, not 160 times.
 */

/**
 * The hard ceiling; each connection refuses at its own, lower limit (`limits.maxMessageMB`,
 * limits.ts), so a corrupt or hostile length never makes us buffer without end.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export class FramingError extends Error {
  override readonly name = 'FramingError';
  /** Set when the message is refused for its announced size (not malformed). */
  readonly tooLarge?: { size: number; max: number };

  constructor(message: string, tooLarge?: { size: number; max: number }) {
    super(message);
    if (tooLarge) this.tooLarge = tooLarge;
  }
}

/** Total size (header + content) of the message starting at buf[at], or undefined when the header is incomplete. */
export function messageSize(buf: Buffer, at = 0, max = MAX_MESSAGE_BYTES): number | undefined {
  if (buf.length - at < 2) return undefined;
  if (buf[at] !== 0x30) throw new FramingError(`not an LDAPMessage: first byte 0x${buf[at].toString(16)}, expected 0x30 (SEQUENCE)`);
  const first = buf[at + 1];
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0) throw new FramingError('indefinite BER length is not allowed in LDAP (RFC 4511 section 5.1)');
  if (n > 4) throw new FramingError(`BER length of ${n} bytes is too long`);
  if (buf.length - at < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i];
  const total = 2 + n + len;
  if (total > max) throw new FramingError(`LDAP message of ${total} bytes exceeds the ${max}-byte limit`, { size: total, max });
  return total;
}

export class LdapFramer {
  /** Bytes of an incomplete message, in arrival order (joined once it is complete). */
  #chunks: Buffer[] = [];
  #size = 0;
  /** Size of the message being assembled, once its header has arrived. */
  #need: number | undefined;
  readonly #max: number;

  constructor(maxMessageBytes = MAX_MESSAGE_BYTES) {
    this.#max = Math.min(maxMessageBytes, MAX_MESSAGE_BYTES);
  }

  /** Bytes received but not yet part of a complete message. */
  get pending(): number {
    return this.#size;
  }

  /**
   * Adds a chunk; returns the messages it completed, in order (possibly none). Complete messages
   * are views into the chunk (one object per message, nothing copied); only a message that spans
   * chunks is copied, once.
   */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let buf = chunk;
    if (this.#size > 0) {
      if (chunk.length > 0) {
        this.#chunks.push(chunk);
        this.#size += chunk.length;
      }
      // The header is at most 6 bytes; join only the first chunks when it straddles them.
      if (this.#need === undefined) this.#need = messageSize(this.#chunks[0].length >= 6 ? this.#chunks[0] : this.#join(), 0, this.#max);
      if (this.#need === undefined || this.#size < this.#need) return out;
      buf = this.#join();
      this.#chunks = [];
      this.#size = 0;
      this.#need = undefined;
    }
    let at = 0;
    while (at < buf.length) {
      const size = messageSize(buf, at, this.#max);
      if (size === undefined || at + size > buf.length) {
        const rest = buf.subarray(at);
        this.#chunks = [rest];
        this.#size = rest.length;
        this.#need = size;
        break;
      }
      out.push(buf.subarray(at, at + size));
      at += size;
    }
    return out;
  }

  /** Forgets buffered bytes (after StartTLS the clear-text stream is over). */
  reset(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#need = undefined;
  }

  #join(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0];
  }
}
