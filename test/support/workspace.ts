import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, onTestFailed } from 'vitest';
import YAML from 'yaml';
import type { exportStore } from '../../src/store/export.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/idsync.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The JSON `idsync export` prints (its shape is defined once, by the exporter). */
export type ExportedStore = Awaited<ReturnType<typeof exportStore>>;

/**
 * A throwaway idsync installation for one test: its own config file and SQLite store (or a
 * PostgreSQL schema), driven through the real `idsync` command line, as an administrator would.
 */
export class Workspace {
  readonly dir: string;
  readonly configFile: string;
  store: string;
  directories: Record<string, unknown>[] = [];

  /**
   * The store new workspaces get when none is given: a suite run over every store
   * (test/support/stores.ts) sets it for its block. SQLite in the workspace otherwise.
   */
  static defaultStore: ((dir: string) => string) | undefined;

  /** `store`: a store URL, or a function of the workspace's folder that makes one (testStores()). */
  constructor(opts: { store?: string | ((dir: string) => string) } = {}) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'idsync-ws-'));
    created.push(this.dir);
    this.configFile = path.join(this.dir, 'idsync.yaml');
    const store = opts.store ?? Workspace.defaultStore;
    this.store = (typeof store === 'function' ? store(this.dir) : store) ?? 'sqlite:./data/idsync.db';
  }

  configure(directories: Record<string, unknown>[], extra: Record<string, unknown> = {}): this {
    this.directories = directories;
    // Port 0: every `idsync serve` of a test gets a free port for its API.
    writeFileSync(this.configFile, YAML.stringify({ store: this.store, api: { listen: '127.0.0.1:0' }, ...extra, directories }));
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
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
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

  /** Starts `idsync serve`; stop it with the returned function (SIGTERM, then waits for exit). */
  serve(opts: { env?: Record<string, string>; args?: string[] } = {}): { child: ChildProcess; output: () => string; stop: () => Promise<number | null> } {
    const child = spawn(process.execPath, [BIN, '--config', this.configFile, 'serve', ...(opts.args ?? [])], {
      cwd: this.dir,
      env: { ...process.env, IDSYNC_LOG_LEVEL: 'debug', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Whatever a failing test waited for, the server's own log says why it did not come. Outside
    // a test (a beforeAll starting a shared server) there is no test to fail.
    try {
      onTestFailed(() => console.log(`--- idsync serve (${this.dir}) output ---\n${out}--- end of idsync serve output ---`));
    } catch {
      /* not inside a test */
    }
    return {
      child,
      output: () => out,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        return exited;
      },
    };
  }

  /** Polls `check` until it returns a truthy value or the time is up; returns the value and the time it took. */
  async waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 50): Promise<{ value: T; ms: number }> {
    const start = Date.now();
    let last: unknown;
    while (Date.now() - start < timeoutMs) {
      try {
        const v = await check();
        if (v) return { value: v as T, ms: Date.now() - start };
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
    throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
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

// Workspaces are removed when the test process ends (IDSYNC_KEEP_TEST_DIRS=1 keeps them to look at).
const created: string[] = [];
afterAll(() => {
  if (process.env.IDSYNC_KEEP_TEST_DIRS === '1') return;
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

let counter = 0;
/** A name no other test in this run uses, for an OU of its own. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid.toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
