import type { Command } from 'commander';
import { nodesOverview } from '../../store/nodes.js';
import { withStore, type GlobalOptions } from '../context.js';

/** `idsync nodes` (issue 16): the `idsync serve` nodes of the store, their leases, heartbeats and versions. */
export function registerNodeCommands(program: Command): void {
  program
    .command('nodes')
    .description('the idsync serve nodes sharing this store: alive or not, version, heartbeat, and the directories each runs')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const view = await nodesOverview(store);
        if (o.json) return void process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        if (!view.nodes.length) process.stdout.write('no node has run on this store (idsync serve registers one)\n');
        for (const n of view.nodes) {
          process.stdout.write(
            `${n.name} (${n.alive ? 'alive' : 'gone'}): version ${n.version}, ${n.host} pid ${n.pid}, started ${n.startedAt}, heartbeat ${n.heartbeatAt}` +
              `${n.api ? `, API ${n.api}` : ''}\n`,
          );
          process.stdout.write(`  directories: ${n.directories.length ? n.directories.join(', ') : 'none'}\n`);
        }
        const free = view.leases.filter((l) => !l.held).map((l) => l.directory);
        if (free.length) process.stdout.write(`not held by any node: ${free.join(', ')}\n`);
      });
    });
}
