import type { Command } from 'commander';
import type { ApiInstance } from '../../api/app.js';
import type { ApiServer } from '../../api/server.js';
import { loadConfig, parseListen } from '../../config/load.js';
import { listenSchema } from '../../config/schema.js';
import { IdsyncError } from '../../errors.js';
import { DirectoryRegistry } from '../../directories/registry.js';
import { createLogger } from '../../log.js';
import { Store } from '../../store/db.js';
import { ServePresence } from '../../store/serve-presence.js';
import { leaseStore } from '../../store/leases.js';
import { listSyncStates } from '../../store/sync-state.js';
import { clock, withStore, type GlobalOptions } from '../context.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('keep every directory in sync (change streams or polling, plus a scheduled full sync) and serve the admin API')
    .option('--listen <host:port>', 'where the admin API listens (default: api.listen in the configuration, 127.0.0.1:8470)')
    .action(async (o: { listen?: string }) => {
      // Listened for first: a stop asked while serve is still starting (systemd, an orchestrator,
      // a rolling upgrade) waits for the start to finish and then stops cleanly, where the signal's
      // default action would have killed the process halfway (exit by signal, leases not released).
      const stopAsked = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      const config = loadConfig((program.opts() as GlobalOptions).config);
      // The API stack (Hono, prom-client, argon2) loads only for `serve`: other commands start faster.
      const [{ createApiApp }, { startApiServer }, { SyncService }] = await Promise.all([
        import('../../api/app.js'),
        import('../../api/server.js'),
        import('../../serve/server.js'),
      ]);
      if (o.listen !== undefined) {
        const checked = listenSchema.safeParse(o.listen);
        if (!checked.success) throw new IdsyncError('USAGE', `--listen ${checked.error.issues[0].message}`, { where: '--listen' });
      }
      const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? config.log.level);
      const store = await Store.open(config.store);
      const now = clock();
      // Directories created through the admin API live in the store and run beside the file's.
      const registry = DirectoryRegistry.forCommands(store, config, log);
      const service = await SyncService.open(registry, store, log, now);
      let api: ApiInstance | undefined;
      let http: ApiServer | undefined;
      // The on-premises agents' channels (issue 13): directories marked `agent:` are reached through them.
      const { AgentHub } = await import('../../agent/hub/channel.js');
      const { setTunnelOpener } = await import('../../agent/hub/tunnels.js');
      const { secretBoxFor } = await import('../../directories/secret-box.js');
      const heartbeatMs = Number(process.env.IDSYNC_AGENT_HEARTBEAT_MS) || undefined;
      const { passwordSink } = await import('../../agent/hub/passwords.js');
      const passwords = passwordSink({ store, directories: () => config.directories, log, now });
      const agentHub = new AgentHub({ store, box: secretBoxFor(config), log, now }, { heartbeatMs, passwords });
      setTunnelOpener(agentHub);
      // Every agent of a directory keeps its channel; the primary is elected in the configured order.
      for (const d of config.directories) for (const srv of d.servers) if (srv.agent) agentHub.route(d.name, srv.agent.names);
      const { startPasswordMaintenance } = await import('../../agent/hub/password-maintenance.js');
      const stopPasswordMaintenance = startPasswordMaintenance({
        store,
        hub: agentHub,
        log,
        now,
        retentionDays: config.passwordSync?.logRetentionDays ?? 7,
      });
      // Says "a serve runs here" to commands beside it (idsync approve refuses to write around its queues).
      const presence = await ServePresence.start(store, { now, log });
      // This process as one node of the store (issue 16): on PostgreSQL, the directories are
      // shared with the other nodes and work asked here reaches their lease holders.
      const { NodePresence } = await import('../../store/nodes.js');
      const { NodeCluster } = await import('../../serve/cluster.js');
      const { idsyncVersion } = await import('../../serve/node-name.js');
      const node = await NodePresence.start(store, { name: service.node, version: idsyncVersion(), log });
      const cluster = node.shared ? new NodeCluster(service, node, store, log, () => registry.configs()) : undefined;
      if (cluster) {
        service.coordinate(cluster);
        await cluster.start();
      }
      log.info({ node: service.node, id: node.id, shared: node.shared }, 'node started');
      try {
        if (config.api.enabled) {
          api = createApiApp({ store, config, service, now, log, defaultMetrics: true, agentHub, metricsNode: node.shared ? service.node : undefined });
          http = await startApiServer(api, o.listen ? parseListen(o.listen) : config.api.listen, log, config.api.tls);
          agentHub.attach(http.server);
          await presence.setApi(http.url);
          await node.setApi(http.url);
        }
      } catch (err) {
        await api?.close();
        await presence.stop().catch(() => undefined);
        await cluster?.stop();
        await node.stop();
        await store.close();
        throw err;
      }
      service.start();
      // Mail (issue 15): enrollment emails and alerts for each run; the `mail` lease holder sends.
      const { MailService } = await import('../../mail/service.js');
      const mail = new MailService({
        config,
        store,
        log,
        now,
        events: service.events,
        leases: service.leases,
        directories: () => [...service.workers.values()].map((w) => w.cfg),
      });
      mail.start();
      await stopAsked;
      log.info('stopping');
      stopPasswordMaintenance();
      await mail.stop();
      await agentHub.close();
      await http?.close();
      await api?.close();
      await service.stop();
      await cluster?.stop();
      await node.stop();
      await presence.stop();
      await store.close();
      log.info('idsync serve stopped');
    });

  program
    .command('status')
    .description('each directory: change tracking mode, connection, last change applied, lag, next full sync')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async ({ store, directories: registry }) => {
        const states = await listSyncStates(store.db);
        const leases = await leaseStore(store).list();
        const now = clock()();
        // The file's directories and those created through the admin API (no password needed to list them).
        const directories = await registry.names();
        const rows = directories.map((d) => {
          const s = states.find((x) => x.name === d.name);
          const l = leases.find((x) => x.name === `directory:${d.name}`);
          const lagMs =
            s?.last_change_at && s.last_applied_at ? Math.max(0, new Date(s.last_applied_at).getTime() - new Date(s.last_change_at).getTime()) : null;
          return {
            directory: d.name,
            type: d.type,
            mode: s?.mode ?? 'not running',
            connected: !!s?.connected,
            server: s?.server ?? null,
            message: s?.status_message ?? null,
            lastChangeAt: s?.last_change_at ?? null,
            lastAppliedAt: s?.last_applied_at ?? null,
            lagMs,
            lastFullSyncAt: s?.last_full_sync_at ?? null,
            nextFullSyncAt: s?.next_full_sync_at ?? null,
            lastError: s?.last_error ?? null,
            updatedAt: s?.updated_at ?? null,
            // Which \`idsync serve\` runs the directory (the others on the store stand by).
            lease: l ? { held: l.held, holder: l.holder, node: l.node, host: l.host, pid: l.pid, since: l.acquiredAt, heartbeatAt: l.heartbeatAt } : null,
          };
        });
        if (o.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        for (const r of rows) {
          process.stdout.write(
            `${r.directory} (${r.type}): ${r.mode}, ${r.connected ? `connected to ${r.server}` : 'not connected'}${r.message ? ` — ${r.message}` : ''}\n`,
          );
          process.stdout.write(`  last change applied: ${r.lastAppliedAt ?? 'never'}${r.lagMs !== null ? ` (lag ${r.lagMs} ms)` : ''}\n`);
          process.stdout.write(`  last full sync: ${r.lastFullSyncAt ?? 'never'}; next: ${r.nextFullSyncAt ?? 'not scheduled'}\n`);
          if (r.lastError) process.stdout.write(`  last error: ${r.lastError}\n`);
          const l = r.lease;
          const lease = !l
            ? 'never taken (no idsync serve has run it)'
            : l.held
              ? `held by ${l.node ? `node ${l.node}, ` : ''}${l.host} pid ${l.pid} since ${l.since} (heartbeat ${l.heartbeatAt})`
              : `free (last held by ${l.host} pid ${l.pid}, heartbeat ${l.heartbeatAt})`;
          process.stdout.write(`  lease: ${lease}\n`);
          if (r.updatedAt && now.getTime() - new Date(r.updatedAt).getTime() > 10 * 60_000 && r.connected)
            process.stdout.write(`  (status last updated ${r.updatedAt}: is idsync serve running?)\n`);
        }
      });
    });
}
