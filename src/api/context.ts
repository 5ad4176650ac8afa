import type { IdsyncConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { SyncService } from '../serve/server.js';
import type { Store } from '../store/db.js';
import type { LoginLimiter } from '../auth/rate-limit.js';
import type { Role, TokenScope } from '../auth/roles.js';
import type { PasswordVerifier } from '../auth/verify.js';
import type { ApiMetrics } from './metrics.js';
import type { DirectoryRegistry } from '../directories/registry.js';
import type { DirectoryWorker } from '../serve/worker.js';
import type { LocalChanges } from '../provision/local-changes.js';
import type { AgentHub } from '../agent/hub/channel.js';
import type { SecondFactorVerifier } from '../second-factor/verify.js';
import type { EnrollmentFlow } from '../enrollment/flow.js';

/** Who made a request: an admin with a panel session, or an API token. */
export interface Principal {
  kind: 'admin' | 'token';
  id: number;
  /** The admin's username or the token's name (what the audit log shows). */
  name: string;
  role: Role;
  /**
   * A token with a scope instead of an admin role (issue 14: `verify`, POST /api/v1/auth/verify
   * only). Its `role` is then 'read_only' for typing, but the guard refuses every route to it: a
   * scoped token is never checked against a role.
   */
  scope?: TokenScope;
  /** The session's id hash, for logout and password changes; never the id itself. */
  sessionIdHash?: string;
}

/** What a route may add to its audit entry. Never a secret. */
export interface AuditNote {
  actor?: string;
  target?: string;
  detail?: Record<string, unknown>;
  /** A POST that only reads (a search or a plan with a draft's password in the body): not audited. */
  read?: boolean;
}

export interface AppEnv {
  Variables: {
    principal?: Principal;
    /** Whether a cookie session's request carried the session's CSRF token. */
    csrfOk?: boolean;
    /** The route's operationId, which is also the audit log's action. */
    operation?: string;
    audit: AuditNote;
    ip: string | null;
  };
}

/** Everything the routes share. Built once by createApiApp. */
export interface ApiDeps {
  store: Store;
  config: IdsyncConfig;
  service: SyncService;
  /** Whether the service's workers run (idsync serve): directories added through the API start theirs. */
  serving: boolean;
  now: () => Date;
  log: Logger;
  limiter: LoginLimiter;
  metrics: ApiMetrics;
  directories: DirectoryRegistry<DirectoryWorker>;
  /** Changes to local users and groups, each recorded for the provisioning targets in its transaction (issue 12). */
  changes: LocalChanges;
  /** The agents' channels of `idsync serve` (src/agent/hub), when it runs them. */
  agentHub?: AgentHub;
  /** POST /api/v1/auth/verify (issue 14): its KDF worker pool and limits. */
  verifier: PasswordVerifier;
  /** Issue 15: the second factor of POST /api/v1/auth/verify. */
  secondFactor: SecondFactorVerifier;
  /** Issue 15: the enrollment page's steps, authorised by the link's token. */
  enrollment: EnrollmentFlow;
}
