import type { Command } from 'commander';
import { allDirectories, clock, withStore, type GlobalOptions } from '../context.js';

/** `idsync passwords status [USER]` and `idsync passwords resync` (issue 14, password hash sync). Never a verifier. */
export function registerPasswordCommands(program: Command): void {
  const passwords = program.command('passwords').description('password hash sync: per-user status and attempts, resync');

  passwords
    .command('status [user]', { isDefault: true })
    .description(
      'each synced user: status (Success, FilteredByTarget, NoTargetConnection, SourceConnectorNotPresent, Failed), when, KDF; with USER, its attempts too',
    )
    .option('--json', 'print JSON')
    .action(async (user: string | undefined, o: { json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async (ctx) => {
        const { store } = ctx;
        const sources = (await allDirectories(ctx)).filter((d) => d.importPasswordHashes).map((d) => d.name);
        const rows = await store.passwordSync.status(user, sources);
        const out = user ? await Promise.all(rows.map(async (r) => ({ ...r, attempts: await store.passwordSync.history(r.directory, r.externalId) }))) : rows;
        if (o.json) return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        if (!out.length) process.stdout.write(user ? `no password sync record for ${user}\n` : 'no password sync records\n');
        for (const r of out) {
          const why = r.reason ? ` (${r.reason})` : '';
          process.stdout.write(
            `${r.username} [${r.directory}, ${r.source}]: ${r.status}${why}; changed ${r.changedAt ?? 'never'}; ${r.kdf ?? 'no verifier'}\n`,
          );
          for (const a of (r as { attempts?: { status: string; reason: string | null; at: string }[] }).attempts ?? []) {
            process.stdout.write(`  ${a.at} ${a.status}${a.reason ? ` (${a.reason})` : ''}\n`);
          }
        }
      });
    });

  passwords
    .command('resync')
    .description("ask the agents to read every in-scope user's password again (taken by the running idsync serve within seconds)")
    .option('--directory <name>', 'only this directory')
    .action(async (o: { directory?: string }) => {
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        await store.passwordSync.requestResync(o.directory ?? null, clock()());
        process.stdout.write(`resync requested${o.directory ? ` for ${o.directory}` : ''}; idsync serve hands it to the connected agents\n`);
      });
    });
}
