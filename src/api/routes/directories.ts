import { z } from '@hono/zod-openapi';
import { searchGroups, testDirectory } from '../../directory/diagnostics.js';
import { profileFor, type DirectoryType } from '../../directory/profiles/index.js';
import { baseDirOf, isInputError, parseDirectoryInput } from '../../directories/input.js';
import type { ApiDeps } from '../context.js';
import { directoryInputSchema, type DirectoryInput } from '../directories.js';
import { attributeMapSchema, directoryView, directoryViewSchema, filtersSchema, storeFacts } from '../directory-view.js';
import { fieldError } from '../errors.js';
import { apiRoute, queryInt, DIRECTORY_ERRORS, jsonBody, jsonResponse, type ApiApp } from '../route.js';

const nameParam = z.object({ name: z.string().min(1).max(63) });

const checkSchema = z.object({ url: z.string(), ok: z.boolean(), ms: z.number(), transport: z.string(), message: z.string(), code: z.string().optional() });
const testResult = z.object({ ok: z.boolean(), servers: z.array(checkSchema), warnings: z.array(z.string()) }).openapi('ConnectionTest');
const groupsResult = z
  .object({
    groups: z.array(z.object({ dn: z.string(), name: z.string() })),
    truncated: z.boolean().openapi({ description: 'More groups match than `limit`: narrow the search.' }),
  })
  .openapi('GroupSearch');

const TYPES: { type: DirectoryType; label: string }[] = [
  { type: 'active-directory', label: 'Active Directory' },
  { type: 'openldap', label: 'OpenLDAP (RFC 4519 directories)' },
];

const directoryTypeSchema = z
  .object({
    type: z.enum(['active-directory', 'openldap']),
    label: z.string(),
    filters: filtersSchema,
    attributes: attributeMapSchema,
    externalIdAttribute: z.string(),
  })
  .openapi('DirectoryType');

const groupQuery = z.object({
  search: z.string().max(500).default('').openapi({ description: 'Part of a group name, or a full group DN.' }),
  limit: queryInt(1, 500, 50, 'At most 500.'),
});

/**
 * A draft (the "new directory" flow before it is saved) may have no sync items yet; the checks
 * below need none, so the base DN stands in for them. The password must be in the draft.
 */
export function draftConfig(deps: ApiDeps, input: DirectoryInput) {
  if (input.bind && !input.bind.password) throw fieldError('VALIDATION_FAILED', 'a bind DN needs its password', 'bind.password');
  const withItems = input.syncItems.length || input.groups.length ? input : { ...input, syncItems: [{ container: input.baseDn, scope: 'sub' as const }] };
  return parseDirectoryInput(withItems, input.bind?.password ?? null, baseDirOf(deps.config));
}

/** The registry says which field of the input an error is about; the answer names it (`field`). */
async function answered<T>(change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (err) {
    throw isInputError(err) ? fieldError(err.code, err.message, err.where, err.cause) : err;
  }
}

