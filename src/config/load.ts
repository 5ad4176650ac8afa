import { closeSync, existsSync, openSync, readFileSync, readSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { ZodIssue } from 'zod';
import { IdsyncError } from '../errors.js';
import { Secret } from '../secret.js';
import { dnKey, isUnder } from '../directory/codecs.js';
import { profileFor, type AttributeMap, type DirectoryProfile, type DirectoryType } from '../directory/profiles/index.js';
import { effectiveAttributes } from '../directory/profiles/attributes.js';
import { provisioningWarnings, resolveProvisioning, type ProvisioningConfig } from './provisioning.js';
import { configSchema, type ConfigInput, type DirectoryConfigInput, type SecretValue } from './schema.js';
import type { AlertsInput, SmtpInput } from './mail.js';

export type Transport = 'ldaps' | 'starttls' | 'clear' | 'agent';

export interface ServerSpec {
  url: string;
  host: string;
  port: number;
  transport: Transport;
  /** Reached through an on-premises agent's channel (issue 13): the agents to try, in order, and the directory's name there. */
  agent?: { names: string[]; directory: string };
  /** A Unix socket instead of host and port (Samba's privileged ldapi socket, issue 14), always `clear`. */
  socketPath?: string;
}

export type SyncItem = { kind: 'group'; dn: string; label: string } | { kind: 'container'; dn: string; filter?: string; scope: 'sub' | 'one'; label: string };

export interface DirectoryLimits {
  maxMessageBytes: number;
  /** Entries one page (or one unpaged search) may hold; undefined: 10 × the page size asked for, at least 1,000. */
  maxPageEntries?: number;
}

export interface DirectoryConfig {
  name: string;
  type: DirectoryType;
  profile: DirectoryProfile;
  servers: ServerSpec[];
  tls: { ca?: string; verifyHostname: boolean };
  bind?: { dn: string; password: Secret };
  /** operationMs bounds silence; runMs bounds a whole run's reading of the directory. */
  timeouts: { connectMs: number; operationMs: number; runMs: number };
  baseDn: string;
  filters: { user: string; group: string; container: string };
  disabledFilter?: string;
  syncItems: SyncItem[];
  attributes: AttributeMap;
  importPhones: boolean;
  importNotes: boolean;
  /** OpenLDAP: keep each synced user's userPassword hash for POST /api/v1/auth/verify (issue 14). */
  importPasswordHashes: boolean;
  defaultCountry?: string;
  pageSize: number;
  /** What one message and one page may hold (src/directory/stream/limits.ts). */
  limits: DirectoryLimits;
  memberRangeSize?: number;
  trashDays: number;
  continuous: {
    changes: 'auto' | 'content-sync' | 'content-sync-poll' | 'timestamp' | 'dirsync' | 'usn' | 'off';
    pollSeconds: number;
    notifications: boolean;
    fullSyncHours: number;
  };
  safeguard: { enabled: boolean; maxRemovals: number | null; maxRemovalPercent: number | null };
  /** idsync writes store users and local groups into this directory (issue 12). */
  provisioning?: ProvisioningConfig;
  /** Enrollment emails for a second factor (issue 15); absent in configurations built in code: off. */
  enrollment?: { email: boolean };
  /** Things that work but that an administrator should know, e.g. a password sent in the clear. */
  warnings: string[];
}

/** `idsync serve`'s admin API (docs/configuration.md, "api"). */
export interface ApiConfig {
  enabled: boolean;
  listen: { host: string; port: number };
  /** Take the client address from X-Forwarded-For and the scheme from X-Forwarded-Proto. */
  trustProxy: boolean;
  /** Always mark cookies Secure (idsync behind a TLS-terminating proxy). */
  secureCookies: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  publicMetrics: boolean;
  maxBodyBytes: number;
  /** Where users reach idsync (links in emails, the WebAuthn origin), without a trailing slash. */
  publicUrl?: string;
  /** Encrypts the bind passwords of directories created through the API (src/directories/secret-box.ts). */
  secretsKey?: Secret;
  /** Serve HTTPS with this certificate and key (PEM), e.g. for agents' channels without a reverse proxy. */
  tls?: { cert: string; key: string };
}

/** The SMTP server every email goes through (issue 15, "Mail"). */
export interface SmtpConfig {
  host: string;
  port: number;
  security: 'starttls' | 'tls';
  tls: { ca?: string; verifyHostname: boolean };
  auth?: { user: string; pass: Secret };
  from: string;
  fromName?: string;
  timeoutMs: number;
}

export interface AlertChannels {
  email: boolean;
  webhook: boolean;
}

/** Alerts for administrators (issue 15): who, the webhook, and each event type's channels. */
export interface AlertsConfig {
  to: string[];
  webhook?: { url: string; secret: Secret; ca?: string };
  removalsHeld: AlertChannels;
  syncFailed: AlertChannels;
  directoryUnreachable: AlertChannels & { afterMinutes: number };
  mailFailing: AlertChannels & { afterAttempts: number };
}

export interface IdsyncConfig {
  /** The file this came from, or undefined for a config built in code. */
  file?: string;
  store: string;
  log: { level: string };
  /** Whether the file chose a log level (the CLI is quieter than a server by default). */
  logLevelSet: boolean;
  directories: DirectoryConfig[];
  api: ApiConfig;
  /** Password hash sync at the hub (issue 14); defaults when a config is built in code. */
  passwordSync?: { verifyWorkers?: number; verifyQueue: number; logRetentionDays: number };
  /** The second factor (issue 15): lockout and the TOTP issuer; defaults (DEFAULT_SECOND_FACTOR) when a config is built in code. */
  secondFactor?: SecondFactorConfig;
  /** This node of several on one PostgreSQL store (issue 16); absent when a config is built in code. */
  node?: { name?: string };
  /** Mail (issue 15); undefined: no email is sent (the outbox keeps them). */
  smtp?: SmtpConfig;
  /** Alerts (issue 15); undefined in configurations built in code: none. */
  alerts?: AlertsConfig;
}

export interface SecondFactorConfig {
  maxFailures: number;
  lockoutMinutes: number;
  issuer: string;
}

export const DEFAULT_SECOND_FACTOR: SecondFactorConfig = { maxFailures: 10, lockoutMinutes: 15, issuer: 'idsync' };

export const DEFAULT_CONFIG_FILE = 'idsync.yaml';

/** `directories[0].servers[1]`: a zod issue path as people write it. Shared with the API's errors. */
export function formatPath(p: (string | number)[]): string {
  let out = '';
  for (const part of p) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(top level)';
}

/** A zod issue in plain words; unions report what their branches agree was wrong. */
export function issueMessage(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'is required';
  if (issue.code === 'invalid_union') {
    const inner = issue.unionErrors.flatMap((e) => e.issues).filter((i) => i.code !== 'invalid_type');
    if (inner.length) return inner.map(issueMessage).join('; ');
  }
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

function configError(where: string, message: string): IdsyncError {
  return new IdsyncError('CONFIG_INVALID', `${where}: ${message}`, { where });
}

function resolveSecret(value: SecretValue, where: string, baseDir: string, env: NodeJS.ProcessEnv): Secret {
  if (typeof value === 'string') return new Secret(value);
  if ('env' in value) {
    const v = env[value.env];
    if (v === undefined) throw new IdsyncError('CONFIG_SECRET_UNREADABLE', `${where}: environment variable ${value.env} is not set`, { where });
    return new Secret(v);
  }
  const file = path.resolve(baseDir, value.file);
  try {
    return new Secret(readFileSync(file, 'utf8').replace(/\r?\n$/, ''));
  } catch (err) {
    throw new IdsyncError('CONFIG_SECRET_UNREADABLE', `${where}: cannot read secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      where,
    });
  }
}

export function parseServer(url: string, transport: Transport | undefined, where: string): ServerSpec {
  const u = new URL(url);
  const scheme = u.protocol.replace(':', '').toLowerCase();
  const resolved: Transport = transport ?? (scheme === 'ldaps' ? 'ldaps' : 'starttls');
  if (scheme === 'ldaps' && resolved !== 'ldaps') throw configError(where, `transport "${resolved}" needs an ldap:// URL, not ${url}`);
  if (scheme === 'ldap' && resolved === 'ldaps') throw configError(where, `transport "ldaps" needs an ldaps:// URL, not ${url}`);
  const port = u.port ? Number(u.port) : scheme === 'ldaps' ? 636 : 389;
  // URL keeps IPv6 literals bracketed; net/tls want them bare.
  return { url: `${scheme}://${u.host}`, host: u.hostname.replace(/^\[|\]$/g, ''), port, transport: resolved };
}

function resolveDirectory(d: DirectoryConfigInput, i: number, baseDir: string, env: NodeJS.ProcessEnv): DirectoryConfig {
  const at = `directories[${i}]`;
  const profile = profileFor(d.type);
  const warnings: string[] = [];
  const agents = d.agent === undefined ? undefined : typeof d.agent === 'string' ? [d.agent] : d.agent;
  if (!agents && !d.servers) throw configError(at, 'give the LDAP servers under "servers", or the agent(s) that reach the directory under "agent"');
  if (agents && d.servers) throw configError(`${at}.agent`, 'a directory is reached either through its servers or through agents, not both');
  if (agents && d.bind) {
    throw configError(
      `${at}.bind`,
      "a directory reached through an agent has no bind at the hub: the agent's own configuration holds the account and its password, which stay on premises",
    );
  }
  if (agents && d.transport) throw configError(`${at}.transport`, "a directory reached through an agent takes its transport from the agent's configuration");
  const servers = agents
    ? // One server entry whose "socket" is a tunnel through the first connected agent (src/agent/hub).
      [{ url: `agent://${agents.join(',')}`, host: agents[0], port: 0, transport: 'agent' as const, agent: { names: agents, directory: d.name } }]
    : d.servers!.map((s, j) => parseServer(s, d.transport, `${at}.servers[${j}]`));

  let ca: string | undefined = d.ca;
  if (d.caFile) ca = readCaFile(path.resolve(baseDir, d.caFile), `${at}.caFile`);
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw configError(d.caFile ? `${at}.caFile` : `${at}.ca`, 'is not a PEM certificate bundle (no BEGIN CERTIFICATE line)');
  }

  const bind = d.bind ? { dn: d.bind.dn, password: resolveSecret(d.bind.password, `${at}.bind.password`, baseDir, env) } : undefined;
  if (bind?.password.isEmpty) {
    // RFC 4513 section 5.1.2: a simple bind with a DN and an empty password is an
    // "unauthenticated" bind, which some servers accept as anonymous. A sync would then see only
    // what anonymous may read, and remove everyone else.
    const source =
      typeof d.bind!.password === 'string'
        ? 'is empty'
        : 'env' in d.bind!.password
          ? `is empty (environment variable ${d.bind!.password.env} is set to an empty string)`
          : `is empty (file ${d.bind!.password.file} holds no password)`;
    throw configError(
      `${at}.bind.password`,
      `${source}: a bind DN with an empty password is an unauthenticated bind (RFC 4513 section 5.1.2), which some servers treat as anonymous; ` +
        'give the password, or remove "bind" for an anonymous session',
    );
  }
  if (bind && !bind.password.isEmpty) {
    servers.forEach((s, j) => {
      if (s.transport === 'clear')
        warnings.push(`${at}.servers[${j}]: transport "clear" sends the bind password for ${bind.dn} unencrypted; use ldaps or starttls`);
    });
  }

  const syncItems: SyncItem[] = [];
  d.syncItems.forEach((item) => {
    if ('group' in item) syncItems.push({ kind: 'group', dn: item.group, label: `group ${item.group}` });
    else
      syncItems.push({
        kind: 'container',
        dn: item.container,
        filter: item.filter,
        scope: item.scope,
        label: `container ${item.container}${item.filter ? ` filtered by ${item.filter}` : ''}`,
      });
  });
  for (const g of d.groups) syncItems.push({ kind: 'group', dn: g, label: `group ${g}` });
  // A directory idsync only writes to (issue 12, "Provisioning targets") reads nothing in.
  if (syncItems.length === 0 && !d.provisioning) {
    throw configError(
      at,
      'choose what to sync: list at least one group DN under "groups" or one item under "syncItems" (an empty selection would remove every user), ' +
        'or give a "provisioning" block for a directory idsync only writes to',
    );
  }
  const baseKey = dnKey(d.baseDn);
  const seen = new Set<string>();
  syncItems.forEach((item, j) => {
    const key = `${item.kind}:${dnKey(item.dn)}`;
    const where = d.syncItems.length > j ? `${at}.syncItems[${j}]` : `${at}.groups[${j - d.syncItems.length}]`;
    if (seen.has(key)) throw configError(where, `${item.dn} is listed twice`);
    seen.add(key);
    if (!isUnder(dnKey(item.dn), baseKey)) throw configError(where, `${item.dn} is not under baseDn ${d.baseDn}`);
  });

  const attributes = effectiveAttributes(d.attributes, profile.attributes);
  const provisioning = d.provisioning ? resolveProvisioning(d.provisioning, d.type, d.baseDn, at) : undefined;
  if (provisioning) warnings.push(...provisioningWarnings(provisioning, d.type, servers, at));
  const adOnly = ['dirsync', 'usn'];
  const ldapOnly = ['content-sync', 'content-sync-poll', 'timestamp'];
  if ((d.type === 'openldap' && adOnly.includes(d.continuous.changes)) || (d.type === 'active-directory' && ldapOnly.includes(d.continuous.changes))) {
    throw configError(`${at}.continuous.changes`, `"${d.continuous.changes}" is not available for ${d.type}`);
  }
  if (d.importPasswordHashes && d.type !== 'openldap') {
    throw configError(
      `${at}.importPasswordHashes`,
      'is for OpenLDAP (userPassword); an Active Directory password reaches idsync through an agent on a domain controller (agent passwordSync)',
    );
  }
  if (d.importPasswordHashes && agents) {
    throw configError(
      `${at}.importPasswordHashes`,
      "cannot be read through an agent: the agent never lets userPassword through (src/agent/policy.ts); connect the hub to the directory's servers",
    );
  }
  if (d.disabledFilter && d.type === 'active-directory') {
    warnings.push(`${at}.disabledFilter: also applied on Active Directory, in addition to userAccountControl and accountExpires`);
  }

  return {
    name: d.name,
    type: d.type,
    profile,
    servers,
    tls: { ca, verifyHostname: d.verifyHostname },
    bind,
    timeouts: d.timeouts,
    baseDn: d.baseDn,
    filters: {
      user: d.filters.user ?? profile.filters.user,
      group: d.filters.group ?? profile.filters.group,
      container: d.filters.container ?? profile.filters.container,
    },
    disabledFilter: d.disabledFilter,
    syncItems,
    attributes,
    importPhones: d.importPhones,
    importNotes: d.importNotes,
    importPasswordHashes: d.importPasswordHashes,
    defaultCountry: d.defaultCountry,
    pageSize: d.pageSize,
    limits: {
      maxMessageBytes: Math.round(d.limits.maxMessageMB * 1024 * 1024),
      ...(d.limits.maxPageEntries !== undefined ? { maxPageEntries: d.limits.maxPageEntries } : {}),
    },
    memberRangeSize: d.memberRangeSize ?? profile.memberRangeSize,
    trashDays: d.trashDays,
    continuous: d.continuous,
    safeguard: d.safeguard,
    enrollment: d.enrollment,
    ...(provisioning ? { provisioning } : {}),
    warnings,
  };
}

/** Validates a parsed configuration object; `baseDir` anchors relative paths (CA files, the store). */
export function parseConfig(raw: unknown, opts: { baseDir: string; file?: string; env?: NodeJS.ProcessEnv }): IdsyncConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((iss) => `${formatPath(iss.path)}: ${issueMessage(iss)}`);
    const first = parsed.error.issues[0];
    throw new IdsyncError('CONFIG_INVALID', `invalid configuration${opts.file ? ` in ${opts.file}` : ''}:\n  ${lines.join('\n  ')}`, {
      where: first ? formatPath(first.path) : undefined,
    });
  }
  const c = parsed.data;
  const names = new Set<string>();
  c.directories.forEach((d, i) => {
    if (names.has(d.name)) throw configError(`directories[${i}].name`, `directory name "${d.name}" is used twice`);
    names.add(d.name);
  });
  const env = opts.env ?? process.env;
  return {
    file: opts.file,
    store: resolveStoreUrl(c.store, opts.baseDir),
    log: c.log,
    logLevelSet: typeof (raw as { log?: { level?: unknown } } | null)?.log?.level === 'string',
    directories: c.directories.map((d, i) => resolveDirectory(d, i, opts.baseDir, env)),
    api: resolveApi(c.api, opts.baseDir, env),
    passwordSync: c.passwordSync,
    secondFactor: c.secondFactor,
    node: c.node,
    ...(c.smtp ? { smtp: resolveSmtp(c.smtp, opts.baseDir, env) } : {}),
    alerts: resolveAlerts(c.alerts, opts.baseDir, env),
  };
}

function resolvePem(caFile: string | undefined, inline: string | undefined, at: string, baseDir: string): string | undefined {
  const ca = caFile ? readCaFile(path.resolve(baseDir, caFile), `${at}.caFile`) : inline;
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw configError(caFile ? `${at}.caFile` : `${at}.ca`, 'is not a PEM certificate bundle (no BEGIN CERTIFICATE line)');
  }
  return ca;
}

