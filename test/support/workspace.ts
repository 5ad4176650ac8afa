import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/idsync.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExportedStore {
  users: {
    username: string;
    aliases: string[];
    fullName: string | null;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phones: string[];
    phoneExtensions: (string | null)[];
    notes: string | null;
    status: 'active' | 'disabled' | 'trashed';
    statusReason: string | null;
    directory: string | null;
    externalId: string | null;
    dn: string | null;
    syncItem: string | null;
    deleteAfter: string | null;
    groups: string[];
  }[];
  groups: { name: string; directory: string; dn: string; members: string[] }[];
}

/**
 * A throwaway idsync installation for one test: its own config file and SQLite store (or a
 * PostgreSQL schema), driven through the real `idsync` command line, as an administrator would.
 */
export class Workspace {
  readonly dir: string;
  readonly configFile: string;
  store: string;
  directories: Record<string, unknown>[] = [];

  constructor(opts: { store?: string } = {}) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'idsync-ws-'));
    this.configFile = path.join(this.dir, 'idsync.yaml');
    this.store = opts.store ?? 'sqlite:./data/idsync.db';
  }

  configure(directories: Record<string, unknown>[], extra: Record<string, unknown> = {}): this {
    this.directories = directories;
    writeFileSync(this.configFile, YAML.stringify({ store: this.store, ...extra, directories }));
    return this;
  }

  /** Changes the first directory's settings and rewrites the file. */
  update(patch: Record<string, unknown>, index = 0): this {
    this.directories[index] = { ...this.directories[index], ...patch };
    return this.configure(this.directories);
  }

  cli(args: string[], opts: { env?: Record<string, string>; now?: Date } = {}): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    delete env.IDSYNC_NOW;
    if (opts.now) env.IDSYNC_NOW = opts.now.toISOString();
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, '--config', this.configFile, ...args], { env, cwd: this.dir, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** `idsync sync --json`, failing the test with the CLI's output when the exit code is not expected. */
  async sync(args: string[] = [], opts: { now?: Date; expectCode?: number } = {}): Promise<any> {
    const r = await this.cli(['sync', '--json', ...args], opts);
    const expected = opts.expectCode ?? 0;
    if (r.code !== expected) throw new Error(`idsync sync ${args.join(' ')} exited ${r.code}, expected ${expected}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  async export(): Promise<ExportedStore> {
    const r = await this.cli(['export']);
    if (r.code !== 0) throw new Error(`idsync export exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  async user(username: string): Promise<ExportedStore['users'][number] | undefined> {
    return (await this.export()).users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  async json(args: string[], opts: { now?: Date } = {}): Promise<any> {
    const r = await this.cli([...args, '--json'], opts);
    if (r.code !== 0) throw new Error(`idsync ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }
}

let counter = 0;
/** A name no other test in this run uses, for an OU of its own. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid.toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
