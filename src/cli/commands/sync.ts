import type { Command } from 'commander';
import { createLogger } from '../../log.js';
import { IdsyncError } from '../../errors.js';
import { syncDirectory, SyncFailedError } from '../../sync/engine.js';
import { decideApproval, listApprovals } from '../../sync/removals.js';
import type { RunReport } from '../../sync/report.js';
import { allDirectories, clock, refuseWhileServing, selectAllDirectories, withStore, type GlobalOptions } from '../context.js';
import { formatPlan, summarize } from '../format.js';
import { progressReporter } from '../progress.js';
import { mailAfterRun } from '../../mail/after-run.js';
import { secretBoxFor } from '../../directories/secret-box.js';

export function registerSyncCommands(program: Command): void {
  program
    .command('sync')
    .description('sync users and groups from the configured directories into the store')
    .option('-d, --directory <name>', 'only this directory')
    .option('-n, --dry-run', 'print what would change and write nothing')
    .option('-u, --user <username>', 'sync only this user (needs --directory when several are configured)')
    .option('--json', 'print the run report as JSON')
    .action(async (o: { directory?: string; dryRun?: boolean; user?: string; json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async (ctx) => {
        const { config, store } = ctx;
        // Directories idsync only writes to (issue 12: a provisioning block, no sync items) have nothing to sync, unless named.
        const chosen = await selectAllDirectories(ctx, o.directory);
        const dirs = chosen.filter((d) => o.directory || d.syncItems.length);
        if (chosen.length && !dirs.length) throw new IdsyncError('USAGE', 'no directory has sync items: idsync only writes to them (`idsync provision`)');
        if (o.user && dirs.length !== 1) throw new IdsyncError('USAGE', 'a single-user sync needs --directory NAME when several directories are configured');
        if (!dirs.length) throw new IdsyncError('CONFIG_INVALID', 'no directories are configured');
        // Human output goes to stdout; structured logs (default level: warn on the command line) to stderr.
        const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? (config.logLevelSet ? config.log.level : 'warn'));
        const reports: RunReport[] = [];
        let firstError: unknown;
        // Issue 15: a run queues its enrollment emails and alerts; idsync serve sends them.
        const mail = (d: (typeof dirs)[number], r: RunReport) =>
          mailAfterRun({ store, config, box: () => secretBoxFor(config), log }, d, r, clock()()).catch((err: Error) =>
            log.error({ directory: d.name, err: err.message }, 'enrollment emails and alerts for the run not queued'),
          );
        for (const d of dirs) {
          const bar = o.json ? { onProgress: () => undefined, stop: () => undefined } : progressReporter(d.name);
          try {
            const r = await syncDirectory(store, d, { dryRun: o.dryRun, user: o.user, now: clock(), onProgress: bar.onProgress, log });
            bar.stop();
            reports.push(r);
            await mail(d, r);
            if (!o.json) {
              if (o.dryRun) process.stdout.write(`${formatPlan(r)}\n\n`);
              process.stdout.write(`${summarize(r)}\n`);
            }
          } catch (err) {
            bar.stop();
            // One broken directory does not stop the others; the exit code still reports it.
            firstError ??= err;
            if (err instanceof SyncFailedError) {
              reports.push(err.report);
              await mail(d, err.report);
            }
            // With --json a failed run's report carries its error; an error without a run (no such user) goes to stderr.
            if (!o.json || !(err instanceof SyncFailedError))
              process.stderr.write(`idsync: error [${(err as IdsyncError).code ?? 'INTERNAL'}]: directory "${d.name}" failed: ${(err as Error).message}\n`);
          }
        }
        if (o.json && reports.length) process.stdout.write(`${JSON.stringify(dirs.length === 1 ? reports[0] : reports, null, 2)}\n`);
        if (firstError) process.exitCode = (firstError as IdsyncError).exitCode ?? 1;
      });
    });

  program
    .command('approvals')
    .description('list removals held by the safeguard, waiting for a decision')
    .option('-a, --all', 'include decided ones')
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const list = await listApprovals(store, o);
        if (o.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        if (!list.length) return void process.stdout.write('No removals are waiting for approval.\n');
        for (const a of list) {
          process.stdout.write(
            `run ${a.runId} — directory "${a.directory}" — ${a.count} removals — ${a.status} (held ${a.createdAt}${a.threshold ? `: ${a.threshold}` : ''})\n`,
          );
          for (const u of a.users) process.stdout.write(`  ${u.action === 'trash' ? 'trash  ' : 'disable'} ${u.username}: ${u.reason}\n`);
        }
        if (list.some((a) => a.status === 'pending')) process.stdout.write('Decide with `idsync approve RUN` or `idsync reject RUN`.\n');
      });
    });

  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(`${decision} <run>`)
      .description(decision === 'approve' ? 'apply the removals a run held' : 'discard the removals a run held (nothing is removed)')
      .action(async (run: string) => {
        const runId = Number(run);
        if (!Number.isInteger(runId) || runId < 1) throw new IdsyncError('USAGE', `RUN must be a run number, got "${run}"`);
        await withStore(program.opts() as GlobalOptions, async (ctx) => {
          const { store } = ctx;
          const directory = await store.runHistory.directoryOf(runId);
          if (directory === undefined) throw new IdsyncError('STORE_NOT_FOUND', `no run ${runId}`);
          await refuseWhileServing(
            store,
            `${decision === 'approve' ? 'approving' : 'rejecting'} run ${runId}`,
            `Decide in the panel, or with POST /api/v1/approvals/${runId}/${decision} as an administrator.`,
          );
          const cfg = (await allDirectories(ctx)).find((d) => d.name === directory);
          if (decision === 'approve' && !cfg) {
            throw new IdsyncError(
              'UNKNOWN_DIRECTORY',
              `directory "${directory}" of run ${runId} is neither in the configuration file nor created through the admin API; cannot apply its removals`,
            );
          }
          const r = await decideApproval(store, cfg, runId, decision, clock()());
          process.stdout.write(
            decision === 'approve'
              ? `Approved run ${runId}: ${r.applied} removals applied${r.skipped ? `, ${r.skipped} no longer needed` : ''}.\n`
              : `Rejected run ${runId}: nothing removed. The next full sync will plan again from the directory.\n`,
          );
        });
      });
  }
}
