import { availableParallelism } from 'node:os';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { IdsyncConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { SyncService } from '../serve/server.js';
import type { Store } from '../store/db.js';
import { LoginLimiter, type LoginLimits } from '../auth/rate-limit.js';
import { auditTrail } from './audit.js';
import type { ApiDeps, AppEnv } from './context.js';
import { DirectoryRegistry } from '../directories/registry.js';
import { errorResponse, validationError } from './errors.js';
import { clientIp, securityHeaders } from './guard.js';
import { serveUi } from './static-ui.js';
import { ApiMetrics } from './metrics.js';
import type { ApiApp } from './route.js';
import { registerAdminRoutes } from './routes/admins.js';
import { registerApprovalRoutes } from './routes/approvals.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerDirectoryRoutes } from './routes/directories.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSyncRoutes } from './routes/sync.js';
import { registerTrashRoutes } from './routes/trash.js';
import { registerUserRoutes } from './routes/users.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerDirectoryPreviewRoutes } from './routes/directory-preview.js';
import { registerAdminAccountRoutes } from './routes/admin-accounts.js';
import { registerGroupPathRoutes } from './routes/group-paths.js';
import { registerProvisioningRoutes } from './routes/provisioning.js';
import { registerLocalGroupRoutes } from './routes/local-groups.js';
import { targetIds } from '../provision/service.js';
import { LocalChanges, type LocalChangesOptions } from '../provision/local-changes.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerNodeRoutes } from './routes/nodes.js';
import type { AgentHub } from '../agent/hub/channel.js';
import { KdfPool } from '../auth/kdf-pool.js';
import { PasswordVerifier } from '../auth/verify.js';
import { registerPasswordRoutes } from './routes/passwords.js';
import { secretBoxFor, type SecretBox } from '../directories/secret-box.js';
import { SecondFactorVerifier } from '../second-factor/verify.js';
import { EnrollmentFlow } from '../enrollment/flow.js';
import { registerEnrollRoutes } from './routes/enroll.js';
import { registerSecondFactorRoutes } from './routes/second-factor.js';
import { serveEnrollPage } from './enroll-page.js';
import { registerMailRoutes } from './routes/mail.js';

export interface ApiAppOptions {
  store: Store;
  config: IdsyncConfig;
  /**
   * The running sync service of `idsync serve`: syncs go through its workers' queues and
   * directories created through the API get a started worker. Without one (tests, tools), an idle
   * service is made whose workers run only what the API asks for.
   */
  service?: SyncService;
  now?: () => Date;
  log: Logger;
  /** Tests shorten the login limits. */
  loginLimits?: LoginLimits;
  /** Process metrics (memory, event loop) on /metrics; idsync serve turns them on. */
  defaultMetrics?: boolean;
  /** Tests name provisioning targets; otherwise provisioningTargets (src/provision/changes.ts) says. */
  provisioningTargets?: LocalChangesOptions['targets'];
  /** Told after a local change recorded outbox rows (the provisioning engine wakes its delivery; see LocalChangesOptions.recorded). */
  provisioningRecorded?: LocalChangesOptions['recorded'];
  /** The agents' channels (idsync serve). */
  agentHub?: AgentHub;
  /** Tests give their own (a smaller pool, shorter limits). */
  verifier?: PasswordVerifier;
  /**
   * The node name every metric carries as its `node` label (issue 16): idsync serve sets it on a
   * PostgreSQL store, where several nodes may run; a SQLite store has one node, and no label.
   */
  metricsNode?: string;
}

export type ApiInstance = ApiApp & { deps: ApiDeps; close(): Promise<void> };

export const API_PREFIX = '/api/v1';

