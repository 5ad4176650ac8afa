export type RunKind = 'full' | 'user' | 'incremental';

import type { ServerAttempt } from '../directory/connection.js';

export type UserOutcome = 'created' | 'updated' | 'unchanged' | 'disabled' | 'trashed' | 'restored' | 'deleted' | 'skipped' | 'conflict' | 'held';
export type GroupOutcome = 'created' | 'updated' | 'deleted';

export interface AttributeChange {
  before: unknown;
  after: unknown;
}

/** One line of a plan or a run's per-object log. */
export interface ObjectChange {
  objectType: 'user' | 'group';
  name: string;
  externalId?: string;
  userId?: number;
  outcome: UserOutcome | GroupOutcome;
  reason?: string;
  attributes?: Record<string, AttributeChange>;
  item?: string;
  warnings?: string[];
}

export interface RunCounts {
  created: number;
  updated: number;
  unchanged: number;
  disabled: number;
  trashed: number;
  restored: number;
  deleted: number;
  skipped: number;
  conflict: number;
  held: number;
  groupsCreated: number;
  groupsUpdated: number;
  groupsDeleted: number;
  membersAdded: number;
  membersRemoved: number;
}

export function emptyCounts(): RunCounts {
  return {
    created: 0, updated: 0, unchanged: 0, disabled: 0, trashed: 0, restored: 0, deleted: 0, skipped: 0, conflict: 0, held: 0,
    groupsCreated: 0, groupsUpdated: 0, groupsDeleted: 0, membersAdded: 0, membersRemoved: 0,
  };
}

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