function resolveSmtp(s: SmtpInput, baseDir: string, env: NodeJS.ProcessEnv): SmtpConfig {
  if (s.password !== undefined && s.username === undefined) throw configError('smtp.password', 'give "username" too (the account the password is for)');
  const pass = s.password !== undefined ? resolveSecret(s.password, 'smtp.password', baseDir, env) : undefined;
  if (s.username !== undefined && (!pass || pass.isEmpty)) throw configError('smtp.password', `is required with smtp.username and must not be empty`);
  return {
    host: s.host,
    port: s.port ?? (s.security === 'tls' ? 465 : 587),
    security: s.security,
    tls: { ca: resolvePem(s.caFile, s.ca, 'smtp', baseDir), verifyHostname: s.verifyHostname },
    ...(s.username && pass ? { auth: { user: s.username, pass } } : {}),
    from: s.from,
    ...(s.fromName ? { fromName: s.fromName } : {}),
    timeoutMs: s.timeoutMs,
  };
}

function resolveAlerts(a: AlertsInput, baseDir: string, env: NodeJS.ProcessEnv): AlertsConfig {
  let webhook: AlertsConfig['webhook'];
  if (a.webhook) {
    const secret = resolveSecret(a.webhook.secret, 'alerts.webhook.secret', baseDir, env);
    if (secret.reveal().length < 16) throw configError('alerts.webhook.secret', 'must be at least 16 characters');
    webhook = { url: a.webhook.url, secret, ca: resolvePem(a.webhook.caFile, undefined, 'alerts.webhook', baseDir) };
  }
  return {
    to: a.to,
    ...(webhook ? { webhook } : {}),
    removalsHeld: a.removalsHeld,
    syncFailed: a.syncFailed,
    directoryUnreachable: a.directoryUnreachable,
    mailFailing: a.mailFailing,
  };
}

