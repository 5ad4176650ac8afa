import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IdsyncConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';

/**
 * Encryption at rest for the secrets the API stores (the bind passwords of directories created
 * through it): AES-256-GCM, a fresh 96-bit nonce per value (NIST SP 800-38D section 8.2.2), the
 * authentication tag checked on every read. A store copied without its key (a database dump, a
 * PostgreSQL server reached by someone else) then holds no usable password.
 *
 * The key is `api.secretsKey` when set (inline, `{ file }` or `{ env }`), else a random key that
 * idsync keeps in `secrets.key` beside a SQLite store (or in `./data` beside the configuration for
 * PostgreSQL), created on first use, readable by its owner only.
 *
 * Stored form: `sealed:v1:` + base64url(nonce ‖ ciphertext ‖ tag). A value without the prefix was
 * stored by an idsync that did not encrypt yet, and is read as it is until it is sealed again.
 */
const PREFIX = 'sealed:v1:';
const NONCE = 12;
const TAG = 16;
/** A configured key is hashed into the AES key, so it must carry the entropy itself. */
const MIN_KEY_CHARS = 32;

export class SecretBox {
  readonly #key: Buffer;
  /** Where the key came from, for error messages (never the key). */
  readonly source: string;

  private constructor(key: Buffer, source: string) {
    this.#key = key;
    this.source = source;
  }

  static fromText(text: string, source: string): SecretBox {
    if (text.length < MIN_KEY_CHARS) {
      throw new IdsyncError(
        'CONFIG_INVALID',
        `${source}: the key must be at least ${MIN_KEY_CHARS} characters of random text (for example \`openssl rand -base64 32\`)`,
        { where: 'api.secretsKey' },
      );
    }
    return new SecretBox(createHash('sha256').update(text, 'utf8').digest(), source);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * HMAC-SHA256 of `data` under a key derived (HKDF-SHA256, RFC 5869) from this key for `purpose`
   * alone, so that a value made for one purpose never serves another and the AES key itself is
   * never used as a MAC key. For values the store must not be able to make without the key (the
   * enrollment link's token, src/enrollment/links.ts).
   */
  mac(purpose: string, data: string): Buffer {
    const key = Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `idsync:${purpose}`, 32));
    return createHmac('sha256', key).update(data, 'utf8').digest();
  }

  /** The plaintext; `what` names the value in the error when the key does not open it. */
  open(stored: string, what: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    try {
      if (raw.length < NONCE + TAG) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, NONCE));
      decipher.setAuthTag(raw.subarray(raw.length - TAG));
      return Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]).toString('utf8');
    } catch {
      throw new IdsyncError(
        'CONFIG_SECRET_UNREADABLE',
        `${what} cannot be decrypted with the key from ${this.source}: it was stored with another key. Restore that key, or set the password again ` +
          `through the API.`,
      );
    }
  }
}

/** The default key file: beside the SQLite database, or ./data beside the configuration. */
export function defaultKeyFile(config: IdsyncConfig): string {
  const base = config.file ? path.dirname(config.file) : process.cwd();
  if (config.store.startsWith('sqlite:') && config.store !== 'sqlite::memory:')
    return path.join(path.dirname(config.store.slice('sqlite:'.length)), 'secrets.key');
  return path.resolve(base, 'data', 'secrets.key');
}

export function secretBoxFor(config: IdsyncConfig): SecretBox {
  if (config.api.secretsKey) return SecretBox.fromText(config.api.secretsKey.reveal(), 'api.secretsKey');
  const file = defaultKeyFile(config);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw keyFileError(file, err);
    text = randomBytes(32).toString('base64');
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      // 'wx': never overwrite a key another process has just written; then read whichever won.
      writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
    } catch (werr) {
      if ((werr as NodeJS.ErrnoException).code !== 'EEXIST') throw keyFileError(file, werr);
      text = readFileSync(file, 'utf8').trim();
    }
  }
  return SecretBox.fromText(text, file);
}

function keyFileError(file: string, err: unknown): IdsyncError {
  return new IdsyncError(
    'CONFIG_SECRET_UNREADABLE',
    `cannot read or create the key that encrypts stored directory passwords, ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Set ` +
      `api.secretsKey, or make that directory writable.`,
    { where: 'api.secretsKey' },
  );
}
