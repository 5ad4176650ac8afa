import type { DirectoryConfig } from '../config/load.js';
import { agentConnectedHere } from '../agent/hub/tunnels.js';

/**
 * Several nodes on one store (issue 16) and a directory reached through an on-premises agent
 * (issue 13): the agent's channel is held by the one node it connected to, and only that node can
 * open tunnels through it. So only a node the directory's agent is connected to takes the
 * directory's lease, and a node whose agent went elsewhere gives the lease up, after a grace
 * period that lets the agent's own reconnection to the same node happen first.
 */
export const AGENT_AWAY_MS = 10_000;

/** The agents a directory is reached through (empty for a directory reached directly). */
export function directoryAgents(cfg: DirectoryConfig): string[] {
  return [...new Set((cfg.servers ?? []).flatMap((s) => s.agent?.names ?? []))];
}

/** Whether this node may run the directory: reached directly, or one of its agents is connected here. */
export function runnableHere(agents: readonly string[]): boolean {
  return agents.length === 0 || agentConnectedHere(agents);
}

/**
 * Aborts `signal` once no agent of the directory has been connected to this node for
 * `graceMs`, checked every second; `stop()` when the tenure ends.
 */
export function watchAgentAway(agents: readonly string[], graceMs = AGENT_AWAY_MS): { signal: AbortSignal; stop: () => void } {
  const away = new AbortController();
  let lastSeen = Date.now();
  const timer = setInterval(
    () => {
      if (agentConnectedHere(agents)) lastSeen = Date.now();
      else if (Date.now() - lastSeen >= graceMs) {
        away.abort(new Error(`no agent of the directory (${agents.join(' or ')}) has been connected to this node for ${Math.round(graceMs / 1000)} s`));
        clearInterval(timer);
      }
    },
    Math.min(1000, graceMs),
  );
  timer.unref();
  return { signal: away.signal, stop: () => clearInterval(timer) };
}
