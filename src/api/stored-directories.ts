import path from 'node:path';
import { parseConfig, type DirectoryConfig, type IdsyncConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import type { DirectoryEntry, DirectoryInput } from './directories.js';
import { fieldError } from './errors.js';
import { SecretBox, secretBoxFor } from './secret-box.js';

/*
 * Directories created through the admin API, as the rest of idsync uses them: `idsync serve`
 * starts them beside the file's, and the commands that work on directories (sync, status,
 * approve, ...) see them too (issue 10 item 5). No Hono here, so the command line loads this
 * without the API stack.
 */

function stripPrefix(s: string): string {
  return s.replace(/directories\[0\]\.?/g, '').replace(/^: /, '');
}

/**
 * Validates a directory with the same parseConfig as the file, so the checks cannot drift apart;
 * the error's path is made relative to the directory (`syncItems[1]`, not `directories[0].…`).
 */
export function parseDirectoryInput(input: DirectoryInput, password: string | null, baseDir: string): DirectoryConfig {
  const raw = { ...input, bind: input.bind ? { dn: input.bind.dn, password: password ?? '' } : undefined };
  try {
    const cfg = parseConfig({ directories: [raw] }, { baseDir, env: {} }).directories[0];
    // Warnings too speak of the directory's own fields: there is no file, and its index is always 0.
    return { ...cfg, warnings: cfg.warnings.map(stripPrefix) };
  } catch (err) {
    if (!(err instanceof IdsyncError) || (err.code !== 'CONFIG_INVALID' && err.code !== 'CONFIG_SECRET_UNREADABLE')) throw err;
    const field = stripPrefix(err.where ?? '') || 'syncItems';
    throw fieldError('VALIDATION_FAILED', stripPrefix(err.message.replace(/^invalid configuration:\s*/, '')), field, err);
  }
}

export interface StoredRow {
  name: string;
  config: string;
  bind_password: string | null;
  updated_at: string;
  updated_by: string | null;
}

export function entryFromRow(row: StoredRow, baseDir: string, box: SecretBox, log: Logger): DirectoryEntry | undefined {
  const input = JSON.parse(row.config) as DirectoryInput;
  try {
    const password = row.bind_password === null ? null : box.open(row.bind_password, `the bind password of directory "${row.name}"`);
    const cfg = parseDirectoryInput(input, password, baseDir);
    return { name: row.name, managedBy: 'api', cfg, input, passwordSet: !!row.bind_password, updatedAt: row.updated_at, updatedBy: row.updated_by };
  } catch (err) {
    // A key that does not open the password, or a later idsync validating more strictly than the
    // one that stored it: the directory is left out, and the log says why.
    log.error({ directory: row.name, err: (err as Error).message }, 'a directory stored through the API cannot be used; it is ignored');
    return undefined;
  }
}

export function baseDirOf(config: IdsyncConfig): string {
  return config.file ? path.dirname(config.file) : process.cwd();
}

/** Directories stored through the API, for `idsync serve` to start beside the file's. */
export async function loadStoredDirectories(store: Store, config: IdsyncConfig, log: Logger, opts: { seal?: boolean } = {}): Promise<DirectoryConfig[]> {
  if (!(await store.db.selectFrom('api_directories').select('id').limit(1).executeTakeFirst())) return [];
  const box = secretBoxFor(config);
  // serve seals passwords an older idsync stored in clear; a command that only reads leaves them.
  if (opts.seal !== false) await sealStoredPasswords(store, box, log);
  const rows = await store.db.selectFrom('api_directories').selectAll().orderBy('name').execute();
  const out: DirectoryConfig[] = [];
  for (const r of rows) {
    if (config.directories.some((d) => d.name === r.name)) {
      log.warn({ directory: r.name }, 'a directory created through the API has the name of one in the configuration file; the file\'s is used');
      continue;
    }
    const e = entryFromRow(r, baseDirOf(config), box, log);
    if (e) out.push(e.cfg);
  }
  return out;
}

/** Passwords an idsync without encryption at rest stored in clear are sealed when serve starts. */
async function sealStoredPasswords(store: Store, box: SecretBox, log: Logger): Promise<void> {
  const rows = await store.db.selectFrom('api_directories').select(['id', 'name', 'bind_password']).where('bind_password', 'is not', null).execute();
  for (const r of rows) {
    if (SecretBox.isSealed(r.bind_password!)) continue;
    await store.db.updateTable('api_directories').set({ bind_password: box.seal(r.bind_password!) }).where('id', '=', r.id).where('bind_password', '=', r.bind_password).execute();
    log.info({ directory: r.name }, 'the stored bind password is now encrypted at rest');
  }
}

/** Names and types of the stored directories the file does not shadow, without opening their passwords (for `idsync status`). */
export async function storedDirectoryNames(store: Store, config: IdsyncConfig): Promise<{ name: string; type: string }[]> {
  const rows = await store.db.selectFrom('api_directories').select(['name', 'config']).orderBy('name').execute();
  return rows.filter((r) => !config.directories.some((d) => d.name === r.name)).map((r) => ({ name: r.name, type: (JSON.parse(r.config) as { type: string }).type }));
}