/** Splits `host:port` (IPv6 in brackets); the schema has checked the shape. */
export function parseListen(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  return { host: value.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(value.slice(i + 1)) };
}

function resolveApi(a: ConfigInput['api'], baseDir: string, env: NodeJS.ProcessEnv): ApiConfig {
  return {
    enabled: a.enabled,
    listen: parseListen(a.listen),
    trustProxy: a.trustProxy,
    secureCookies: a.secureCookies,
    sessionIdleMinutes: a.sessionIdleMinutes,
    sessionMaxHours: a.sessionMaxHours,
    publicMetrics: a.publicMetrics,
    maxBodyBytes: a.maxBodyKb * 1024,
    ...(a.publicUrl !== undefined ? { publicUrl: a.publicUrl.replace(/\/+$/, '') } : {}),
    ...(a.secretsKey !== undefined ? { secretsKey: resolveSecret(a.secretsKey, 'api.secretsKey', baseDir, env) } : {}),
    ...(a.tls
      ? {
          tls: {
            cert: readCaFile(path.resolve(baseDir, a.tls.certFile), 'api.tls.certFile'),
            key: resolveSecret({ file: a.tls.keyFile }, 'api.tls.keyFile', baseDir, env).reveal(),
          },
        }
      : {}),
  };
}

