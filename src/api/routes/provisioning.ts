import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import { adoptUser, isTarget, type TargetConfig } from '../../provision/service.js';
import { openTarget } from '../../provision/writers.js';
import type { ApiDeps } from '../context.js';
import { atField } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, type ApiApp } from '../route.js';

/**
 * Issue 12: taking over an account that conflicts ("Taking it over is an explicit per-user action
 * (`idsync users adopt …` / API / panel), and it is audited"). The audit entry is the route's, as
 * for every change made through the API.
 */
export function registerProvisioningRoutes(app: ApiApp, deps: ApiDeps): void {
  const target = async (name: string): Promise<TargetConfig> => {
    const cfg = (await deps.directories.configs()).find((d) => d.name === name);
    if (!cfg) throw atField(new IdsyncError('UNKNOWN_DIRECTORY', `no directory named "${name}"`), 'directory');
    if (!isTarget(cfg))
      throw atField(new IdsyncError('VALIDATION_FAILED', `directory "${name}" has no provisioning block: idsync does not write to it`), 'directory');
    return cfg;
  };

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/users/{username}/adopt',
      operationId: 'adoptUser',
      errors: ['STORE_NOT_FOUND', 'UNKNOWN_DIRECTORY', 'PROVISION_PROTECTED', 'DIRECTORY_UNREACHABLE', 'DIRECTORY_BIND_FAILED', 'DIRECTORY_TLS'],
      tags: ['users'],
      summary: 'Take over the account of the same name in a provisioning target',
      description:
        'The account that conflicts with this user (same sAMAccountName or uid, not managed by idsync) becomes the one idsync manages: its ' +
        'attributes are written at the next delivery. An account idsync must never touch (adminCount=1, a privileged group, outside the user ' +
        'container) is refused with PROVISION_PROTECTED.',
      request: { params: z.object({ username: z.string().min(1).max(256) }), body: jsonBody(z.object({ directory: z.string().min(1).max(63) }).strict()) },
      responses: {
        200: jsonResponse(z.object({ username: z.string(), directory: z.string(), targetDn: z.string() }).openapi('Adopted'), 'Adopted.'),
        404: { description: 'No such user, directory or account.' },
        409: { description: 'The account is one idsync must never touch.' },
      },
    }),
    async (c) => {
      const { username } = c.req.valid('param');
      const { directory } = c.req.valid('json');
      const cfg = await target(directory);
      const r = await adoptUser({ store: deps.store, cfg, openTarget, now: deps.now }, username);
      deps.service.provisioningRecorded([r.directoryId]);
      return c.json({ username, directory: cfg.name, targetDn: r.targetDn }, 200);
    },
  );
}
