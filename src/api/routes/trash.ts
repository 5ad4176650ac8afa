import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonResponse, page, paging, type ApiApp } from '../route.js';

const trashedSchema = z
  .object({
    username: z.string(),
    directory: z.string().nullable(),
    statusReason: z.string().nullable(),
    trashedAt: z.string().nullable(),
    deleteAfter: z.string().nullable().openapi({ description: 'When the next sync of its directory deletes the user for good.' }),
    restorable: z.boolean().openapi({ description: 'Whether POST …/restore is allowed: only when no configured directory owns the user.' }),
  })
  .openapi('TrashedUser');

const usernameParam = z.object({ username: z.string().min(1).max(256) });

/**
 * The trash. A user a configured directory put there is the directory's to bring back: they are
 * restored by the sync that finds them in scope again (a single-user sync does it at once), and a
 * manual restore would be undone by the next full sync, so it is refused. Users whose directory
 * is no longer configured (nothing will ever sync them again) can be restored here, and become
 * local users.
 */
export function registerTrashRoutes(app: ApiApp, deps: ApiDeps): void {
  const trash = deps.store.trash;
  const configuredNames = async () => new Set((await deps.directories.list()).map((d) => d.name));

  async function trashed(username: string) {
    const u = await trash.find(username);
    if (!u) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`);
    if (u.status !== 'trashed') throw new IdsyncError('RESTORE_NOT_ALLOWED', `user "${u.username}" is not in the trash (status: ${u.status})`);
    return { u, dir: u.directory };
  }

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/trash',
      operationId: 'listTrash',
      tags: ['trash'],
      summary: 'Users in the trash, with their deletion dates, soonest first',
      request: { query: z.object({ directory: z.string().optional(), ...paging(500, 50) }) },
      responses: { 200: jsonResponse(page(trashedSchema), 'A page of trashed users.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items: rows, total } = await trash.list(q);
      const names = await configuredNames();
      const items = rows.map((r) => ({
        username: r.username,
        directory: r.directory,
        statusReason: r.statusReason,
        trashedAt: r.trashedAt,
        deleteAfter: r.deleteAfter,
        restorable: r.directory === null || !names.has(r.directory),
      }));
      return c.json({ items, total, limit: q.limit, offset: q.offset }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'post',
      path: '/api/v1/trash/{username}/restore',
      operationId: 'restoreUser',
      errors: ['STORE_NOT_FOUND', 'RESTORE_NOT_ALLOWED'],
      tags: ['trash'],
      summary: 'Restore a trashed user whose directory is no longer configured; they become a local user',
      description:
        'A user of a configured directory is refused (409 RESTORE_NOT_ALLOWED): put them back in scope in the directory and sync (POST ' +
        '/api/v1/directories/{name}/sync/user restores them at once).',
      request: { params: usernameParam },
      responses: {
        200: jsonResponse(z.object({ username: z.string(), status: z.literal('active') }), 'Restored as a local user.'),
        404: { description: 'No such user.' },
        409: { description: 'Not in the trash, or a configured directory owns the user.' },
      },
    }),
    async (c) => {
      const { u, dir } = await trashed(c.req.valid('param').username);
      if (dir !== null && (await configuredNames()).has(dir)) {
        throw new IdsyncError(
          'RESTORE_NOT_ALLOWED',
          `user "${u.username}" belongs to directory "${dir}", which put them in the trash (${u.statusReason ?? 'no longer in scope'}); a manual restore ` +
            `would be undone by its next sync. Put them back in a chosen group or container in the directory, then sync them (POST ` +
            `/api/v1/directories/${dir}/sync/user) to restore them now.`,
        );
      }
      await deps.changes.restoreUser(u.id);
      c.get('audit').detail = { formerDirectory: dir };
      return c.json({ username: u.username, status: 'active' as const }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'delete',
      path: '/api/v1/trash/{username}',
      operationId: 'purgeUser',
      errors: ['STORE_NOT_FOUND', 'RESTORE_NOT_ALLOWED'],
      tags: ['trash'],
      summary: 'Delete a trashed user permanently, before their deletion date',
      description: 'If the directory has the user in scope again later, the sync creates them anew.',
      request: { params: usernameParam },
      responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such user.' }, 409: { description: 'Not in the trash.' } },
    }),
    async (c) => {
      const { u, dir } = await trashed(c.req.valid('param').username);
      await deps.changes.purgeUser(u.id, dir === null);
      c.get('audit').detail = { directory: dir };
      return c.body(null, 204);
    },
  );
}
