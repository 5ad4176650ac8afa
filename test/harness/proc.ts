// Process plumbing shared by the Samba and slapd harnesses.
//
// Servers are spawned *detached* with their output in a log file and their PID in a pid file
// inside the server's own temp dir. That way any process (the vitest main process running
// globalSetup, or a test worker calling restart()) can stop or restart the same server, and
// a server restarted from a short-lived worker survives the worker. The process that owns the
// run (globalSetup) registers the pid files with `killOnExit`, which reads them at exit time.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, createConnection } from 'node:net';
import { delimiter, join } from 'node:path';

const EXTRA_BIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Finds an executable in PATH plus the sbin dirs (Debian puts samba/slapd there, often not in a user's PATH). */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function requireBinary(name: string): string {
  const p = findBinary(name);
  if (!p) throw new Error(`${name} not found in PATH or ${EXTRA_BIN_DIRS.join(', ')}; run: node scripts/ensure-test-deps.mjs`);
  return p;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; the error carries the command line and both output streams. */
export async function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const bin = cmd.includes('/') ? cmd : requireBinary(cmd);
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      args,
      { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const e = new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`);
          reject(e);
        } else resolve({ stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function tail(s: string, lines = 40): string {
  return s.split('\n').slice(-lines).join('\n');
}

export function tailFile(path: string, lines = 40): string {
  try {
    return tail(readFileSync(path, 'utf8'), lines);
  } catch {
    return '(no log)';
  }
}

/**
 * Spawns a long-running server in its own process group with stdout/stderr appended to logFile
 * and writes its PID to pidFile. Returns the ChildProcess so the caller can notice an early exit.
 */
export function spawnDaemon(cmd: string, args: string[], logFile: string, pidFile: string, env?: NodeJS.ProcessEnv) {
  const fd = openSync(logFile, 'a');
  const child = spawn(requireBinary(cmd), args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`failed to spawn ${cmd}`);
  writeFileSync(pidFile, `${child.pid}\n`);
  // Do not keep the test process alive because of the server; stop() is explicit.
  child.unref();
  return child;
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True if the process exists and is not a zombie (PID 1 in a container may never reap orphans). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function processCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * True if the process mentions dir on its command line or holds a file under it open. The second
 * check matters for Samba, which rewrites its command line to "samba: root process".
 */
export function processUsesDir(pid: number, dir: string): boolean {
  if (processCmdline(pid).includes(dir)) return true;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`${dir}/`)) return true;
      } catch {
        /* fd closed meanwhile */
      }
    }
  } catch {
    /* process gone */
  }
  return false;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  // Negative PID = the whole process group (we spawned it as a group leader); fall back to the
  // single PID if the group is already gone.
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL; resolves once the process is gone. */
export async function stopPid(pid: number | undefined, graceMs = 10_000): Promise<void> {
  if (pid === undefined || !isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    signal(pid, 'SIGKILL');
    const hard = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < hard) await sleep(50);
  }
}

const exitPidFiles = new Set<string>();
let exitHooksInstalled = false;

function killRegisteredSync(): void {
  for (const f of exitPidFiles) {
    const pid = readPid(f);
    if (pid !== undefined && isAlive(pid)) signal(pid, 'SIGKILL');
  }
}

/**
 * Kill whatever PID is in pidFile when this process exits or is interrupted. Read at exit time,
 * because a test worker may have restarted the server under a new PID.
 */
export function killOnExit(pidFile: string): void {
  exitPidFiles.add(pidFile);
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // Prepended: vitest's own exit/signal listeners call process.exit() again, which ends the
  // process before any listener registered after them gets to run.
  process.prependListener('exit', killRegisteredSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      killRegisteredSync();
      process.removeListener(sig, handler);
      // If nobody else (vitest) handles the signal, re-raise it so the default action applies.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.prependListener(sig, handler);
  }
}

export function forgetOnExit(pidFile: string): void {
  exitPidFiles.delete(pidFile);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Asks the kernel for a free loopback port. Racy in theory, fine for a test harness. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True if something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Polls `probe` until it resolves truthy. `fatal` is checked between attempts so a server that
 * died during startup fails fast instead of after the whole timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  opts: { timeoutMs: number; intervalMs?: number; fatal?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastErr: unknown;
  for (;;) {
    const dead = opts.fatal?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const why = lastErr instanceof Error ? lastErr.message : String(lastErr ?? 'no answer');
      throw new Error(`${what}: timed out after ${opts.timeoutMs} ms (last error: ${why})`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

/** Removes temp dirs unless the developer asked to keep them for post-mortem. */
export function keepTestDirs(): boolean {
  return process.env.IDSYNC_KEEP_TEST_DIRS === '1';
}

/**
 * Records which process owns a server dir (the one that must stop it), so a later run can tell a
 * crashed run's leftovers from a live run's servers.
 */
export function writeOwner(dir: string, ownerPid: number, pidFile: string): void {
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ ownerPid, pidFile }));
}

/** Marks a dir kept on purpose (IDSYNC_KEEP_TEST_DIRS=1), so reapStale leaves it on disk. */
export function markKept(dir: string): void {
  writeFileSync(join(dir, 'KEPT'), 'kept for inspection (IDSYNC_KEEP_TEST_DIRS=1)\n');
}

/**
 * Stops servers whose owning test run died without teardown (e.g. vitest killed with SIGKILL),
 * and removes their dirs unless they were kept on purpose. Servers of live runs are untouched.
 */
export async function reapStale(prefix: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    let owner: { ownerPid: number; pidFile: string };
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8'));
    } catch {
      continue; // still being set up, or not ours
    }
    if (isAlive(owner.ownerPid)) continue;
    const pid = readPid(owner.pidFile);
    if (pid !== undefined && isAlive(pid)) {
      // A live PID that does not use the dir is someone else's process after PID reuse: leave both.
      if (!processUsesDir(pid, dir)) continue;
      console.warn(`[harness] stopping ${name} server pid ${pid} left behind by a dead test run (pid ${owner.ownerPid})`);
      await stopPid(pid);
      if (isAlive(pid)) continue;
    }
    if (!existsSync(join(dir, 'KEPT'))) rmSync(dir, { recursive: true, force: true });
  }
}