export function registerDirectoryRoutes(app: ApiApp, deps: ApiDeps): void {
  const reg = deps.directories;
  const view = async (name: string) => directoryView(await reg.get(name), await storeFacts(deps.store));

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/directory-types',
      operationId: 'listDirectoryTypes',
      tags: ['directories'],
      summary: 'The directory types and the defaults each brings (filters, attribute mapping, identifier): what an empty field in a directory means',
      responses: { 200: jsonResponse(z.object({ items: z.array(directoryTypeSchema) }), 'Every directory type.') },
    }),
    async (c) => {
      const items = TYPES.map(({ type, label }) => {
        const p = profileFor(type);
        return { type, label, filters: p.filters, attributes: p.attributes, externalIdAttribute: p.externalIdAttribute };
      });
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/directories',
      operationId: 'listDirectories',
      tags: ['directories'],
      summary: 'List directories: those of the configuration file and those created here',
      responses: { 200: jsonResponse(z.object({ items: z.array(directoryViewSchema) }), 'Directories.') },
    }),
    async (c) => {
      const facts = await storeFacts(deps.store);
      return c.json({ items: (await reg.list()).map((e) => directoryView(e, facts)) }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/directories/{name}',
      operationId: 'getDirectory',
      errors: ['UNKNOWN_DIRECTORY'],
      tags: ['directories'],
      summary: 'One directory, with its sync status',
      request: { params: nameParam },
      responses: { 200: jsonResponse(directoryViewSchema, 'The directory.'), 404: { description: 'No such directory.' } },
    }),
    async (c) => c.json(await view(c.req.valid('param').name), 200),
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directories',
      operationId: 'createDirectory',
      errors: ['STORE_CONFLICT', 'USERNAME_ATTRIBUTE_LOCKED', 'CONFIG_INVALID'],
      tags: ['directories'],
      summary: 'Create a directory (stored in idsync; under idsync serve its worker starts at once)',
      description:
        'The same keys as a directory in the configuration file, except `caFile` (send the PEM as `ca`) and `bind.password`, which must be a string and ' +
        'is never returned.',
      request: { body: jsonBody(directoryInputSchema) },
      responses: { 201: jsonResponse(directoryViewSchema, 'Created.'), 409: { description: 'The name is taken.' } },
    }),
    async (c) => {
      const input = c.req.valid('json');
      c.get('audit').target = `name=${input.name}`;
      const e = await answered(reg.create(input, c.get('principal')!.name, deps.now()));
      return c.json(directoryView(e, await storeFacts(deps.store)), 201);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'put',
      path: '/api/v1/directories/{name}',
      operationId: 'updateDirectory',
      errors: ['UNKNOWN_DIRECTORY', 'DIRECTORY_MANAGED_BY_FILE', 'USERNAME_ATTRIBUTE_LOCKED', 'CONFIG_INVALID'],
      tags: ['directories'],
      summary: "Replace a directory's configuration (sync items and their order included)",
      description:
        'Send the whole configuration (`config` of the GET answer). Omit `bind.password` to keep the stored one, unless the servers, the transport, ' +
        '`ca`, `verifyHostname` or `bind.dn` change: the stored password is only sent where it was sent before, so re-pointing a directory needs the ' +
        'password again (400 on `bind.password`). Directories of the configuration file are read-only here (409 DIRECTORY_MANAGED_BY_FILE); the username ' +
        'attribute is locked after the first sync (409 USERNAME_ATTRIBUTE_LOCKED). The answer comes once the worker runs the new configuration.',
      request: { params: nameParam, body: jsonBody(directoryInputSchema) },
      responses: {
        200: jsonResponse(directoryViewSchema, 'Updated.'),
        404: { description: 'No such directory.' },
        409: { description: 'File-managed, or the username attribute is locked.' },
      },
    }),
    async (c) => {
      const e = await answered(reg.update(c.req.valid('param').name, c.req.valid('json'), c.get('principal')!.name, deps.now()));
      return c.json(directoryView(e, await storeFacts(deps.store)), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'delete',
      path: '/api/v1/directories/{name}',
      operationId: 'deleteDirectory',
      errors: ['UNKNOWN_DIRECTORY', 'DIRECTORY_MANAGED_BY_FILE'],
      tags: ['directories'],
      summary: 'Delete a directory created here and stop its worker',
      description: 'The users it synced stay in the store (as when a directory is removed from the file).',
      request: { params: nameParam },
      responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such directory.' }, 409: { description: 'Defined in the configuration file.' } },
    }),
    async (c) => {
      await answered(reg.remove(c.req.valid('param').name));
      return c.body(null, 204);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directories/{name}/test',
      operationId: 'testDirectory',
      errors: ['UNKNOWN_DIRECTORY', ...DIRECTORY_ERRORS],
      tags: ['directories'],
      summary: 'Test the connection to every server, one by one (reachability, TLS, bind, base DN)',
      request: { params: nameParam },
      responses: { 200: jsonResponse(testResult, 'One check per server; `ok` when all pass.'), 404: { description: 'No such directory.' } },
    }),
    async (c) => {
      const { cfg } = await reg.get(c.req.valid('param').name);
      const servers = await testDirectory(cfg);
      return c.json({ ok: servers.every((s) => s.ok), servers, warnings: cfg.warnings }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/directories/{name}/groups',
      operationId: 'searchDirectoryGroups',
      errors: ['UNKNOWN_DIRECTORY', ...DIRECTORY_ERRORS],
      tags: ['directories'],
      summary: "Type-ahead over the directory's groups",
      description:
        'A substring of the group name, or a full DN; the search runs on the directory server with a size limit, so it stays fast with 10,000+ groups.',
      request: { params: nameParam, query: groupQuery },
      responses: { 200: jsonResponse(groupsResult, 'Matching groups, by name.'), 404: { description: 'No such directory.' } },
    }),
    async (c) => {
      const { cfg } = await reg.get(c.req.valid('param').name);
      const q = c.req.valid('query');
      const { hits, truncated } = await searchGroups(cfg, q.search, q.limit);
      return c.json({ groups: hits, truncated }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directory-drafts/test',
      operationId: 'testDirectoryDraft',
      errors: [...DIRECTORY_ERRORS],
      tags: ['directories'],
      summary: 'Test a directory configuration before saving it',
      description: 'Sync items may be missing; the bind password must be given.',
      request: { body: jsonBody(directoryInputSchema) },
      responses: { 200: jsonResponse(testResult, 'One check per server.') },
    }),
    async (c) => {
      const cfg = draftConfig(deps, c.req.valid('json'));
      const servers = await testDirectory(cfg);
      return c.json({ ok: servers.every((s) => s.ok), servers, warnings: cfg.warnings }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directory-drafts/groups',
      operationId: 'searchDraftGroups',
      errors: [...DIRECTORY_ERRORS],
      tags: ['directories'],
      summary: 'Type-ahead over the groups of a directory configuration before saving it',
      request: {
        body: jsonBody(
          z.object({ directory: directoryInputSchema, search: z.string().max(500).default(''), limit: z.number().int().min(1).max(500).default(50) }).strict(),
        ),
      },
      responses: { 200: jsonResponse(groupsResult, 'Matching groups, by name.') },
    }),
    async (c) => {
      // A read of the directory, sent as POST only because the draft holds a password: one per
      // keystroke in the type-ahead, none of which changes anything, so none is audited.
      c.get('audit').read = true;
      const body = c.req.valid('json');
      const cfg = (() => {
        try {
          return draftConfig(deps, body.directory);
        } catch (err) {
          const e = err as { where?: string };
          throw e.where !== undefined ? fieldError('VALIDATION_FAILED', (err as Error).message, `directory.${e.where}`, err) : err;
        }
      })();
      const { hits, truncated } = await searchGroups(cfg, body.search, body.limit);
      return c.json({ groups: hits, truncated }, 200);
    },
  );
}
