import type { GroupFactorStatus, UserFactorStatus } from '../store/schema.js';

// Apart from admin.ts, which needs the WebAuthn and TOTP code: the CLI names these when it starts,
// and loading that code (with its X.509 and ASN.1 libraries) cost every command, a sync
// included, about 30 MB of RSS (issue 11: peak memory).
export const USER_FACTOR_STATUSES = ['active', 'bypass', 'disabled', 'locked_out'] as const satisfies readonly UserFactorStatus[];
export const GROUP_FACTOR_STATUSES = ['active', 'bypass', 'disabled'] as const satisfies readonly GroupFactorStatus[];
