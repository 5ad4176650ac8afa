import { z } from '@hono/zod-openapi';
import { exportSchema, exportStates } from './local-groups.js';
import { DIRECTORY_OWNED_FIELDS, type EditableField } from '../../store/users.js';
import { userFieldNames } from '../../store/user-fields.js';
import type { ApiDeps } from '../context.js';
import { atField } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, newPasswordSchema, page, paging, type ApiApp } from '../route.js';
import { usernameSchema } from '../../usernames.js';

const STATUSES = ['active', 'disabled', 'trashed'] as const;

const heldRemovalSchema = z
  .object({
    runId: z
      .number()
      .int()
      .openapi({ description: 'The run whose removals are held; approve or reject it (POST /api/v1/approvals/{runId}/approve or /reject).' }),
    since: z.string().openapi({ description: 'When the run held them.' }),
    action: z.enum(['disable', 'trash']).openapi({ description: 'What approving the run does to this user.' }),
    reason: z.string(),
  })
  .nullable()
  .openapi('HeldRemoval', {
    description:
      'The removal of this user that the safeguard holds for approval, or null. A held user stays active and keeps their groups until the run is ' +
      'approved or rejected; a single-user sync leaves them as they are.',
  });

const userItemSchema = z
  .object({
    username: z.string(),
    status: z.enum(STATUSES),
    statusReason: z.string().nullable(),
    directory: z.string().nullable().openapi({ description: 'The directory that owns the user; null for a local user.' }),
    fullName: z.string().nullable(),
    email: z.string().nullable(),
    syncItem: z.string().nullable(),
    deleteAfter: z.string().nullable(),
    updatedAt: z.string(),
    heldRemoval: heldRemovalSchema,
  })
  .openapi('UserSummary');

const userDetailSchema = z
  .object({
    username: z.string(),
    status: z.string(),
    statusReason: z.string().nullable(),
    directory: z.string().nullable(),
    externalId: z.string().nullable(),
    dn: z.string().nullable(),
    syncItem: z.string().nullable().openapi({ description: 'The sync item that brought the user in.' }),
    trashedAt: z.string().nullable(),
    deleteAfter: z.string().nullable(),
    groups: z.array(z.string()),
    heldRemoval: heldRemovalSchema,
    attributes: z.record(z.any()),
    history: z.array(
      z.object({
        runId: z.number().int(),
        startedAt: z.string(),
        outcome: z.string(),
        reason: z.string().optional(),
        attributes: z.record(z.object({ before: z.any(), after: z.any() })).optional(),
      }),
    ),
    editableFields: z.array(z.string()).openapi({ description: 'Fields PATCH may change: none for a user a directory owns.' }),
    localGroups: z.array(z.string()).openapi({ description: 'The local groups (made in idsync, /api/v1/local-groups) the user is in, by name.' }),
    passwordSetAt: z.string().nullable().openapi({
      description: 'When an administrator last set the password of this local user (PUT …/password); null when never. The password is never shown.',
    }),
    exports: z.array(exportSchema).openapi({ description: "The user's export state at each provisioning target (issue 12)." }),
  })
  .openapi('UserDetail');

/** The API's names for the store's editable columns. */
const FIELD_NAMES = userFieldNames(DIRECTORY_OWNED_FIELDS);

const patchSchema = z
  .object({
    username: usernameSchema.optional(),
    fullName: z.string().max(1024).nullable().optional(),
    firstName: z.string().max(1024).nullable().optional(),
    lastName: z.string().max(1024).nullable().optional(),
    email: z.string().max(1024).nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    status: z.enum(['active', 'disabled']).optional(),
    aliases: z.array(z.string().min(1).max(256)).max(4).optional(),
    phones: z.array(z.string().min(1).max(64)).max(20).optional(),
  })
  .strict()
  .openapi('UserPatch');

