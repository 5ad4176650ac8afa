import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { IdsyncError } from '../../errors.js';
import { clock, withStore, type GlobalOptions } from '../context.js';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk.toString();
  return text.replace(/\r?\n$/, '');
}

/**
 * `idsync agents …` (at the hub: enrol, list, revoke) and `idsync agent …` (on premises: connect,
 * run). Issue 13; the design is in src/agent.
 */
export function registerAgentCommands(program: Command): void {
  const agents = program.command('agents').description('on-premises agents at the hub: create (one-time connect key), list, revoke');

  agents
    .command('list', { isDefault: true })
    .description('list agents: state, last connection, version')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { agentView } = await import('../../agent/hub/enrollment.js');
      await withStore(program.opts() as GlobalOptions, async ({ store, directories }) => {
        const now = clock()();
        // A serve that died cannot say so: a heartbeat older than a minute means not connected.
        const isLive = (a: { connectedSince: string | null; lastHeartbeatAt: string | null }) =>
          !!a.connectedSince && !!a.lastHeartbeatAt && now.getTime() - Date.parse(a.lastHeartbeatAt) < 60_000;
        // The file's directories and those created through the API.
        const all = await directories.configs();
        const configured = (name: string) => all.filter((d) => d.servers.some((s) => s.agent?.names.includes(name))).map((d) => d.name);
        const rows = (await store.agents.list()).map((r) => {
          const v = agentView(r, now);
          const live = isLive(v);
          const primaryFor = live ? v.primaryFor : [];
          // Primary or standby for each directory the configuration reaches through it (primary as the serve holding the channel recorded it).
          return { ...v, connected: live, primaryFor, standbyFor: live ? configured(v.name).filter((d) => !primaryFor.includes(d)) : [] };
        });
        if (o.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) process.stdout.write('no agents (create one with `idsync agents create NAME`)\n');
        for (const a of rows) {
          const role = [
            a.primaryFor.length ? `primary for ${a.primaryFor.join(', ')}` : '',
            a.standbyFor.length ? `standby for ${a.standbyFor.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ');
          const seen = a.connected
            ? `connected since ${a.connectedSince} from ${a.lastAddress ?? '?'} (version ${a.version ?? '?'}), last heartbeat ${a.lastHeartbeatAt} ` +
              `(round trip ${a.rttMs ?? '?'} ms), serving ${a.directories.join(', ') || 'no directory'}${role ? `; ${role}` : ''}`
            : a.lastSeenAt
              ? `not connected; last connected ${a.lastSeenAt} from ${a.lastAddress ?? '?'} (version ${a.version ?? '?'})`
              : 'never connected';
          const key = a.state === 'waiting' ? `, connect key valid until ${a.connectKeyExpiresAt}` : '';
          process.stdout.write(`${a.name}: ${a.state}${key}; ${seen}\n`);
        }
      });
    });

  agents
    .command('create <name>')
    .description('create an agent and print its one-time connect key (valid 24 hours, shown once)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const { createAgent } = await import('../../agent/hub/enrollment.js');
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const user = process.env.SUDO_USER ?? process.env.USER ?? null;
        const { agent, connectKey, expiresAt } = await createAgent(store, name, user ? `cli:${user}` : 'cli', clock()());
        if (o.json) return void process.stdout.write(`${JSON.stringify({ ...agent, connectKey }, null, 2)}\n`);
        process.stdout.write(
          `agent "${agent.name}" created. Its connect key (shown once, valid until ${expiresAt}, works once):\n\n  ${connectKey}\n\n` +
            `On the agent's machine:\n  idsync --config /etc/idsync-agent/agent.yaml agent connect --hub https://THIS-HUB:8470 --key ${connectKey}\n`,
        );
      });
    });

  agents
    .command('revoke <name>')
    .description("revoke an agent: its credentials stop working; a running idsync serve closes its channel within a second (the API's revoke: at once)")
    .action(async (name: string) => {
      const { revokeAgent } = await import('../../agent/hub/enrollment.js');
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        await revokeAgent(store, name, clock()());
        process.stdout.write(`agent "${name}" revoked\n`);
      });
    });

  const agent = program.command('agent').description('the on-premises agent: connect (enrol with a connect key), run (keep the channel to the hub)');
  const configFile = () => (program.opts() as GlobalOptions).config ?? process.env.IDSYNC_AGENT_CONFIG ?? '/etc/idsync-agent/agent.yaml';

  agent
    .command('run', { isDefault: true })
    .description('connect to the hub and relay its LDAP operations to the configured directories (until SIGTERM)')
    .action(async () => {
      const [{ loadAgentConfig }, { AgentClient }, { createLogger }] = await Promise.all([
        import('../../agent/config.js'),
        import('../../agent/client.js'),
        import('../../log.js'),
      ]);
      const cfg = loadAgentConfig(configFile());
      const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? cfg.logLevel);
      for (const w of cfg.warnings) log.warn(w);
      // For the tests of the channel's refusals: a clock this far off, another protocol version.
      const skewMs = Number(process.env.IDSYNC_AGENT_CLOCK_OFFSET_MS) || 0;
      const protocol = Number(process.env.IDSYNC_AGENT_PROTOCOL) || undefined;
      const client = new AgentClient(cfg, log, program.version() ?? 'unknown', { protocol, now: skewMs ? () => new Date(Date.now() + skewMs) : undefined });
      log.info({ hub: cfg.hub, agent: cfg.name, directories: cfg.directories.map((d) => d.name) }, 'idsync agent starting');
      client.start();
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await client.stop();
    });

  agent
    .command('connect')
    .description("exchange a one-time connect key for this agent's credentials and write its configuration (--config, default /etc/idsync-agent/agent.yaml)")
    .requiredOption('--hub <url>', "the hub's address, https://…")
    .requiredOption('--key <connectKey>', 'the connect key `idsync agents create` printed')
    .option('--ca <file>', "PEM bundle of the CA that issued the hub's certificate")
    .option('--protect <how>', 'how to keep the secrets: auto (systemd-creds when it works here, else a 0600 key file), systemd-creds, file', 'auto')
    .option('--directory <name>', 'also configure a directory: its name at the hub (the password is read from standard input)')
    .option('--server <url...>', 'its LDAP URLs')
    .option('--base-dn <dn>', 'its base DN (operations outside it are refused)')
    .option('--bind-dn <dn>', 'the service account')
    .option('--directory-ca <file>', "PEM bundle of the CA of the directory's servers")
    .option('--allow-writes', 'relay writes for this directory (default: read-only)')
    .action(
      async (o: {
        hub: string;
        key: string;
        ca?: string;
        protect: string;
        directory?: string;
        server?: string[];
        baseDn?: string;
        bindDn?: string;
        directoryCa?: string;
        allowWrites?: boolean;
      }) => {
        const [{ connectAgent }, { systemdCredsAvailable }] = await Promise.all([import('../../agent/enroll-client.js'), import('../../agent/protect.js')]);
        if (!['auto', 'systemd-creds', 'file'].includes(o.protect)) throw new IdsyncError('USAGE', '--protect must be auto, systemd-creds or file');
        const protection = o.protect === 'auto' ? (systemdCredsAvailable() ? 'systemd-creds' : 'file') : (o.protect as 'systemd-creds' | 'file');
        let directory: Parameters<typeof connectAgent>[0]['directory'];
        if (o.directory) {
          if (!o.server?.length || !o.baseDn || !o.bindDn) throw new IdsyncError('USAGE', '--directory needs --server, --base-dn and --bind-dn');
          const bindPassword = process.env.IDSYNC_BIND_PASSWORD ?? (await readStdin());
          if (!bindPassword) throw new IdsyncError('USAGE', 'the bind password is read from standard input (or IDSYNC_BIND_PASSWORD); it was empty');
          directory = {
            name: o.directory,
            servers: o.server,
            baseDn: o.baseDn,
            bindDn: o.bindDn,
            bindPassword,
            ...(o.directoryCa ? { caFile: o.directoryCa } : {}),
            allowWrites: !!o.allowWrites,
          };
        }
        const ca = o.ca ? readFileSync(o.ca, 'utf8') : undefined;
        const r = await connectAgent({ hub: o.hub, key: o.key, ca, caFile: o.ca, configFile: configFile(), protection, directory });
        process.stdout.write(
          `enrolled as agent "${r.name}"; configuration written to ${r.file}, secrets protected with ` +
            `${r.protection === 'systemd-creds' ? 'systemd-creds (host key)' : 'a 0600 key file (systemd-creds is not available here)'}\n` +
            'Start it: systemctl enable --now idsync-agent (packaging/systemd/idsync-agent.service), or `idsync agent` in the foreground.\n',
        );
      },
    );
}
