import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protectSecret, readProtectedSecret, systemdCredsAvailable } from './protect.js';

/** The agent's secrets at rest (issue 13): systemd-creds where it works, else a 0600 key file. Real systemd-creds, no stand-in. */
describe('protected secrets', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'idsync-protect-'));

  it.skipIf(!systemdCredsAvailable())(
    'encrypts with systemd-creds: no clear text on disk, decrypted here, and read from $CREDENTIALS_DIRECTORY under the unit',
    () => {
      const d = dir();
      const ref = protectSecret('the-secret-key', 'secret-key', d, 'systemd-creds');
      expect(ref).toMatchObject({ kind: 'credential', name: 'idsync-agent-secret-key' });
      const file = (ref as { encrypted: string }).encrypted;
      expect(readFileSync(file).toString('latin1')).not.toContain('the-secret-key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readProtectedSecret(ref, 'secretKey', {}).value.reveal()).toBe('the-secret-key');
      // A credential encrypted under another name does not open as this one (systemd binds the name in).
      expect(() => readProtectedSecret({ kind: 'credential', name: 'idsync-agent-other', encrypted: file }, 'secretKey', {})).toThrow(
        /systemd-creds cannot decrypt/,
      );
      // What systemd's LoadCredentialEncrypted= hands the service.
      const creds = path.join(d, 'run-credentials');
      mkdirSync(creds);
      writeFileSync(path.join(creds, 'idsync-agent-secret-key'), execFileSync('systemd-creds', ['decrypt', '--name=idsync-agent-secret-key', file, '-']));
      expect(readProtectedSecret({ kind: 'credential', name: 'idsync-agent-secret-key' }, 'secretKey', { CREDENTIALS_DIRECTORY: creds }).value.reveal()).toBe(
        'the-secret-key',
      );
    },
  );

  it('falls back to a 0600 key file, warns, and refuses one that others can read', () => {
    const d = dir();
    const ref = protectSecret('pw', 'corp-bind', d, 'file');
    expect(ref.kind).toBe('file');
    const file = (ref as { file: string }).file;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const r = readProtectedSecret(ref, 'directories[0].bind.password', {});
    expect(r.value.reveal()).toBe('pw');
    expect(r.warning).toMatch(/not encrypted with systemd-creds/);
    expect(r.warning).not.toContain('pw\n');
    chmodSync(file, 0o644);
    expect(() => readProtectedSecret(ref, 'directories[0].bind.password', {})).toThrow(/readable by others \(mode 644\)/);
  });
});
