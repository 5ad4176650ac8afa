import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import type { IdsyncConfig } from '../config/load.js';

/**
 * A node's name (issue 16): IDSYNC_NODE_NAME, else `node.name` in the configuration, else the
 * host's name. The variable comes first so that nodes sharing one configuration file (a compose
 * file, a container image) are told apart by their environment.
 */
export function nodeName(config: Pick<IdsyncConfig, 'node'>, env: NodeJS.ProcessEnv = process.env): string {
  return env.IDSYNC_NODE_NAME?.trim() || config.node?.name || hostname();
}

/** The version this node runs (shown beside the others' during a rolling upgrade). */
export function idsyncVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