function resolveStoreUrl(store: string, baseDir: string): string {
  if (store.startsWith('sqlite:')) {
    const p = store.slice('sqlite:'.length);
    if (p === ':memory:') return store;
    const file = path.resolve(baseDir, p);
    checkStorePath(file);
    return `sqlite:${file}`;
  }
  if (/^postgres(ql)?:\/\//.test(store)) return store;
  throw configError('store', `must be sqlite:PATH or a postgres:// URL, got "${store.replace(/:\/\/[^@]*@/, '://…@')}"`);
}

export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): IdsyncConfig {
  const chosen = path.resolve(file ?? env.IDSYNC_CONFIG ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(chosen)) {
    throw new IdsyncError('CONFIG_NOT_FOUND', `configuration file not found: ${chosen} (pass --config FILE or set IDSYNC_CONFIG)`);
  }
  const text = readConfigText(chosen);
  let raw: unknown;
  try {
    // The YAML 1.2 core schema: no implicit dates or binary, so values mean what the yaml spec's
    // JSON-like reading says. js-yaml, not the `yaml` package: it parses a config listing 10,000
    // groups in a fifth of the time, and start-up counts in every CLI sync.
    raw = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: chosen });
  } catch (err) {
    if (!(err instanceof yaml.YAMLException)) throw err;
    const at = err.mark ? `:${err.mark.line + 1}:${err.mark.column + 1}` : '';
    throw new IdsyncError('CONFIG_INVALID', `${chosen}${at}: YAML syntax error: ${err.reason}`);
  }
  return parseConfig(raw, { baseDir: path.dirname(chosen), file: chosen, env });
}

