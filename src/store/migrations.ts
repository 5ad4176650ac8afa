import { servePresence } from './presence-migration.js';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { authSecurity } from './auth-migration.js';
import { passwordSync } from './password-sync-migration.js';
import { enrollmentLinks } from './enrollment-links-migration.js';
import { secondFactor } from './second-factor-migration.js';
import { mail } from './mail-migration.js';
import { provisioning } from './provision-migration.js';
import { nodes } from './nodes-migration.js';

type Dialect = 'sqlite' | 'postgres';

/**
 * Migrations are code, in order, applied at start. They are written once for both databases:
 * only the auto-increment key differs.
 */
function idColumn(dialect: Dialect): 'serial' | 'integer' {
  return dialect === 'postgres' ? 'serial' : 'integer';
}

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('directories')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('username_attribute', 'text', (c) => c.notNull())
        .addColumn('first_synced_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_key', 'text', (c) => c.notNull().unique())
        .addColumn('directory_id', 'integer', (c) => c.references('directories.id'))
        .addColumn('external_id', 'text')
        .addColumn('dn', 'text')
        .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('full_name', 'text')
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('email', 'text')
        .addColumn('phones', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('notes', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('sync_item', 'text')
        .addColumn('trashed_at', 'text')
        .addColumn('delete_after', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_directory_external_id', ['directory_id', 'external_id'])
        .execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('directory_id', 'integer', (c) => c.notNull().references('directories.id'))
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('dn', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('groups_directory_external_id', ['directory_id', 'external_id'])
        .execute();

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute();

      await db.schema
        .createTable('runs')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('directory_id', 'integer', (c) => c.references('directories.id'))
        .addColumn('directory_name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('duration_ms', 'integer')
        .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('error_code', 'text')
        .addColumn('error', 'text')
        .addColumn('server', 'text')
        .addColumn('attempts', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('pid', 'integer')
        .addColumn('host', 'text')
        .execute();

      await db.schema
        .createTable('run_objects')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('user_id', 'integer')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('run_objects_run').on('run_objects').columns(['run_id', 'outcome']).execute();
      await db.schema.createIndex('run_objects_user').on('run_objects').column('user_id').execute();

      await db.schema
        .createTable('approvals')
        .addColumn('run_id', 'integer', (c) => c.primaryKey().references('runs.id'))
        .addColumn('directory_id', 'integer', (c) => c.notNull().references('directories.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .execute();

      await db.schema
        .createTable('held_removals')
        .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('held_removals_pk', ['run_id', 'user_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['held_removals', 'approvals', 'run_objects', 'runs', 'group_members', 'groups', 'users', 'directories']) {
        await sql`drop table if exists ${sql.table(t)}`.execute(db);
      }
    },
  };
}

/**
 * Incremental sync: where each directory's change stream stands (cookie and the server that issued
 * it, kept in the same transaction as the data it produced) and what `idsync status` shows; and a
 * lower-cased DN on users so a change to a group can find its members in the store.
 */
function incremental(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('users').addColumn('dn_key', 'text').execute();
      await sql`update users set dn_key = lower(dn)`.execute(db);
      await db.schema.createIndex('users_directory_dn_key').on('users').columns(['directory_id', 'dn_key']).execute();
      await db.schema
        .createTable('sync_state')
        .addColumn('directory_id', 'integer', (c) => c.primaryKey().references('directories.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('cookie', 'text')
        .addColumn('server', 'text')
        .addColumn('server_identity', 'text')
        .addColumn('connected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status_message', 'text')
        .addColumn('last_change_at', 'text')
        .addColumn('last_applied_at', 'text')
        .addColumn('last_full_sync_at', 'text')
        .addColumn('next_full_sync_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      void dialect;
    },
    async down(db: Kysely<any>) {
      await sql`drop table if exists sync_state`.execute(db);
    },
  };
}

/**
 * The admin API: accounts, panel sessions, API tokens, the audit log and directories created
 * through the API. The audit log is append-only in the database itself, not only in the API:
 * triggers refuse UPDATE and DELETE on it.
 */
function adminApi(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('admins')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_key', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_login_at', 'text')
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('admin_id', 'integer', (c) => c.notNull().references('admins.id').onDelete('cascade'))
        .addColumn('csrf_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_admin').on('sessions').column('admin_id').execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      if (dialect === 'postgres') {
        await sql`create or replace function idsync_audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'the audit log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function idsync_audit_log_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
      }
      await db.schema
        .createTable('api_directories')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('bind_password', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['api_directories', 'audit_log', 'api_tokens', 'sessions', 'admins']) {
        await sql`drop table if exists ${sql.table(t)}`.execute(db);
      }
      if (dialect === 'postgres') await sql`drop function if exists idsync_audit_log_append_only()`.execute(db);
    },
  };
}

/**
 * A digest of what the directory last said about each user (the mapped attributes and status), so a
 * full sync recognises unchanged users from one in-memory lookup instead of reading their rows.
 */
function sourceHash(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('users').addColumn('source_hash', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('users').dropColumn('source_hash').execute();
    },
  };
}

/**
 * SQLite: group memberships as a WITHOUT ROWID table, clustered on its primary key. A rowid table
 * kept three b-trees per membership (rows, the (group_id, user_id) key, the user index); a first
 * sync of 100,000 users writes 331,000 memberships, and a third of that work was the rowid tree
 * nobody reads. PostgreSQL has no rowid; nothing changes there.
 */
function clusteredMemberships(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== 'sqlite') return;
      await sql`create table group_members_clustered (
        group_id integer not null references groups (id) on delete cascade,
        user_id integer not null references users (id) on delete cascade,
        constraint group_members_pk primary key (group_id, user_id)
      ) without rowid`.execute(db);
      await sql`insert into group_members_clustered (group_id, user_id) select group_id, user_id from group_members`.execute(db);
      await sql`drop table group_members`.execute(db);
      await sql`alter table group_members_clustered rename to group_members`.execute(db);
      await sql`create index group_members_user on group_members (user_id)`.execute(db);
    },
    async down(db: Kysely<any>) {
      if (dialect !== 'sqlite') return;
      await sql`create table group_members_rowid (
        group_id integer not null references groups (id) on delete cascade,
        user_id integer not null references users (id) on delete cascade,
        constraint group_members_pk primary key (group_id, user_id)
      )`.execute(db);
      await sql`insert into group_members_rowid (group_id, user_id) select group_id, user_id from group_members`.execute(db);
      await sql`drop table group_members`.execute(db);
      await sql`alter table group_members_rowid rename to group_members`.execute(db);
      await sql`create index group_members_user on group_members (user_id)`.execute(db);
    },
  };
}

/** The limit that held a run's removals, as the run put it ("more than 10 users or …"), for whoever decides. */
function approvalThreshold(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('approvals').addColumn('threshold', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('approvals').dropColumn('threshold').execute();
    },
  };
}

/** A full sync's memo of group members by group entry digest (src/sync/graph-snapshot.ts): one row per directory. */
function groupGraphCache(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('group_graph_cache')
        .addColumn('directory_id', 'integer', (c) => c.primaryKey().references('directories.id').onDelete('cascade'))
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('snapshot', 'text', (c) => c.notNull())
        .addColumn('saved_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('group_graph_cache').execute();
    },
  };
}

/**
 * Every full sync counts a directory's users outside the trash (the safeguard's percentage) and
 * looks for trashed users past their deletion date. Without this index both read every user row
 * of the directory (about 20 ms each at 100,000 users); with it, the count reads the index alone
 * and the purge only the trashed. Appended in id order on a first sync, it costs little to keep.
 */
function userStatusIndex(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('users_directory_status').on('users').columns(['directory_id', 'status']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('users_directory_status').execute();
    },
  };
}

/**
 * Who runs each directory's worker (src/store/leases.ts): one row per lease. On SQLite the row is
 * the lease (a heartbeat that must not lapse); on PostgreSQL an advisory lock is, and the row only
 * says who holds it, for `idsync status`.
 */
function leases(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('acquired_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('leases').execute();
    },
  };
}

/**
 * A user's pending hold is looked up by user (the user page, `idsync users show`, a single-user
 * sync); the primary key starts with the run, so without this each look-up read every held row.
 */
function heldRemovalsUserIndex(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('held_removals_user').on('held_removals').column('user_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('held_removals_user').execute();
    },
  };
}

/**
 * On-premises agents (issue 13): enrolment and credentials. Named with the date so that it sorts
 * after the numbered migrations and collides with none added in parallel.
 */
function agentEnrollment(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agents')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('connect_key_hash', 'text', (c) => c.unique())
        .addColumn('connect_key_expires_at', 'text')
        .addColumn('enrolled_at', 'text')
        .addColumn('integration_key', 'text', (c) => c.unique())
        .addColumn('secret_sealed', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_seen_at', 'text')
        .addColumn('last_address', 'text')
        .addColumn('agent_version', 'text')
        .addColumn('connected_since', 'text')
        .addColumn('last_heartbeat_at', 'text')
        .addColumn('rtt_ms', 'real')
        .addColumn('served_directories', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('agents').execute();
    },
  };
}

/** Which directories an agent is the primary for (issue 13, several agents per site), for `idsync agents` in other processes. */
function agentPrimaries(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('agents').addColumn('primary_for', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('agents').dropColumn('primary_for').execute();
    },
  };
}

/**
 * Issue 16: the agents' channel nonces in the store, so that a signed request accepted by one
 * `idsync serve` is refused as a replay by another on the same store (each had its own cache).
 */
function agentNonces(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agent_nonces')
        .addColumn('nonce', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agent_nonces_expiry').on('agent_nonces').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('agent_nonces').execute();
    },
  };
}

export class IdsyncMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001_initial': initial(this.dialect),
      '0002_incremental': incremental(this.dialect),
      '0003_admin_api': adminApi(this.dialect),
      '0004_source_hash': sourceHash(),
      '0005_clustered_memberships': clusteredMemberships(this.dialect),
      '0006_approval_threshold': approvalThreshold(),
      '0007_group_graph_cache': groupGraphCache(),
      '0008_user_status_index': userStatusIndex(),
      '0009_leases': leases(),
      '0010_held_removals_user': heldRemovalsUserIndex(),
      '0012_auth_security': authSecurity(),
      '0013_serve_presence': servePresence(this.dialect),
      '0014_provisioning': provisioning(this.dialect),
      '0015_agents': agentEnrollment(this.dialect),
      '0016_agent_primaries': agentPrimaries(),
      '0017_password_sync': passwordSync(this.dialect),
      '0019_enrollment_links': enrollmentLinks(this.dialect),
      '0020_mail': mail(this.dialect),
      '0021_nodes': nodes(this.dialect),
      '0022_second_factor': secondFactor(this.dialect),
      '0023_agent_nonces': agentNonces(),
    };
  }
}
