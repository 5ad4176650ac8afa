import net from 'node:net';
import tls from 'node:tls';
import { openAgentTunnel } from '../../agent/hub/tunnels.js';
import type { ServerSpec } from '../../config/load.js';
import { tlsOptionsFor } from '../tls.js';
import type { StreamConfig } from './stream-config.js';

/**
 * TCP (clear, StartTLS) or TLS (ldaps) socket, connecting; or, for a directory reached through an
 * on-premises agent, a tunnel over the agent's channel (src/agent/hub), on which the same LDAP
 * messages travel to the agent's own bound connection.
 */
export function createSocket(cfg: StreamConfig, server: ServerSpec): net.Socket {
  if (server.socketPath) return net.connect({ path: server.socketPath });
  if (server.transport === 'agent') return openAgentTunnel(server.agent?.names ?? [server.host], server.agent?.directory ?? '') as unknown as net.Socket;
  return server.transport === 'ldaps'
    ? tls.connect({ ...tlsOptionsFor(cfg, server), port: server.port })
    : net.connect({ host: server.host, port: server.port });
}

/** Resolves on `event` (connect, secureConnect), rejects on an error or an early close. */
export function whenReady(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off(event, onReady);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('socket closed before the connection was ready'));
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(event, onReady);
  });
}
