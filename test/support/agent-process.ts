import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real `idsync agent` processes for the agent's integration tests (src/agent). */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/idsync.js');

export interface AgentProc {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** `idsync --config FILE agent` (the agent's own configuration), logging at debug. */
export function startAgent(configFile: string, env: Record<string, string> = {}): AgentProc {
  const child = spawn(process.execPath, [BIN, '--config', configFile, 'agent'], {
    env: { ...process.env, IDSYNC_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs an `idsync --config FILE …` command to its end. */
export function agentCli(configFile: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--config', configFile, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
