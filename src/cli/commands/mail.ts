import type { Command } from 'commander';
import { EMAIL_ADDRESS } from '../../config/mail.js';
import { loadConfig } from '../../config/load.js';
import { inviteEnrollments, resendEnrollment } from '../../enrollment/mailing.js';
import { secretBoxFor } from '../../directories/secret-box.js';
import { IdsyncError } from '../../errors.js';
import { outboxView } from '../../mail/view.js';
import type { MailState } from '../../store/mail-outbox.js';
import { clock, withStore, type GlobalOptions } from '../context.js';

const STATES: MailState[] = ['pending', 'sent', 'failed', 'cancelled'];

/** Mail (issue 15): `idsync mail test|outbox`, `idsync enrollments [resend USER]`. */
export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('email: test the SMTP server, look at the outbox');
  mail
    .command('test <address>')
    .description('send a test email now through the configured SMTP server (not through the outbox), and report its error if any')
    .action(async (address: string) => {
      if (!EMAIL_ADDRESS.test(address)) throw new IdsyncError('USAGE', `"${address}" is not an email address`, { where: 'ADDRESS' });
      const config = loadConfig((program.opts() as GlobalOptions).config);
      // Loaded here only: nodemailer cost every command, a sync included, about 10 MB of RSS (issue 11).
      const { sendTestMail } = await import('../../mail/transport.js');
      await sendTestMail(config.smtp, address);
      process.stdout.write(`Sent a test email to ${address} through ${config.smtp!.host}:${config.smtp!.port} (${config.smtp!.security}).\n`);
    });
  mail
    .command('outbox')
    .description('the emails and alert webhook calls idsync has queued, sent or given up, with their last error')
    .option('--state <state>', `only this state: ${STATES.join(', ')}`)
    .option('--limit <n>', 'at most this many, newest first', '50')
    .option('--json', 'print JSON')
    .action(async (o: { state?: string; limit: string; json?: boolean }) => {
      if (o.state && !STATES.includes(o.state as MailState)) throw new IdsyncError('USAGE', `--state must be one of ${STATES.join(', ')}`);
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const page = await store.mailOutbox.list({ state: o.state as MailState | undefined, limit: Number(o.limit) || 50, offset: 0 });
        const counts = await store.mailOutbox.counts();
        const items = page.items.map(outboxView);
        if (o.json) return void process.stdout.write(`${JSON.stringify({ counts, total: page.total, items }, null, 2)}\n`);
        process.stdout.write(`${STATES.map((s) => `${counts[s]} ${s}`).join(', ')}\n`);
        for (const m of items) {
          process.stdout.write(
            `#${m.id} ${m.state} ${m.kind}${m.template ? `/${m.template}` : ''}${m.event ? `/${m.event}` : ''} → ${m.recipient} (${m.attempts} attempt${
              m.attempts === 1 ? '' : 's'
            }${m.state === 'pending' && m.attempts ? `, next ${m.nextAttemptAt}` : ''})${m.lastError ? `: ${m.lastError}` : ''}\n`,
          );
        }
      });
    });

  const enrollments = program
    .command('enrollments')
    .description('pending enrollments: users sent an enrollment link they have not used yet (issue 15)')
    .option('--search <text>', 'username or email containing this')
    .option('--json', 'print JSON')
    .action(async (o: { search?: string; json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const page = await store.enrollmentMail.pending({ limit: 10_000, offset: 0, search: o.search });
        if (o.json) return void process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        if (!page.total) return void process.stdout.write('No pending enrollments.\n');
        for (const p of page.items) {
          const sent = p.firstSentAt ? `sent ${p.firstSentAt}` : `not sent yet${p.mailError ? ` (${p.mailError})` : ''}`;
          process.stdout.write(
            `${p.username} <${p.email ?? 'no email'}> ${p.directory ? `(${p.directory}) ` : ''}— link expires ${p.expiresAt}; ${sent}; ` +
              `${p.remindersSent} reminder${p.remindersSent === 1 ? '' : 's'}${p.resends ? `, ${p.resends} resend${p.resends === 1 ? '' : 's'}` : ''}\n`,
          );
        }
      });
    });
  enrollments
    .command('resend <username>')
    .description("send the user's enrollment link again (the same link, its expiry unchanged); idsync serve sends it")
    .action(async (username: string) => {
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const user = await store.users.find(username);
        if (!user) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}"`, { where: username });
        const r = await resendEnrollment(store, user.id, clock()());
        process.stdout.write(`Queued the enrollment link of ${user.username} again (message #${r.outboxId}; the link still expires ${r.expiresAt}).\n`);
      });
    });
  enrollments
    .command('invite [usernames...]')
    .description(
      'send enrollment links to users synced before their directory had enrollment.email on (or eligible since): the named users, or --all; ' +
        'users already pending are left to "resend". --dry-run shows who would be mailed',
    )
    .option('--all', 'every eligible user of every directory with enrollment.email on')
    .option('--dry-run', 'only list who would be invited, and why the others would not')
    .option('--json', 'print JSON')
    .action(async (usernames: string[], o: { all?: boolean; dryRun?: boolean; json?: boolean }) => {
      if (!o.all === !usernames.length) throw new IdsyncError('USAGE', 'name the users to invite, or give --all (not both)', { where: 'invite' });
      await withStore(program.opts() as GlobalOptions, async ({ store, config, directories }) => {
        let ids: number[] | undefined;
        if (!o.all) {
          ids = [];
          for (const name of usernames) {
            const user = await store.users.find(name);
            if (!user) throw new IdsyncError('STORE_NOT_FOUND', `no user "${name}"`, { where: name });
            ids.push(user.id);
          }
        }
        const outcomes = await inviteEnrollments({ store, box: secretBoxFor(config) }, await directories.configs(), ids, clock()(), !!o.dryRun);
        if (o.json) return void process.stdout.write(`${JSON.stringify({ dryRun: !!o.dryRun, outcomes }, null, 2)}\n`);
        const invited = outcomes.filter((x) => x.invited);
        for (const x of outcomes)
          process.stdout.write(
            `${x.invited ? (o.dryRun ? 'would invite' : 'invited') : 'skipped'} ${x.username} <${x.email ?? 'no email'}>${x.reason ? `: ${x.reason}` : ''}\n`,
          );
        process.stdout.write(
          o.dryRun
            ? `${invited.length} user${invited.length === 1 ? '' : 's'} would be sent an enrollment link; nothing was queued (run again without --dry-run).\n`
            : `Queued ${invited.length} enrollment email${invited.length === 1 ? '' : 's'}; idsync serve sends them.\n`,
        );
      });
    });
}
