import { sql } from 'kysely';
import { type Admins, KyselyAdmins } from './admins.js';
import { type Agents, KyselyAgents } from './agents.js';
import { type ApiTokens, KyselyApiTokens } from './api-tokens.js';
import { type AuditLog, KyselyAuditLog } from './audit-log.js';
import type { Db, StoreDialect } from './db-handle.js';
import { type GroupQueries, KyselyGroupQueries } from './group-queries.js';
import { KyselyRunHistory, type RunHistory } from './history.js';
import { KyselyLocalGroups, type LocalGroups } from './local-groups.js';
import { KyselyLoginThrottle, type LoginThrottle } from './login-throttle.js';
import { KyselyPasswordSync, type PasswordSyncRecords } from './password-sync.js';
import type { Provisioning } from './provisioning.js';
import { KyselyProvisioning } from './provisioning-store.js';
import { KyselySessions, type Sessions } from './sessions.js';
import { KyselyTrash, type Trash } from './trash.js';
import { type Authenticators, KyselyAuthenticators } from './authenticators.js';
import { type EnrollmentLinks, KyselyEnrollmentLinks } from './enrollment-links.js';
import { KyselySecondFactor, type SecondFactorRecords } from './second-factor.js';
import { KyselyUserPasswords, type UserPasswords } from './user-passwords.js';
import { type EnrollmentMail, KyselyEnrollmentMail } from './enrollment-mail.js';
import { KyselyMailOutbox, type MailOutbox } from './mail-outbox.js';
import { KyselyMailTemplates, type MailTemplates } from './mail-templates.js';
import { KyselyUserQueries, type UserQueries } from './user-queries.js';
import { KyselyUserWrites, type UserWrites } from './users.js';

/**
 * What the API, the admin accounts and the CLI ask of the store, by what they need rather than by
 * table: no SQL is built outside src/store. A Store has each of these (store.admins, …).
 */
export interface StoreQueries {
  readonly admins: Admins;
  readonly sessions: Sessions;
  readonly apiTokens: ApiTokens;
  readonly loginThrottle: LoginThrottle;
  readonly auditLog: AuditLog;
  readonly runHistory: RunHistory;
  readonly userQueries: UserQueries;
  readonly groupQueries: GroupQueries;
  readonly trash: Trash;
  /** Issue 12: groups made in idsync, local users' password verifiers, the provisioning outbox and export state. */
  readonly users: UserWrites;
  readonly localGroups: LocalGroups;
  readonly userPasswords: UserPasswords;
  readonly enrollmentLinks: EnrollmentLinks;
  readonly authenticators: Authenticators;
  /** Issue 15: recovery codes, second-factor statuses and lockouts, challenges. */
  readonly secondFactor: SecondFactorRecords;
  /** Issue 15, mail: the outbox, the templates, and the enrollment email queries. */
  readonly mailOutbox: MailOutbox;
  readonly mailTemplates: MailTemplates;
  readonly enrollmentMail: EnrollmentMail;
  readonly provisioning: Provisioning;
  readonly agents: Agents;
  /** Issue 14: password hash sync (verifiers, status, attempt log, applied batches). */
  readonly passwordSync: PasswordSyncRecords;
  /** Throws when the database does not answer (the readiness probe). */
  ping(): Promise<void>;
}

/**
 * The implementations for a dialect, chosen once when the store opens, as kysely chooses its
 * adapter. Today every one of them is the same Kysely code on SQLite and PostgreSQL (the store's
 * tests run each over both); a dialect that needs other SQL for one of them gets its own class
 * here, and callers do not change.
 */
export function storeQueries(db: Db, _dialect: StoreDialect): StoreQueries {
  return {
    admins: new KyselyAdmins(db),
    sessions: new KyselySessions(db),
    apiTokens: new KyselyApiTokens(db),
    loginThrottle: new KyselyLoginThrottle(db),
    auditLog: new KyselyAuditLog(db),
    runHistory: new KyselyRunHistory(db),
    userQueries: new KyselyUserQueries(db),
    groupQueries: new KyselyGroupQueries(db),
    trash: new KyselyTrash(db),
    users: new KyselyUserWrites(db),
    localGroups: new KyselyLocalGroups(db),
    userPasswords: new KyselyUserPasswords(db),
    enrollmentLinks: new KyselyEnrollmentLinks(db),
    authenticators: new KyselyAuthenticators(db),
    secondFactor: new KyselySecondFactor(db),
    mailOutbox: new KyselyMailOutbox(db),
    mailTemplates: new KyselyMailTemplates(db),
    enrollmentMail: new KyselyEnrollmentMail(db),
    provisioning: new KyselyProvisioning(db),
    agents: new KyselyAgents(db),
    passwordSync: new KyselyPasswordSync(db),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
  };
}