/** Half the CPUs verify passwords at most, so a flood of verifications leaves the rest of the API a core. */
function verifyWorkers(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * The admin API as a Hono app, with no port of its own: `idsync serve` hands it to
 * @hono/node-server, tests call `app.request()`.
 */
export function createApiApp(opts: ApiAppOptions): ApiInstance {
  const now = opts.now ?? (() => new Date());
  const service = opts.service ?? new SyncService(opts.config, opts.store, opts.log, now);
  const serving = !!opts.service;
  // The store's secrets key, read (or made) on first use: TOTP secrets and recovery codes need it.
  let box: SecretBox | undefined;
  const boxFor = () => (box ??= secretBoxFor(opts.config));
  // Each event-stream client and each waiting "sync now" is a listener: more than Node's default ten is normal.
  service.events.setMaxListeners(0);
  const deps: ApiDeps = {
    store: opts.store,
    config: opts.config,
    service,
    serving,
    now,
    log: opts.log,
    limiter: new LoginLimiter(opts.store, opts.loginLimits),
    metrics: new ApiMetrics(opts.store, service.events, { defaultMetrics: opts.defaultMetrics, agentHub: opts.agentHub, node: opts.metricsNode }),
    directories: new DirectoryRegistry(opts.store, opts.config, service, serving, opts.log),
    changes: new LocalChanges({
      store: opts.store,
      config: opts.config,
      now,
      // The file's targets and those created through the API alike.
      targets: opts.provisioningTargets ?? (async (store, _config, at) => targetIds(store, await deps.directories.configs(), at)),
      // Delivery in this process starts at once, not at its next poll.
      recorded: opts.provisioningRecorded ?? ((targets) => service.provisioningRecorded(targets)),
    }),
    ...(opts.agentHub ? { agentHub: opts.agentHub } : {}),
    verifier:
      opts.verifier ??
      new PasswordVerifier(
        opts.store,
        new KdfPool({ size: opts.config.passwordSync?.verifyWorkers ?? verifyWorkers(), queueLimit: opts.config.passwordSync?.verifyQueue ?? 64 }),
      ),
    secondFactor: new SecondFactorVerifier(opts.store, boxFor, opts.config.api.publicUrl, opts.config.secondFactor),
    enrollment: new EnrollmentFlow(opts.store, opts.config, boxFor),
  };

  const app = new OpenAPIHono<AppEnv>({
    // Request validation failures are thrown and answered by onError, like every other error.
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });

  // The enrollment page and the panel's assets first: securityHeaders would mark them no-store after the fact.
  app.use('*', serveEnrollPage());
  app.use('*', serveUi());
  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    c.set('ip', clientIp(c, opts.config.api.trustProxy));
    c.set('audit', {});
    await next();
  });
  app.use(
    `${API_PREFIX}/*`,
    bodyLimit({
      maxSize: opts.config.api.maxBodyBytes,
      onError: () => {
        throw new IdsyncError('PAYLOAD_TOO_LARGE', `the request body is larger than ${opts.config.api.maxBodyBytes} bytes (api.maxBodyKb)`);
      },
    }),
  );
  app.use(`${API_PREFIX}/*`, auditTrail(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`idsync_…`), created by an owner.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'idsync_session',
    description: 'The panel session; state-changing requests also need the X-CSRF-Token header.',
  });

  registerAuthRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerAdminAccountRoutes(app, deps);
  registerDirectoryRoutes(app, deps);
  registerDirectoryPreviewRoutes(app, deps);
  registerSyncRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerGroupRoutes(app, deps);
  registerGroupPathRoutes(app, deps);
  registerLocalGroupRoutes(app, deps);
  registerProvisioningRoutes(app, deps);
  registerTrashRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerAgentRoutes(app, deps);
  registerNodeRoutes(app, deps);
  registerPasswordRoutes(app, deps);
  registerSecondFactorRoutes(app, deps);
  registerEnrollRoutes(app, deps);
  registerMailRoutes(app, deps);
  registerHealthRoutes(app, deps);

  app.doc(`${API_PREFIX}/openapi.json`, {
    openapi: '3.0.3',
    info: {
      title: 'idsync admin API',
      version: '1',
      description:
        'Errors are `{ "error": { "code", "message", "field"? } }` with a stable code. Authenticate with `Authorization: Bearer <API token>`, or with ' +
        'the panel session cookie plus the `X-CSRF-Token` header on state-changing requests.',
    },
  });

  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const pathname = new URL(c.req.url).pathname;
    // A known path asked with another method is 405 with Allow (RFC 9110 section 15.5.6), not "no such endpoint".
    const allow = allowed(pathname);
    if (allow.length) {
      c.header('Allow', allow.join(', '));
      return errorResponse(c, new IdsyncError('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${pathname}; allowed: ${allow.join(', ')}`), opts.log);
    }
    return errorResponse(c, new IdsyncError('ROUTE_NOT_FOUND', `no such endpoint: ${c.req.method} ${pathname}`), opts.log);
  });
  app.onError((err, c) => errorResponse(c, err, opts.log));

  return Object.assign(app, {
    deps,
    async close() {
      deps.metrics.close();
      await deps.verifier.pool.close();
      // An idle service of our own may still hold a worker's queue (a sync the API started).
      if (!serving) await Promise.all([...service.workers.values()].map((w) => w.stop()));
    },
  });
}

/**
 * The methods each route path answers, for 405's Allow header; read from the app's routes (the
 * API's and /healthz, /readyz, /metrics) once they are all registered. GET implies HEAD (Hono
 * answers HEAD with the GET route).
 */
function allowedMethods(app: OpenAPIHono<AppEnv>): (pathname: string) => string[] {
  const routes: { re: RegExp; method: string }[] = [];
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    const re = new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}/?$`);
    routes.push({ re, method: r.method.toUpperCase() });
  }
  return (pathname) => {
    const methods = new Set(routes.filter((r) => r.re.test(pathname)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
