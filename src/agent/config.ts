import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { formatPath, issueMessage, parseServer, type ServerSpec } from '../config/load.js';
import { documented, typeNamed } from '../config/key-docs.js';
import { serverUrlSchema } from '../config/server-url.js';
import type { KdfParams } from '../auth/nt-verifier.js';
import { IdsyncError } from '../errors.js';
import { Secret } from '../secret.js';
import { readProtectedSecret, type ProtectedSecretRef } from './protect.js';

/**
 * The agent's configuration file (YAML), documented key by key in docs/agent-configuration.md,
 * which `npm run generate` writes from this schema. `idsync agent connect` writes the file; an
 * administrator adds the directories (or passes them to `connect`).
 */

const secret = typeNamed(
  z.union([
    z.object({ credential: z.string().min(1), encrypted: z.string().min(1).optional() }).strict(),
    z.object({ file: z.string().min(1) }).strict(),
    z.object({ env: z.string().min(1) }).strict(),
    z.string().min(1),
  ]),
  '[protected secret](#protected-secrets)',
);
export type AgentSecretValue = z.infer<typeof secret>;

const agentDirectory = z
  .object({
    name: documented(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, dot, dash or underscore'),
      "The directory's name at the hub (the hub's `directories[].name`, whose `agent` names this agent). The hub opens tunnels by this name.",
      { example: '`corp`' },
    ),
    servers: documented(
      z.array(typeNamed(serverUrlSchema, 'LDAP URL')).min(1, 'list at least one server'),
      "The directory's LDAP URLs, tried in order, as in the hub's configuration. Only the agent connects to them.",
      { example: '`[ldaps://dc1.corp.example:636]`' },
    ),
    transport: documented(z.enum(['ldaps', 'starttls', 'clear']).optional(), '`ldaps`, `starttls` or `clear`.', {
      default: 'from the URL: `ldaps://` → `ldaps`, `ldap://` → `starttls`',
    }),
    caFile: documented(z.string().min(1).optional(), "PEM bundle of the CA(s) that issued the directory servers' certificates.", { default: 'system CAs' }),
    verifyHostname: documented(z.boolean().default(true), 'Check that the certificate names the host in the URL. The chain is verified even when `false`.'),
    bind: z
      .object({
        dn: documented(z.string().min(1), 'The service account the agent binds as; every relayed operation runs with its rights.', {
          example: '`svc-idsync@corp.example`',
        }),
        password: documented(secret, 'Its password, a [protected secret](#protected-secrets). It never leaves this machine.', {
          example: '`{ credential: idsync-agent-corp-bind, encrypted: /etc/idsync-agent/credentials/corp-bind.cred }`',
        }),
      })
      .strict(),
    baseDn: documented(
      z.string().trim().min(1),
      'Operations are limited to this subtree (and the root DSE): anything else the hub asks is refused. Use the hub directory’s `baseDn` (or above it).',
      { example: '`DC=corp,DC=example,DC=com`' },
    ),
    allowWrites: documented(
      z.boolean().default(false),
      'Relay writes (add, modify, delete, modify DN, extended operations other than Who am I?) from the hub. `false`: every write is refused ' +
        'with insufficientAccessRights, whatever the hub asks, so a compromised hub can write nothing.',
      { example: '`true`' },
    ),
    passwordSync: documented(
      z
        .object({
          socket: documented(
            z.string().min(1).default('/var/lib/samba/private/ldap_priv/ldapi'),
            "Samba's privileged LDAP socket (`private/ldap_priv/ldapi` under the DC's private directory). Only root can open it; it needs no bind.",
          ),
          pollMs: documented(
            z.number().int().min(100).max(60_000).default(1000),
            'How often the DC is asked for users changed since the last read (uSNChanged).',
          ),
          workers: documented(z.number().int().min(1).max(64).optional(), 'Worker threads deriving verifiers (argon2id).', { default: 'the CPUs' }),
          queueDir: documented(z.string().min(1).optional(), 'Folder of the encrypted outbox of changes the hub has not acknowledged (0700, files 0600).', {
            default: '`password-sync/NAME` beside this file',
          }),
          kdf: z
            .object({
              memoryKiB: documented(z.number().int().min(19456).max(4_194_304).default(19456), 'argon2id memory per verifier, KiB (OWASP: at least 19456).'),
              iterations: documented(z.number().int().min(2).max(100).default(2), 'argon2id passes (OWASP: at least 2 with 19 MiB).'),
              parallelism: documented(z.number().int().min(1).max(16).default(1), 'argon2id lanes.'),
            })
            .strict()
            .default({}),
        })
        .strict()
        .optional(),
      'Password hash sync (issue 14), on a Samba AD DC only: read NT hashes over the privileged socket and send the hub salted argon2id ' +
        'verifiers of them, never the hashes. See docs/password-hash-sync.md.',
      { default: 'off', example: '`{}` (all defaults)' },
    ),
    timeouts: z
      .object({
        connectMs: documented(z.number().int().positive().default(5000), 'TCP connection and TLS handshake to the directory.'),
        operationMs: documented(z.number().int().positive().default(60000), 'How long StartTLS and the bind may take.'),
      })
      .strict()
      .default({}),
  })
  .strict();
