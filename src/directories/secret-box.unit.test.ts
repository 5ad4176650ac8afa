import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import { SecretBox, defaultKeyFile, secretBoxFor } from './secret-box.js';

const KEY = 'k'.repeat(40);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('SecretBox (AES-256-GCM at rest)', () => {
  it('seals with a fresh nonce each time and opens what it sealed', () => {
    const box = SecretBox.fromText(KEY, 'test');
    const a = box.seal('Passw0rd!');
    const b = box.seal('Passw0rd!');
    expect(a).toMatch(/^sealed:v1:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('Passw0rd');
    expect(box.open(a, 'x')).toBe('Passw0rd!');
    expect(box.open(box.seal(''), 'x')).toBe('');
    expect(box.open(box.seal('ünïcødé'), 'x')).toBe('ünïcødé');
  });

  it('refuses another key and any changed byte, naming the value and the key source, never the key', () => {
    const sealed = SecretBox.fromText(KEY, 'test').seal('Passw0rd!');
    const other = SecretBox.fromText('o'.repeat(40), 'api.secretsKey');
    const err = (() => {
      try {
        other.open(sealed, 'the bind password of directory "corp"');
      } catch (e) {
        return e as IdsyncError;
      }
    })();
    expect(err).toBeInstanceOf(IdsyncError);
    expect(err!.code).toBe('CONFIG_SECRET_UNREADABLE');
    expect(err!.message).toMatch(/the bind password of directory "corp" cannot be decrypted with the key from api\.secretsKey/);
    expect(err!.message).not.toContain('o'.repeat(40));
    const raw = Buffer.from(sealed.slice('sealed:v1:'.length), 'base64url');
    raw[raw.length - 20] ^= 1;
    expect(() => SecretBox.fromText(KEY, 'test').open(`sealed:v1:${raw.toString('base64url')}`, 'x')).toThrow(/cannot be decrypted/);
    expect(() => SecretBox.fromText(KEY, 'test').open('sealed:v1:AAAA', 'x')).toThrow(/cannot be decrypted/);
  });

  it('reads a value stored before encryption as it is', () => {
    expect(SecretBox.fromText(KEY, 'test').open('plain-old-password', 'x')).toBe('plain-old-password');
  });

  it('refuses a configured key too short to be a key', () => {
    expect(() => SecretBox.fromText('short', 'api.secretsKey')).toThrow(/at least 32 characters/);
  });

  it('without api.secretsKey, creates a private key file beside the SQLite store once and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-box-'));
    dirs.push(dir);
    const config = parseConfig({ store: 'sqlite:./data/idsync.db' }, { baseDir: dir, file: path.join(dir, 'idsync.yaml'), env: {} });
    const file = defaultKeyFile(config);
    expect(file).toBe(path.join(dir, 'data', 'secrets.key'));
    const sealed = secretBoxFor(config).seal('s3cret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    expect(secretBoxFor(config).open(sealed, 'x')).toBe('s3cret');
    expect(readFileSync(file, 'utf8')).toBe(key);
    const pg = parseConfig({ store: 'postgres://db.example.test/idsync' }, { baseDir: dir, file: path.join(dir, 'idsync.yaml'), env: {} });
    expect(defaultKeyFile(pg)).toBe(path.join(dir, 'data', 'secrets.key'));
    const configured = parseConfig({ api: { secretsKey: { env: 'IDSYNC_KEY' } } }, { baseDir: dir, env: { IDSYNC_KEY: KEY } });
    expect(secretBoxFor(configured).open(SecretBox.fromText(KEY, 'x').seal('v'), 'x')).toBe('v');
  });
});
