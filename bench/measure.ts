// How bench/run.ts measures one command: wall time as an operator sees it (start-up included), the
// child's own peak RSS and CPU under GNU time, and slapd's (and a local PostgreSQL's) CPU meanwhile.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { PgBenchStore } from './pg-store.js';

export interface Measure {
  wallS: number;
  rssMb?: number;
  cpuUserS?: number;
  cpuSysS?: number;
  slapdCpuS: number;
  /** PostgreSQL server CPU during the run, when the server is local (bench/pg-store.ts). */
  pgCpuS?: number;
  load1: number;
  stdout: string;
}

export const sec = (ms: number) => ms / 1000;
export const fmt = (s: number) => s.toFixed(2);
// Lower middle value for an even count: with two runs, the better one.
/** The middle value; for an even count the mean of the two middle ones (not the lower, which flattered idsync). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor((s.length - 1) / 2);
  return s.length % 2 ? s[m] : (s[m] + s[m + 1]) / 2;
};

/** slapd's CPU seconds so far: shows how much of a run the server itself was busy (2 cores shared). */
export function slapdCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, USER_HZ = 100 on Linux
}

/**
 * Runs a command with stdout to a file (or /dev/null) under GNU time for the child's own peak RSS
 * (%M, KB) and CPU; wall time is taken here, so it includes process start-up, as an operator sees.
 */
export async function measure(
  cmd: string,
  argv: string[],
  o: { slapdPid: number; cwd?: string; stdoutFile?: string; env?: NodeJS.ProcessEnv; pg?: PgBenchStore },
): Promise<Measure> {
  const timeFile = path.join(tmpdir(), `idsync-bench-time-${process.pid}`);
  const out = openSync(o.stdoutFile ?? '/dev/null', 'w');
  const load1 = loadavg()[0];
  const cpu0 = slapdCpu(o.slapdPid);
  const pg0 = o.pg?.serverCpu();
  const t0 = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, cmd, ...argv], {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', out, 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const wallS = sec(performance.now() - t0);
  closeSync(out);
  const slapdCpuS = slapdCpu(o.slapdPid) - cpu0;
  // The server reaps a backend a moment after its client has gone.
  if (pg0 !== undefined) await new Promise((r) => setTimeout(r, 100));
  const pg1 = o.pg?.serverCpu();
  const pgCpuS = pg0 !== undefined && pg1 !== undefined ? pg1 - pg0 : undefined;
  const stdout = o.stdoutFile ? readFileSync(o.stdoutFile, 'utf8') : '';
  if (code !== 0) throw new Error(`${cmd} ${argv.join(' ').slice(0, 300)} exited ${code}\nstdout: ${stdout.slice(0, 4000)}\nstderr: ${stderr.slice(-4000)}`);
  const [kb, u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { wallS, rssMb: kb / 1024, cpuUserS: u, cpuSysS: s, slapdCpuS, pgCpuS, load1, stdout };
}

export function detail(ms: Measure[], rss = true): string {
  return ms
    .map(
      (m) =>
        `${fmt(m.wallS)} s (${rss ? `RSS ${m.rssMb!.toFixed(0)} MB, ` : ''}CPU ` +
        `${fmt(m.cpuUserS! + m.cpuSysS!)} s + slapd ${fmt(m.slapdCpuS)} ` +
        `s${m.pgCpuS === undefined ? '' : ` + PostgreSQL ${fmt(m.pgCpuS)} s`}, ` +
        `load ${m.load1.toFixed(2)})`,
    )
    .join('; ');
}
