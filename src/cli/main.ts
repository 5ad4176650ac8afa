// First, before anything allocates: see heap.ts.
import './heap.js';
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { toIdsyncError } from '../errors.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerAgentCommands } from './commands/agent.js';
import { registerPasswordCommands } from './commands/passwords.js';
import { registerDirectoryCommands } from './commands/directory.js';
import { registerGroupCommands } from './commands/groups.js';
import { registerMailCommands } from './commands/mail.js';
import { registerProvisionCommands } from './commands/provision.js';
import { registerStoreCommands } from './commands/store.js';
import { registerServeCommands } from './commands/serve.js';
import { registerNodeCommands } from './commands/nodes.js';
import { registerSyncCommands } from './commands/sync.js';
import { registerSecondFactorCommands } from './commands/second-factor.js';

// Both dist/cli/main.js (tsc) and dist/bundle/main.js (what bin/idsync.js runs) sit two levels below package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('idsync')
  .description('Directory synchronization hub: Active Directory and OpenLDAP users and groups into the idsync store.')
  .version(version, '-V, --version', 'print the version of idsync')
  .option('-c, --config <file>', 'configuration file (default: $IDSYNC_CONFIG or ./idsync.yaml)')
  .showHelpAfterError()
  .exitOverride();

registerSyncCommands(program);
registerDirectoryCommands(program);
registerStoreCommands(program);
registerPasswordCommands(program);
registerGroupCommands(program);
registerMailCommands(program);
registerServeCommands(program);
registerNodeCommands(program);
registerAdminCommands(program);
registerAgentCommands(program);
// After the store commands: it adds `users adopt` to their `users`.
registerProvisionCommands(program);
// After the store and group commands: it adds to their `users` and `groups` (issue 15).
registerSecondFactorCommands(program);

// `idsync export | head` closes our stdout early: stop quietly, as Unix tools do, instead of an
// unhandled EPIPE with a stack trace. The reader has what it wanted; nothing was half-written to
// the store by output (every command writes its answer after its work).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

/** The only place errors become exit codes and messages for people. */
async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const e = toIdsyncError(err);
    process.stderr.write(`idsync: error [${e.code}]: ${e.message}\n`);
    if (e.code === 'INTERNAL' && process.env.IDSYNC_DEBUG && e.cause instanceof Error) process.stderr.write(`${e.cause.stack}\n`);
    process.exitCode = e.exitCode;
  }
}

await main();
