import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IdsyncError } from '../errors.js';
import { Secret } from '../secret.js';

/**
 * How the agent keeps its secret key and the directories' bind passwords (issue 13):
 *
 * - systemd-creds (preferred): the secret is encrypted with the machine's host key
 *   (/var/lib/systemd/credential.secret, readable by root only) or its TPM2. The encrypted file is
 *   useless on any other machine and to any user but root here: a copied configuration folder or a
 *   backup leaks nothing. Under the shipped unit, systemd decrypts it at start
 *   (`LoadCredentialEncrypted=`) into a private, memory-backed $CREDENTIALS_DIRECTORY only the
 *   agent's process can read. It does not protect against root on the running machine.
 * - a key file (fallback, where systemd-creds is missing): the secret in clear in a file of mode
 *   0600, owned by the agent's user. It protects against other unprivileged users of the machine,
 *   not against root, nor against anyone holding a copy of the disk or a backup. The agent says so
 *   at every start.
 */

export type ProtectedSecretRef = { kind: 'credential'; name: string; encrypted?: string } | { kind: 'file'; file: string };

export type Protection = 'systemd-creds' | 'file';

/** Whether systemd-creds is installed and can encrypt with the host key here (root, or a TPM2). */
export function systemdCredsAvailable(): boolean {
  try {
    execFileSync('systemd-creds', ['--version'], { stdio: 'ignore', timeout: 5000 });
    execFileSync('systemd-creds', ['encrypt', '--with-key=host', '--name=idsync-probe', '-', '-'], {
      input: 'probe',
      stdio: ['pipe', 'ignore', 'ignore'],
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** A credential name systemd accepts (and that says what it is). */
export function credentialName(what: string): string {
  return `idsync-agent-${what.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

/**
 * Stores `value` protected in `dir`: a systemd credential `NAME.cred`, or a 0600 key file. Returns
 * the reference to write into the configuration.
 */
export function protectSecret(value: string, what: string, dir: string, how: Protection): ProtectedSecretRef {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = credentialName(what);
  if (how === 'systemd-creds') {
    const file = path.join(dir, `${name}.cred`);
    try {
      execFileSync('systemd-creds', ['encrypt', '--with-key=host', `--name=${name}`, '-', file], {
        input: value,
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: 10_000,
      });
    } catch (err) {
      throw new IdsyncError(
        'CONFIG_SECRET_UNREADABLE',
        `systemd-creds could not encrypt ${what}: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`,
      );
    }
    chmodSync(file, 0o600);
    return { kind: 'credential', name, encrypted: file };
  }
  const file = path.join(dir, `${name}.key`);
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { kind: 'file', file };
}

/** The YAML form of a reference (paths relative to the configuration's folder when inside it). */
export function secretRefYaml(ref: ProtectedSecretRef, configDir: string): Record<string, string> {
  const rel = (p: string) => {
    const r = path.relative(configDir, p);
    return r.startsWith('..') ? p : r;
  };
  if (ref.kind === 'file') return { file: rel(ref.file) };
  return ref.encrypted ? { credential: ref.name, encrypted: rel(ref.encrypted) } : { credential: ref.name };
}

/**
 * Reads a protected secret. A credential comes from $CREDENTIALS_DIRECTORY (systemd decrypted it
 * for this service), else is decrypted with systemd-creds (root, on the machine that encrypted
 * it). A key file that others could read is refused.
 */
export function readProtectedSecret(ref: ProtectedSecretRef, where: string, env: NodeJS.ProcessEnv): { value: Secret; warning?: string } {
  const unreadable = (why: string) => new IdsyncError('CONFIG_SECRET_UNREADABLE', `${where}: ${why}`, { where });
  if (ref.kind === 'credential') {
    const dir = env.CREDENTIALS_DIRECTORY;
    if (dir && existsSync(path.join(dir, ref.name))) return { value: new Secret(readFileSync(path.join(dir, ref.name), 'utf8').replace(/\r?\n$/, '')) };
    if (!ref.encrypted) throw unreadable(`credential ${ref.name} is not in $CREDENTIALS_DIRECTORY (start the agent with its systemd unit)`);
    try {
      const out = execFileSync('systemd-creds', ['decrypt', `--name=${ref.name}`, ref.encrypted, '-'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
      return { value: new Secret(out.toString('utf8').replace(/\r?\n$/, '')) };
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
      throw unreadable(
        `systemd-creds cannot decrypt ${ref.encrypted}${stderr ? `: ${stderr}` : ''} (it only opens on the machine that encrypted it, as root or through ` +
          `the unit)`,
      );
    }
  }
  let mode: number;
  try {
    mode = statSync(ref.file).mode & 0o777;
  } catch (err) {
    throw unreadable(`cannot read ${ref.file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (mode & 0o077) throw unreadable(`${ref.file} is readable by others (mode ${mode.toString(8)}); \`chmod 600 ${ref.file}\``);
  const value = new Secret(readFileSync(ref.file, 'utf8').replace(/\r?\n$/, ''));
  return {
    value,
    warning:
      `${where} is kept in the key file ${ref.file} (mode 0600), not encrypted with systemd-creds: it is safe from other users of this machine, ` +
      'not from root or from a copy of the disk',
  };
}
