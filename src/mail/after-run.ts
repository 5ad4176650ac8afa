import type { DirectoryConfig, IdsyncConfig } from '../config/load.js';
import type { SecretBox } from '../directories/secret-box.js';
import { afterSync } from '../enrollment/mailing.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import type { RunReport } from '../sync/report.js';
import { raiseAlert, runAlerts } from './alerts.js';

/**
 * What mail a finished run calls for (issue 15), wherever it ran: `idsync serve` (each run's
 * `finished` event) and `idsync sync`. Only queues: `idsync serve`'s sender sends.
 */
export async function mailAfterRun(
  ctx: { store: Store; config: IdsyncConfig; box: () => SecretBox; log?: Logger },
  cfg: DirectoryConfig | undefined,
  report: RunReport,
  now: Date,
): Promise<void> {
  for (const a of runAlerts(report))
    await raiseAlert({ store: ctx.store, alerts: ctx.config.alerts, publicUrl: ctx.config.api.publicUrl, log: ctx.log }, a, now);
  if (cfg?.enrollment?.email) await afterSync({ store: ctx.store, box: ctx.box(), log: ctx.log }, cfg, report, now);
}
