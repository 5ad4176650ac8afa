import type { ServerAttempt } from '../directory/connection.js';
import type { ObjectChange, RunCounts, RunKind } from '../store/sync/run-types.js';

// The run vocabulary lives below the store (src/store/sync/run-types.ts); re-exported for the sync's callers.
export {
  emptyCounts,
  type AttributeChange,
  type GroupOutcome,
  type ObjectChange,
  type RunCounts,
  type RunKind,
  type UserOutcome,
} from '../store/sync/run-types.js';

export interface RunReport {
  runId?: number;
  directory: string;
  kind: RunKind;
  dryRun: boolean;
  status: 'succeeded' | 'failed';
  server?: string;
  attempts: ServerAttempt[];
  counts: RunCounts;
  /** Every change (dry runs keep them all; real runs keep them in the store's run log). */
  changes: ObjectChange[];
  warnings: string[];
  heldForApproval?: { runId?: number; count: number; threshold: string };
  error?: { code: string; message: string };
  durationMs: number;
}

/** Progress of a run (`runId` once the run is recorded; a dry run has none). */
export type ProgressEvent = { runId?: number } & (
  | { phase: 'connect'; server?: string }
  | { phase: 'groups'; read: number }
  | { phase: 'scopes' }
  | { phase: 'users'; read: number; expected?: number }
  | { phase: 'memberships'; done: number; total: number }
  | { phase: 'removals' }
  | { phase: 'done' }
);
