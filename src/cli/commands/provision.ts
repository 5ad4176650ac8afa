import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { secretBoxFor } from '../../directories/secret-box.js';
import { IdsyncError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { describePlan } from '../../provision/plan.js';
import { adoptUser, isTarget, planAll, provisionOnce, type TargetConfig, targetStatus } from '../../provision/service.js';
import { openTarget, passwordCheck } from '../../provision/writers.js';
import { Secret } from '../../secret.js';
import { allDirectories, clock, type Context, type GlobalOptions, refuseWhileServing, withStore } from '../context.js';

/*
 * `idsync provision` (issue 12, "Delivery"): deliver what the outbox holds for each provisioning
 * target once; `--dry-run` prints what would be written, attribute by attribute, and writes
 * nothing; `provision status` lists the backlog and the failures. `idsync users adopt` takes over
 * an account that conflicts.
 */

async function targets(ctx: Context, name?: string): Promise<TargetConfig[]> {
  const all = await allDirectories(ctx);
  if (name) {
    const d = all.find((x) => x.name === name);
    if (!d) throw new IdsyncError('UNKNOWN_DIRECTORY', `no directory named "${name}" (known: ${all.map((x) => x.name).join(', ') || 'none'})`);
    if (!isTarget(d)) throw new IdsyncError('USAGE', `directory "${name}" has no provisioning block: idsync does not write to it`, { where: name });
    return [d];
  }
  const out = all.filter(isTarget);
  if (!out.length) throw new IdsyncError('USAGE', 'no directory has a provisioning block: idsync writes to none');
  return out;
}

export function registerProvisionCommands(program: Command): void {
  const g = () => program.opts() as GlobalOptions;
  const provision = program.command('provision').description('write store users and local groups to the directories with a provisioning block');

  provision
    .command('run', { isDefault: true })
    .description('deliver every change waiting for the targets (once); --dry-run prints what would be written')
    .option('-d, --directory <name>', 'only this target')
    .option('-n, --dry-run', 'print what would be written, attribute by attribute, and write nothing')
    .option('--json', 'print JSON')
    .action(async (o: { directory?: string; dryRun?: boolean; json?: boolean }) => {
      await withStore(g(), async (ctx) => {
        const store = ctx.store;
        const now = clock();
        const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? 'warn');
        let failed = false;
        const out: unknown[] = [];
        for (const cfg of await targets(ctx, o.directory)) {
          if (o.dryRun) {
            const plans = await planAll({ store, cfg, openTarget, now, log, checkPassword: undefined });
            if (o.json) out.push({ directory: cfg.name, plans });
            else {
              process.stdout.write(`${cfg.name}: ${plans.length ? `${plans.length} object(s) to write` : 'nothing to write'} (dry run)\n`);
              for (const p of plans) for (const line of describePlan(p)) process.stdout.write(`  ${line}\n`);
            }
            continue;
          }
          await refuseWhileServing(ctx.store, 'provisioning', 'idsync serve delivers the outbox itself.');
          const box = secretBoxFor(ctx.config);
          const r = await provisionOnce({
            store,
            cfg,
            openTarget,
            unseal: (sealed) => new Secret(box.open(sealed, 'a password waiting for delivery')),
            checkPassword: passwordCheck,
            now,
            log,
          });
          if (r.delivery.failures.length) failed = true;
          if (o.json) out.push(r);
          else {
            process.stdout.write(`${cfg.name}: ${r.delivery.delivered} delivered, ${r.delivery.failures.length} failed\n`);
            for (const f of r.delivery.failures)
              process.stdout.write(`  ${f.kind} ${f.name}: [${f.code}] ${f.message}${f.permanent ? ' (kept until it changes)' : ' (will be retried)'}\n`);
          }
        }
        if (o.json) process.stdout.write(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
        if (failed) process.exitCode = 7;
      });
    });

  provision
    .command('status')
    .description('the backlog and the failures of each target')
    .option('-d, --directory <name>', 'only this target')
    .option('--json', 'print JSON')
    .action(async (o: { directory?: string; json?: boolean }) => {
      await withStore(g(), async (ctx) => {
        const all = [];
        for (const cfg of await targets(ctx, o.directory)) all.push(await targetStatus(ctx.store, cfg, clock()()));
        // The outbox's sealed passwords stay in the store: status says only that one is waiting.
        const shown = all.map((s) => ({ ...s, backlog: s.backlog.map(({ sealedPassword, ...r }) => ({ ...r, password: sealedPassword !== null })) }));
        if (o.json) return void process.stdout.write(`${JSON.stringify(shown.length === 1 ? shown[0] : shown, null, 2)}\n`);
        for (const s of shown) {
          process.stdout.write(`${s.directory}: ${s.exported} exported, ${s.backlog.length} waiting, ${s.problems.length} failed or in conflict\n`);
          for (const r of s.backlog) {
            const state = r.permanent ? 'kept until it changes' : r.attempts ? `${r.attempts} attempt(s), next ${r.nextAttemptAt}` : 'due';
            process.stdout.write(`  waiting ${r.kind} ${r.name} since ${r.enqueuedAt}${r.password ? ' (with a password)' : ''}: ${state}\n`);
          }
          for (const p of s.problems)
            process.stdout.write(`  ${p.state} ${p.kind} ${p.name}${p.targetDn ? ` (${p.targetDn})` : ''}: [${p.code}] ${p.reason}\n`);
        }
      });
    });

  const users = program.commands.find((c) => c.name() === 'users') ?? program.command('users');
  users
    .command('adopt <username>')
    .description('take over the account of the same name in a provisioning target, which idsync then manages (audited)')
    .requiredOption('-d, --directory <name>', 'the target')
    .action(async (username: string, o: { directory: string }) => {
      await withStore(g(), async (ctx) => {
        const [cfg] = await targets(ctx, o.directory);
        const now = clock();
        const r = await adoptUser({ store: ctx.store, cfg, openTarget, now }, username);
        await ctx.store.auditLog.write({
          at: now().toISOString(),
          actorType: 'cli',
          actor: userInfo().username,
          ip: null,
          userAgent: 'idsync',
          action: 'adoptUser',
          method: 'CLI',
          path: `idsync users adopt`,
          target: username,
          status: 0,
          outcome: 'success',
          detail: { directory: cfg.name, dn: r.targetDn, targetId: r.targetId },
        });
        process.stdout.write(`${username} now manages ${r.targetDn} in ${cfg.name}; its attributes are written at the next delivery.\n`);
      });
    });
}
