import type { ServerAttempt } from '../../directory/connection.js';

/**
 * The run vocabulary: what a run is, what it did to each object and how many. Shared by the sync
 * (which plans and reports) and the store (which records runs), so it sits below both.
 */
export type RunKind = 'full' | 'user' | 'incremental';

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
    created: 0,
    updated: 0,
    unchanged: 0,
    disabled: 0,
    trashed: 0,
    restored: 0,
    deleted: 0,
    skipped: 0,
    conflict: 0,
    held: 0,
    groupsCreated: 0,
    groupsUpdated: 0,
    groupsDeleted: 0,
    membersAdded: 0,
    membersRemoved: 0,
  };
}

/** How a run ends, as the store records it. */
export interface RunEnd {
  status: 'succeeded' | 'failed';
  counts: RunCounts;
  startedAt: Date;
  now: Date;
  server?: string;
  attempts: ServerAttempt[];
  warnings: string[];
  error?: { code: string; message: string };
}
