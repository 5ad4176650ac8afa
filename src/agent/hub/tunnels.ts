import { IdsyncError } from '../../errors.js';
import { TunnelSocket } from './tunnel-socket.js';

/**
 * The seam between the LDAP stream layer and the agents' channels: createSocket
 * (src/directory/stream/socket.ts) asks here for a tunnel when a directory is reached through an
 * agent. `idsync serve` registers its AgentHub; in any other process no agent is connected, and the
 * tunnel fails with a message that says where such a directory can be reached from.
 */
export interface TunnelOpener {
  openTunnel(agents: readonly string[], directory: string): TunnelSocket;
  /** Whether one of `agents` has its channel open to this process. */
  reaches(agents: readonly string[]): boolean;
}

let opener: TunnelOpener | undefined;

export function setTunnelOpener(o: TunnelOpener | undefined): void {
  opener = o;
}

/**
 * Whether a directory reached through one of `agents` can be run by this process: only the process
 * holding an agent's channel can open tunnels through it. With several nodes on one store
 * (issue 16) an agent connects to one of them, and that one must hold the directory's lease.
 */
export function agentConnectedHere(agents: readonly string[]): boolean {
  return opener?.reaches(agents) ?? false;
}

export function openAgentTunnel(agents: readonly string[], directory: string): TunnelSocket {
  if (opener) return opener.openTunnel(agents, directory);
  const none = () => undefined;
  const s = new TunnelSocket(0, { send: none, closed: none, pause: none, resume: none });
  setImmediate(() =>
    s.fail(
      new IdsyncError(
        'DIRECTORY_UNREACHABLE',
        `directory "${directory}" is reached through agent ${agents.join(' or ')}, whose channel only \`idsync serve\` holds: ` +
          'run this through the admin API of the idsync serve the agent connects to',
      ),
    ),
  );
  return s;
}
