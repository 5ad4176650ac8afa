/**
 * The payloads of the WebSocket frames a client sent (RFC 6455 section 5.2), unmasked: a client
 * masks every frame with a random key, so searching the raw bytes for a secret proves nothing.
 * `bytes` is one TCP connection's client stream: the HTTP upgrade request, then frames.
 */
export function clientFramePayloads(bytes: Buffer): Buffer[] {
  const start = bytes.indexOf('\r\n\r\n');
  if (start < 0) return [];
  const out: Buffer[] = [];
  let i = start + 4;
  while (i + 2 <= bytes.length) {
    const masked = (bytes[i + 1] & 0x80) !== 0;
    let len = bytes[i + 1] & 0x7f;
    let p = i + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(p));
      p += 8;
    }
    const key = masked ? bytes.subarray(p, p + 4) : undefined;
    if (masked) p += 4;
    if (p + len > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(p, p + len));
    if (key) for (let k = 0; k < payload.length; k++) payload[k] ^= key[k & 3];
    out.push(payload);
    i = p + len;
  }
  return out;
}