export function registerUserRoutes(app: ApiApp, deps: ApiDeps): void {
  const detail = async (username: string) => {
    const d = await deps.store.userQueries.detail(username);
    const row = await deps.store.users.find(d.username);
    const localGroups = row ? (await deps.store.localGroups.groupsOf(row.id)).map((g) => g.name) : [];
    const passwordSetAt = row ? ((await deps.store.userPasswords.setAt(row.id)) ?? null) : null;
    const exports = row ? await exportStates(deps.store, 'user', row.id) : [];
    return { ...d, editableFields: d.directory === null ? Object.values(FIELD_NAMES) : [], localGroups, passwordSetAt, exports };
  };

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/users',
      operationId: 'listUsers',
      tags: ['users'],
      summary: 'Users, by username; search matches part of the username, email or full name',
      request: {
        query: z.object({ search: z.string().max(256).optional(), status: z.enum(STATUSES).optional(), directory: z.string().optional(), ...paging(500, 50) }),
      },
      responses: { 200: jsonResponse(page(userItemSchema), 'A page of users.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items, total } = await deps.store.userQueries.list(q);
      return c.json({ items, total, limit: q.limit, offset: q.offset }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/users/{username}',
      operationId: 'getUser',
      errors: ['STORE_NOT_FOUND'],
      tags: ['users'],
      summary: 'A user with lineage: the sync item that brought them in, status and why, groups, and the last runs that changed them',
      request: { params: z.object({ username: z.string().min(1).max(256) }) },
      responses: { 200: jsonResponse(userDetailSchema, 'The user.'), 404: { description: 'No such user.' } },
    }),
    async (c) => c.json(await detail(c.req.valid('param').username), 200),
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'post',
      path: '/api/v1/users',
      operationId: 'createLocalUser',
      errors: ['STORE_CONFLICT'],
      tags: ['users'],
      summary: 'Create a local user (no directory owns it; a directory that syncs the same username adopts it)',
      request: {
        body: jsonBody(z.object({ username: usernameSchema, email: z.string().max(1024).optional(), fullName: z.string().max(1024).optional() }).strict()),
      },
      responses: { 201: jsonResponse(userDetailSchema, 'Created.'), 409: { description: 'The username is taken.' } },
    }),
    async (c) => {
      const body = c.req.valid('json');
      c.get('audit').target = `username=${body.username}`;
      try {
        await deps.changes.addUser(body);
      } catch (err) {
        throw atField(err, 'username');
      }
      return c.json(await detail(body.username), 201);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'patch',
      path: '/api/v1/users/{username}',
      operationId: 'updateUser',
      errors: ['STORE_NOT_FOUND', 'STORE_ATTRIBUTE_OWNED', 'STORE_CONFLICT'],
      tags: ['users'],
      summary: "Change a user's attributes or status",
      description:
        'Only fields no directory owns: every attribute of a user synced from a directory belongs to it (409 STORE_ATTRIBUTE_OWNED, naming the directory ' +
        'and the field). A null clears a field.',
      request: { params: z.object({ username: z.string().min(1).max(256) }), body: jsonBody(patchSchema) },
      responses: {
        200: jsonResponse(userDetailSchema, 'Updated.'),
        404: { description: 'No such user.' },
        409: { description: 'A directory owns the field.' },
      },
    }),
    async (c) => {
      const { username } = c.req.valid('param');
      const body = c.req.valid('json');
      const patch: Partial<Record<EditableField, string | null>> = {};
      for (const f of DIRECTORY_OWNED_FIELDS) {
        const v = (body as Record<string, unknown>)[FIELD_NAMES[f]];
        if (v === undefined) continue;
        patch[f] = Array.isArray(v) ? v.join(',') : (v as string | null);
      }
      c.get('audit').detail = { fields: Object.keys(body) };
      try {
        const row = await deps.changes.editUser(username, patch);
        return c.json(await detail(row.username), 200);
      } catch (err) {
        const first = Object.keys(patch)[0] as EditableField | undefined;
        const code = (err as { code?: string }).code;
        if (code === 'STORE_CONFLICT') throw atField(err, 'username');
        throw code === 'STORE_ATTRIBUTE_OWNED' && first ? atField(err, FIELD_NAMES[first]) : err;
      }
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'put',
      path: '/api/v1/users/{username}/password',
      operationId: 'setUserPassword',
      errors: ['STORE_NOT_FOUND', 'STORE_ATTRIBUTE_OWNED'],
      tags: ['users'],
      summary: "Set a local user's password (write-only)",
      description:
        "The store keeps only an argon2id verifier of it; each provisioning target receives the password, encrypted with the store's secrets key " +
        'while it waits in the outbox, and deleted once delivered. It is never answered, logged or audited. A user synced from a directory is ' +
        'refused (409 STORE_ATTRIBUTE_OWNED): the directory owns their password.',
      request: { params: z.object({ username: z.string().min(1).max(256) }), body: jsonBody(z.object({ password: newPasswordSchema }).strict()) },
      responses: {
        200: jsonResponse(z.object({ username: z.string(), passwordSetAt: z.string() }).openapi('PasswordSet'), 'Set.'),
        404: { description: 'No such user.' },
        409: { description: 'A directory owns the user.' },
      },
    }),
    async (c) => {
      const { username } = c.req.valid('param');
      const { password } = c.req.valid('json');
      try {
        const r = await deps.changes.setPassword(username, password);
        return c.json({ username: r.username, passwordSetAt: r.setAt }, 200);
      } catch (err) {
        throw (err as { code?: string }).code === 'VALIDATION_FAILED' ? atField(err, 'password') : err;
      }
    },
  );
}