export const agentDirectorySchema = agentDirectory;

export const agentConfigSchema = z
  .object({
    hub: documented(
      z
        .string()
        .url()
        .refine((u) => u.startsWith('https://') || u.startsWith('http://'), 'must be an https:// URL'),
      "The hub's address, as its admin API is reached (`https://…`). The channel is a WebSocket on `/api/v1/agent/channel` there, over TLS; " +
        '`http://` is accepted only for a hub on the loopback interface.',
      { example: '`https://idsync.example.com:8470`' },
    ),
    hubCaFile: documented(z.string().min(1).optional(), "PEM bundle of the CA that issued the hub's certificate. The certificate is always verified.", {
      default: 'system CAs',
      example: '`/etc/idsync-agent/hub-ca.pem`',
    }),
    name: documented(z.string().min(1), "The agent's name at the hub (written by `idsync agent connect`; informational, the integration key identifies it).", {
      example: '`site-paris`',
    }),
    integrationKey: documented(z.string().min(1), 'The integration key the hub issued at enrolment: who the agent is. Not secret by itself.', {
      example: '`ik_…`',
    }),
    secretKey: documented(secret, 'The key the agent signs its channel requests with, a [protected secret](#protected-secrets).', {
      example: '`{ credential: idsync-agent-secret-key, encrypted: /etc/idsync-agent/credentials/secret-key.cred }`',
    }),
    directories: documented(z.array(agentDirectory).default([]), 'The directories this agent reaches for the hub.', { example: 'see below' }),
    limits: z
      .object({
        maxMessageMB: documented(
          z.number().min(1).max(256).default(64),
          'The largest channel frame accepted (WebSocket maxPayload) and the largest LDAP message relayed, in MiB.',
        ),
        requestsPerSecond: documented(
          z.number().int().min(1).default(2000),
          'LDAP requests per second the hub may send, all directories together (bursts of 5×); beyond, the tunnel that went over is closed and the ' +
            "hub's session fails (its worker reconnects with backoff).",
        ),
      })
      .strict()
      .default({}),
    log: z
      .object({
        level: documented(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), 'Log level; logs are JSON on stderr.'),
      })
      .strict()
      .default({}),
  })
  .strict();

export interface AgentDirectoryConfig {
  name: string;
  servers: ServerSpec[];
  tls: { ca?: string; verifyHostname: boolean };
  bind: { dn: string; password: Secret };
  baseDn: string;
  allowWrites: boolean;
  timeouts: { connectMs: number; operationMs: number };
  passwordSync?: PasswordSyncConfig;
}

export interface PasswordSyncConfig {
  socket: string;
  pollMs: number;
  workers?: number;
  queueDir: string;
  kdf: KdfParams;
}

export interface AgentConfig {
  file: string;
  hub: string;
  hubCa?: string;
  name: string;
  integrationKey: string;
  secretKey: Secret;
  directories: AgentDirectoryConfig[];
  limits: { maxMessageBytes: number; requestsPerSecond: number };
  logLevel: string;
  /** What an administrator should know at start (a secret in a plain file, say). */
  warnings: string[];
}

export const DEFAULT_AGENT_CONFIG = '/etc/idsync-agent/agent.yaml';

