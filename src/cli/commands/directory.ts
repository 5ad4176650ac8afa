import type { Command } from 'commander';
import { searchGroups, testDirectory } from '../../directory/diagnostics.js';
import { IdsyncError } from '../../errors.js';
import { checkTargetRights, isTarget } from '../../provision/service.js';
import { openTarget } from '../../provision/writers.js';
import { selectAllDirectories, withStore, type GlobalOptions } from '../context.js';

export function registerDirectoryCommands(program: Command): void {
  const dir = program.command('directory').description('check and explore configured directories');

  dir
    .command('test')
    .description('check connectivity, TLS and credentials of every server, one by one')
    .option('-d, --directory <name>', 'only this directory')
    .option('--json', 'print JSON')
    .action(async (o: { directory?: string; json?: boolean }) => {
      // The file's directories and those created through the admin API, as the API's own test sees them.
      const dirs = await withStore(program.opts() as GlobalOptions, (ctx) => selectAllDirectories(ctx, o.directory));
      let failed = false;
      let rightsMissing = false;
      const all = [];
      for (const d of dirs) {
        const checks = await testDirectory(d);
        // Issue 12: a provisioning target's rights, checked before any write, once a server answers.
        const rights = isTarget(d) && checks.some((c) => c.ok) ? await checkTargetRights(d, openTarget) : undefined;
        all.push({ directory: d.name, servers: checks, ...(rights ? { rights } : {}), warnings: d.warnings });
        if (checks.some((c) => !c.ok)) failed = true;
        if (rights?.some((r) => !r.ok)) rightsMissing = true;
        if (!o.json) {
          process.stdout.write(`${d.name} (${d.type})\n`);
          for (const w of d.warnings) process.stdout.write(`  warning: ${w}\n`);
          for (const c of checks) process.stdout.write(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.url} [${c.transport}] ${c.ms} ms — ${c.message}\n`);
          for (const r of rights ?? []) process.stdout.write(`  ${r.ok ? 'ok  ' : 'FAIL'} right: ${r.right}${r.detail ? ` — ${r.detail}` : ''}\n`);
        }
      }
      if (o.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      if (failed) process.exitCode = 3;
      // A missing right is PROVISION_RIGHTS's exit code (7).
      else if (rightsMissing) process.exitCode = 7;
    });

  dir
    .command('groups')
    .description('list groups under the base DN; --search matches part of the name, or a full DN')
    .option('-d, --directory <name>', 'directory (required when several are configured)')
    .option('-s, --search <text>', 'part of a group name, or a group DN', '')
    .option('-l, --limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { directory?: string; search: string; limit: string; json?: boolean }) => {
      const dirs = await withStore(program.opts() as GlobalOptions, (ctx) => selectAllDirectories(ctx, o.directory));
      if (dirs.length !== 1) throw new IdsyncError('USAGE', 'several directories are configured: choose one with --directory NAME');
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new IdsyncError('USAGE', `--limit must be a positive integer, got "${o.limit}"`);
      const { hits, truncated } = await searchGroups(dirs[0], o.search, limit);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ groups: hits, truncated }, null, 2)}\n`);
        return;
      }
      for (const h of hits) process.stdout.write(`${h.name}\t${h.dn}\n`);
      if (truncated) process.stdout.write(`… more than ${limit} groups match; narrow the search\n`);
      if (!hits.length) process.stdout.write('no matching groups\n');
    });
}
