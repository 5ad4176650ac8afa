import { EventEmitter } from 'node:events';
import type { ProgressEvent, RunKind, RunReport } from '../sync/report.js';

export interface SyncEventMap {
  /**
   * A running sync's phase and counts (the admin panel shows them live). `origin`: the node that
   * runs it, when it is another node (issue 16, relayed by src/serve/cluster.ts); absent for this
   * process's own runs.
   */
  progress: [{ directory: string; kind: RunKind; event: ProgressEvent; origin?: string }];
  /** A run finished (full, single-user or an increment that changed something); a relayed one carries no list of changes. */
  finished: [{ directory: string; report: RunReport; origin?: string }];
}

/** What `idsync serve` tells listeners (Server-Sent Events, metrics) about syncs as they happen. */
export class SyncEvents extends EventEmitter<SyncEventMap> {}