export function findDirectory(config: IdsyncConfig, name: string): DirectoryConfig {
  const d = config.directories.find((x) => x.name === name);
  if (!d) {
    throw new IdsyncError(
      'UNKNOWN_DIRECTORY',
      `no directory named "${name}" in the configuration (known: ${config.directories.map((x) => x.name).join(', ') || 'none'})`,
    );
  }
  return d;
}

/**
 * The largest configuration file idsync reads (10 MiB). A file listing 10,000 groups is about
 * 1 MB; anything much larger is a mistake (`--config /dev/zero` grew without end before this).
 */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/**
 * Reads the configuration file, refusing a folder and anything over MAX_CONFIG_BYTES. A regular
 * file is refused by its size before it is read; a device or pipe (`/dev/zero`, `<(…)`) has no
 * size to ask, so the read itself stops one byte past the limit.
 */
function readConfigText(file: string): string {
  const fail = (message: string) => new IdsyncError('CONFIG_INVALID', `--config ${file}: ${message}`, { where: '--config' });
  let fd: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw fail('is a folder, not a configuration file');
    if (st.isFile() && st.size > MAX_CONFIG_BYTES) throw fail(`is ${st.size} bytes, larger than the ${MAX_CONFIG_BYTES}-byte limit for a configuration file`);
    fd = openSync(file, 'r');
  } catch (err) {
    if (err instanceof IdsyncError) throw err;
    throw fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, size, buf.length - size, null);
      if (n === 0) break;
      size += n;
      if (size > MAX_CONFIG_BYTES) throw fail(`is larger than the ${MAX_CONFIG_BYTES}-byte limit for a configuration file`);
    }
    return buf.toString('utf8', 0, size);
  } catch (err) {
    if (err instanceof IdsyncError) throw err;
    throw fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  } finally {
    closeSync(fd);
  }
}

/** A CA bundle file: missing, a folder or unreadable are configuration errors naming the key. */
function readCaFile(file: string, where: string): string {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw configError(where, code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code ?? String(err)})`);
  }
  if (st.isDirectory()) throw configError(where, `${file} is a folder, not a PEM file`);
  // A CA bundle is a few kilobytes; the system bundle is about 200 KB.
  if (st.isFile() && st.size > MAX_CONFIG_BYTES) throw configError(where, `${file} is ${st.size} bytes, too large for a PEM certificate bundle`);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw configError(where, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * The SQLite file is created on first use, with its missing folders; an existing ancestor that is
 * not a folder would make that fail deep in the store, so it is named here.
 */
function checkStorePath(file: string): void {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    let st: Stats;
    try {
      st = statSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        if (path.dirname(dir) === dir) return;
        continue;
      }
      if (code === 'ENOTDIR') continue; // an ancestor further up is a file: reported when reached
      throw configError('store', `cannot use ${file}: ${dir} cannot be read (${code ?? String(err)})`);
    }
    if (!st.isDirectory()) throw configError('store', `cannot create ${file}: ${dir} is a file, not a folder`);
    return;
  }
}
