import { z } from '@hono/zod-openapi';
import { agentView, AGENT_NAME, createAgent, exchangeConnectKey, revokeAgent } from '../../agent/hub/enrollment.js';
import { ENROLL_PATH } from '../../agent/signature.js';
import { secretBoxFor } from '../../directories/secret-box.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonBody, jsonResponse, type ApiApp } from '../route.js';

const connectionSchema = z
  .object({
    address: z.string().nullable(),
    version: z.string(),
    protocol: z.number().int(),
    connectedAt: z.string(),
    lastHeartbeatAt: z.string().nullable(),
    rttMs: z.number().nullable().openapi({ description: 'Round-trip time of the last heartbeat.' }),
    directories: z.array(z.string()).openapi({ description: 'The directories the agent says it serves.' }),
    primaryFor: z.array(z.string()).openapi({ description: 'The directories whose LDAP sessions it carries (it is their primary agent).' }),
    standbyFor: z
      .array(z.string())
      .openapi({ description: 'The directories configured with it whose primary is another agent: it takes over when that one fails.' }),
    tunnels: z.number().int().openapi({ description: 'LDAP sessions of the hub open through it now.' }),
  })
  .openapi('AgentConnection');

const agentSchema = z
  .object({
    name: z.string(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    state: z.enum(['waiting', 'enrolled', 'expired', 'revoked']).openapi({
      description: '`waiting`: the connect key has not been used yet; `expired`: nor can it be any more.',
    }),
    connectKeyExpiresAt: z.string().nullable(),
    enrolledAt: z.string().nullable(),
    integrationKey: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    lastAddress: z.string().nullable(),
    version: z.string().nullable(),
    connectedSince: z.string().nullable().openapi({ description: 'As recorded in the store by the idsync serve that holds its channel.' }),
    lastHeartbeatAt: z.string().nullable(),
    rttMs: z.number().nullable(),
    directories: z.array(z.string()),
    primaryFor: z.array(z.string()).openapi({ description: 'As recorded in the store: the directories it is the primary agent for.' }),
    connection: connectionSchema.nullable().openapi({ description: 'Its channel to this idsync serve, when connected.' }),
  })
  .openapi('Agent');

/** On-premises agents (issue 13): enrolment, the list with their channels, revocation. */
export function registerAgentRoutes(app: ApiApp, deps: ApiDeps): void {
  const view = async (name: string) => {
    const row = await deps.store.agents.findByName(name);
    return row ? withConnection(deps, agentView(row, deps.now())) : undefined;
  };

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/agents',
      operationId: 'listAgents',
      tags: ['agents'],
      summary: 'List on-premises agents, with their channels (connected or not, address, version, heartbeat, round-trip time)',
      responses: { 200: jsonResponse(z.object({ items: z.array(agentSchema) }), 'Agents, revoked ones included.') },
    }),
    async (c) => {
      const rows = await deps.store.agents.list();
      return c.json({ items: rows.map((r) => withConnection(deps, agentView(r, deps.now()))) }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/agents',
      operationId: 'createAgent',
      errors: ['STORE_CONFLICT', 'USAGE'],
      tags: ['agents'],
      summary: 'Create an agent; its one-time connect key is shown in this answer only',
      description: 'The connect key is valid 24 hours and works once (`idsync agent connect --hub … --key …`). The hub keeps only its SHA-256.',
      request: { body: jsonBody(z.object({ name: z.string().regex(AGENT_NAME, 'must be 1-63 letters, digits, dot, dash or underscore') }).strict()) },
      responses: {
        201: jsonResponse(
          agentSchema.extend({ connectKey: z.string().openapi({ description: 'The one-time connect key. It cannot be read again.' }) }),
          'Created.',
        ),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('json');
      const { agent, connectKey } = await createAgent(deps.store, name, c.get('principal')?.name ?? null, deps.now());
      c.get('audit').target = `name=${name}`;
      return c.json({ ...withConnection(deps, agent), connectKey }, 201);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'delete',
      path: '/api/v1/agents/{name}',
      operationId: 'revokeAgent',
      errors: ['AGENT_NOT_FOUND'],
      tags: ['agents'],
      summary: 'Revoke an agent: its channel is closed at once and its credentials stop working',
      request: { params: z.object({ name: z.string().min(1).max(63) }) },
      responses: { 200: jsonResponse(agentSchema, 'Revoked (it stays listed).') },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      await revokeAgent(deps.store, name, deps.now());
      deps.agentHub?.disconnect(name, `agent "${name}" was revoked`);
      return c.json((await view(name))!, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: ENROLL_PATH,
      operationId: 'enrollAgent',
      errors: ['AGENT_KEY_INVALID', 'AGENT_KEY_USED', 'AGENT_KEY_EXPIRED'],
      tags: ['agents'],
      summary: "Exchange an agent's one-time connect key for its credentials (what `idsync agent connect` calls)",
      description: 'Works once per key, within 24 hours of its creation. The answer holds the secret key, which the hub does not show again.',
      request: { body: jsonBody(z.object({ connectKey: z.string().min(1).max(200) }).strict()) },
      responses: {
        200: jsonResponse(z.object({ name: z.string(), integrationKey: z.string(), secretKey: z.string() }).openapi('AgentCredentials'), 'Enrolled.'),
      },
    }),
    async (c) => {
      const creds = await exchangeConnectKey(deps.store, secretBoxFor(deps.config), c.req.valid('json').connectKey, deps.now());
      c.get('audit').actor = `agent:${creds.name}`;
      c.get('audit').target = `name=${creds.name}`;
      return c.json(creds, 200);
    },
  );
}

function withConnection<T extends { name: string }>(deps: ApiDeps, agent: T) {
  const conn = deps.agentHub?.status().find((s) => s.name === agent.name);
  if (!conn) return { ...agent, connection: null };
  const { name: _name, connected: _connected, ...rest } = conn;
  return { ...agent, connection: rest };
}