function fail(where: string, message: string): IdsyncError {
  return new IdsyncError('CONFIG_INVALID', `${where}: ${message}`, { where });
}

function resolveSecret(v: AgentSecretValue, where: string, baseDir: string, env: NodeJS.ProcessEnv, warnings: string[]): Secret {
  if (typeof v === 'string') {
    warnings.push(`${where} is written in the configuration file in clear: protect it with \`idsync agent protect\` (systemd-creds)`);
    return new Secret(v);
  }
  if ('env' in v) {
    const value = env[v.env];
    if (value === undefined) throw new IdsyncError('CONFIG_SECRET_UNREADABLE', `${where}: environment variable ${v.env} is not set`, { where });
    return new Secret(value);
  }
  const ref: ProtectedSecretRef =
    'credential' in v
      ? { kind: 'credential', name: v.credential, encrypted: v.encrypted && path.resolve(baseDir, v.encrypted) }
      : { kind: 'file', file: path.resolve(baseDir, v.file) };
  const { value, warning } = readProtectedSecret(ref, where, env);
  if (warning) warnings.push(warning);
  return value;
}

export function loadAgentConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const chosen = path.resolve(file);
  if (!existsSync(chosen)) {
    throw new IdsyncError('CONFIG_NOT_FOUND', `agent configuration not found: ${chosen} (run \`idsync agent connect\` first, or pass --config FILE)`);
  }
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(chosen, 'utf8'), { schema: yaml.CORE_SCHEMA, filename: chosen });
  } catch (err) {
    throw new IdsyncError('CONFIG_INVALID', `${chosen}: ${(err as Error).message}`);
  }
  const parsed = agentConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${issueMessage(i)}`);
    throw new IdsyncError('CONFIG_INVALID', `invalid agent configuration in ${chosen}:\n  ${lines.join('\n  ')}`);
  }
  const c = parsed.data;
  const baseDir = path.dirname(chosen);
  const warnings: string[] = [];
  const hub = new URL(c.hub);
  if (hub.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(hub.hostname)) {
    throw fail('hub', `${c.hub}: the channel carries directory data, so it must be https:// (http:// is only for a hub on this machine)`);
  }
  const names = new Set<string>();
  const directories = c.directories.map((d, i): AgentDirectoryConfig => {
    const at = `directories[${i}]`;
    if (names.has(d.name)) throw fail(`${at}.name`, `directory "${d.name}" is listed twice`);
    names.add(d.name);
    const ca = d.caFile ? readFileSync(path.resolve(baseDir, d.caFile), 'utf8') : undefined;
    return {
      name: d.name,
      servers: d.servers.map((s, j) => parseServer(s, d.transport, `${at}.servers[${j}]`)),
      tls: { ca, verifyHostname: d.verifyHostname },
      bind: { dn: d.bind.dn, password: resolveSecret(d.bind.password, `${at}.bind.password`, baseDir, env, warnings) },
      baseDn: d.baseDn,
      allowWrites: d.allowWrites,
      timeouts: d.timeouts,
      passwordSync: d.passwordSync && {
        socket: path.resolve(baseDir, d.passwordSync.socket),
        pollMs: d.passwordSync.pollMs,
        workers: d.passwordSync.workers,
        queueDir: path.resolve(baseDir, d.passwordSync.queueDir ?? path.join('password-sync', d.name)),
        kdf: {
          memorySize: d.passwordSync.kdf.memoryKiB,
          iterations: d.passwordSync.kdf.iterations,
          parallelism: d.passwordSync.kdf.parallelism,
          hashLength: 32,
        },
      },
    };
  });
  return {
    file: chosen,
    hub: c.hub.replace(/\/+$/, ''),
    hubCa: c.hubCaFile ? readFileSync(path.resolve(baseDir, c.hubCaFile), 'utf8') : undefined,
    name: c.name,
    integrationKey: c.integrationKey,
    secretKey: resolveSecret(c.secretKey, 'secretKey', baseDir, env, warnings),
    directories,
    limits: { maxMessageBytes: Math.round(c.limits.maxMessageMB * 1024 * 1024), requestsPerSecond: c.limits.requestsPerSecond },
    logLevel: c.log.level,
    warnings,
  };
}
