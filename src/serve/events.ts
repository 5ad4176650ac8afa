import { EventEmitter } from 'node:events';
import type { ProgressEvent, RunKind, RunReport } from '../sync/report.js';

export interface SyncEventMap {
  /** A running sync's phase and counts (the admin panel shows them live). */
  progress: [{ directory: string; kind: RunKind; event: ProgressEvent }];
  /** A run finished (full, single-user or an increment that changed something). */
  finished: [{ directory: string; report: RunReport }];
}

/** What `idsync serve` tells listeners (Server-Sent Events, metrics) about syncs as they happen. */
export class SyncEvents extends EventEmitter<SyncEventMap> {}
