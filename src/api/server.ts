import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { IdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ApiInstance } from './app.js';

export interface ApiServer {
  /** Where it listens (the real port when 0 was asked for). */
  url: string;
  /** The HTTP(S) server, for the agents' channel (WebSocket upgrades, src/agent/hub/channel.ts). */
  server: Server;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Serves the admin API over HTTP; a port already in use fails here, before any sync starts. */
export async function startApiServer(
  app: ApiInstance,
  listen: { host: string; port: number },
  log: Logger,
  tls?: { cert: string; key: string },
): Promise<ApiServer> {
  const server = tls
    ? serve({ fetch: app.fetch, hostname: listen.host, port: listen.port, createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } })
    : serve({ fetch: app.fetch, hostname: listen.host, port: listen.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch((err: NodeJS.ErrnoException) => {
    throw new IdsyncError(
      'CONFIG_INVALID',
      `the admin API cannot listen on ${listen.host}:${listen.port}: ${err.code ?? err.message} (choose another with api.listen or --listen)`,
      { where: 'api.listen', cause: err },
    );
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${addr.port}`;
  log.info({ url }, 'admin API listening');
  if (!tls && !isLoopback(listen.host)) {
    log.warn({ url }, 'the admin API listens beyond this machine over plain HTTP; put it behind an HTTPS reverse proxy (and set api.trustProxy)');
  }
  return {
    url,
    server: server as Server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end by themselves.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
