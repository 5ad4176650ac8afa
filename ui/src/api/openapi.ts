/**
 * GENERATED FILE, DO NOT EDIT: run `npm run generate` (scripts/generate.ts).
 *
 * The admin API's shapes, from its OpenAPI document (/api/v1/openapi.json, built from the zod
 * schemas in src/api/routes) by openapi-typescript. The panel names them in ./types.ts.
 */

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in to the panel
         * @description Five failures for one username within 15 minutes lock it for 15 minutes; twenty from one address lock the address. Each attempt is counted before its password is checked, and only a few passwords are checked at once. Locked, or too many logins waiting: 429 with Retry-After.
         *
         *     Roles: anyone.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the current panel session
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who is calling: the admin of the session, or the API token
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change your own password
         * @description Ends every other session of the admin. Wrong current passwords count towards the login lockout.
         *
         *     Roles: owner, administrator, user_manager, read_only.
         */
        put: operations["changeOwnPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether first-run setup is needed, and possible from here
         * @description Roles: anyone.
         */
        get: operations["getSetup"];
        put?: never;
        /**
         * First run: create the first owner and log in
         * @description Only while no admin exists, and only from the machine idsync runs on (a loopback peer and no proxy headers). Otherwise use `idsync admin create`.
         *
         *     Roles: anyone.
         */
        post: operations["setup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List admin accounts
         * @description Roles: owner, administrator.
         */
        get: operations["listAdmins"];
        put?: never;
        /**
         * Create an admin account
         * @description Passwords need at least 12 characters.
         *
         *     Roles: owner.
         */
        post: operations["createAdmin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete an admin account, end its sessions and revoke its API tokens
         * @description The API tokens the admin created are revoked, and the tokens those tokens created: no token keeps the rights of an admin who is gone. The last owner cannot be deleted.
         *
         *     Roles: owner.
         */
        delete: operations["deleteAdmin"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API tokens (never their values)
         * @description Roles: owner, administrator.
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Create an API token; its value is shown in this answer only
         * @description Roles: owner.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token (it stays listed, marked revoked), and the tokens it created
         * @description Roles: owner.
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins/{username}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change an admin's role (applies at once to their sessions)
         * @description The last owner keeps the owner role (409).
         *
         *     Roles: owner.
         */
        put: operations["updateAdminRole"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admins/{username}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a new password for another admin and end their sessions
         * @description Passwords need at least 12 characters. Not for one's own account (use /api/v1/me/password with the current password).
         *
         *     Roles: owner.
         */
        put: operations["resetAdminPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directory-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The directory types and the defaults each brings (filters, attribute mapping, identifier): what an empty field in a directory means
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listDirectoryTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List directories: those of the configuration file and those created here
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listDirectories"];
        put?: never;
        /**
         * Create a directory (stored in idsync; under idsync serve its worker starts at once)
         * @description The same keys as a directory in the configuration file, except `caFile` (send the PEM as `ca`) and `bind.password`, which must be a string and is never returned.
         *
         *     Roles: owner, administrator.
         */
        post: operations["createDirectory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One directory, with its sync status
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getDirectory"];
        /**
         * Replace a directory's configuration (sync items and their order included)
         * @description Send the whole configuration (`config` of the GET answer). Omit `bind.password` to keep the stored one, unless the servers, the transport, `ca`, `verifyHostname` or `bind.dn` change: the stored password is only sent where it was sent before, so re-pointing a directory needs the password again (400 on `bind.password`). Directories of the configuration file are read-only here (409 DIRECTORY_MANAGED_BY_FILE); the username attribute is locked after the first sync (409 USERNAME_ATTRIBUTE_LOCKED). The answer comes once the worker runs the new configuration.
         *
         *     Roles: owner, administrator.
         */
        put: operations["updateDirectory"];
        post?: never;
        /**
         * Delete a directory created here and stop its worker
         * @description The users it synced stay in the store (as when a directory is removed from the file).
         *
         *     Roles: owner, administrator.
         */
        delete: operations["deleteDirectory"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories/{name}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test the connection to every server, one by one (reachability, TLS, bind, base DN)
         * @description Roles: owner, administrator.
         */
        post: operations["testDirectory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories/{name}/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Type-ahead over the directory's groups
         * @description A substring of the group name, or a full DN; the search runs on the directory server with a size limit, so it stays fast with 10,000+ groups.
         *
         *     Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["searchDirectoryGroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directory-drafts/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a directory configuration before saving it
         * @description Sync items may be missing; the bind password must be given.
         *
         *     Roles: owner, administrator.
         */
        post: operations["testDirectoryDraft"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directory-drafts/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Type-ahead over the groups of a directory configuration before saving it
         * @description Roles: owner, administrator.
         */
        post: operations["searchDraftGroups"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directory-drafts/dry-run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Plan the first import of a directory configuration before saving it (nothing is written)
         * @description The bind password must be given. Created users carry the attributes they would get (`attributes.*.after`), so the plan shows how the mapping reads real entries.
         *
         *     Roles: owner, administrator.
         */
        post: operations["dryRunDirectoryDraft"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories/{name}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Full sync now
         * @description Queued behind whatever the directory is doing (syncs of one directory never overlap). Answers 202 as soon as the run has a number (or after 3 s with `runId: null` when it is still queued); follow it with GET /api/v1/events or GET /api/v1/runs/{id}. With `?wait=true` it answers 200 with the run report when the run ends.
         *
         *     Roles: owner, administrator.
         */
        post: operations["syncDirectory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories/{name}/sync/user": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sync one user now and return the run report
         * @description A user who has left the scope is only disabled; the next full sync moves them to the trash. A user whose removal a pending approval holds is left as they are (outcome `held`); one back in scope is taken out of the held removals. A username that is neither in the scope nor in the store answers 404 `STORE_NOT_FOUND` and records no run.
         *
         *     Roles: owner, administrator, user_manager.
         */
        post: operations["syncUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/directories/{name}/dry-run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Plan a full sync without writing anything: every create, update (attribute before → after), disable, trash, restore and held removal
         * @description Roles: owner, administrator.
         */
        post: operations["dryRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Run history, newest first
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One run with its per-object outcomes (paged; filter by outcome)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Users, by username; search matches part of the username, email or full name
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create a local user (no directory owns it; a directory that syncs the same username adopts it)
         * @description Roles: owner, administrator, user_manager.
         */
        post: operations["createLocalUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user with lineage: the sync item that brought them in, status and why, groups, and the last runs that changed them
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a user's attributes or status
         * @description Only fields no directory owns: every attribute of a user synced from a directory belongs to it (409 STORE_ATTRIBUTE_OWNED, naming the directory and the field). A null clears a field.
         *
         *     Roles: owner, administrator, user_manager.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/v1/users/{username}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a local user's password (write-only)
         * @description The store keeps only an argon2id verifier of it; each provisioning target receives the password, encrypted with the store's secrets key while it waits in the outbox, and deleted once delivered. It is never answered, logged or audited. A user synced from a directory is refused (409 STORE_ATTRIBUTE_OWNED): the directory owns their password.
         *
         *     Roles: owner, administrator.
         */
        put: operations["setUserPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Groups in the store (the chosen groups of every directory), by name
         * @description Synced groups, read-only. Local groups, made in idsync and exported by provisioning, are at /api/v1/local-groups.
         *
         *     Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listGroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A group with its members (flattened: nested members included), paged
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getGroup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{id}/paths": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * For each member of a group, the nested groups through which they are in it (read from the directory now)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getGroupMemberPaths"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Local groups, by name, with member counts
         * @description Local groups are made in idsync (any store user, local or synced, can be a member) and are exported to provisioning targets; groups synced from directories are read at /api/v1/groups.
         *
         *     Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listLocalGroups"];
        put?: never;
        /**
         * Create a local group
         * @description Local groups are made in idsync (any store user, local or synced, can be a member) and are exported to provisioning targets; groups synced from directories are read at /api/v1/groups. Names are unique in any letter case and follow the username rule.
         *
         *     Roles: owner, administrator, user_manager.
         */
        post: operations["createLocalGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-groups/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A local group with its direct members and its export state at each provisioning target
         * @description Local groups are made in idsync (any store user, local or synced, can be a member) and are exported to provisioning targets; groups synced from directories are read at /api/v1/groups.
         *
         *     Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getLocalGroup"];
        put?: never;
        post?: never;
        /**
         * Remove a local group (its members stay in the store)
         * @description Roles: owner, administrator, user_manager.
         */
        delete: operations["deleteLocalGroup"];
        options?: never;
        head?: never;
        /**
         * Rename a local group or change its description
         * @description A null description clears it. A provisioning target renames the group it exported.
         *
         *     Roles: owner, administrator, user_manager.
         */
        patch: operations["updateLocalGroup"];
        trace?: never;
    };
    "/api/v1/local-groups/{name}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add users (local or synced) to a local group, by username
         * @description Users already members are left as they are. An unknown username refuses the whole request (404).
         *
         *     Roles: owner, administrator, user_manager.
         */
        post: operations["addLocalGroupMembers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-groups/{name}/members/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a user from a local group
         * @description A user who is not a member is left as they are.
         *
         *     Roles: owner, administrator, user_manager.
         */
        delete: operations["removeLocalGroupMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{username}/adopt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take over the account of the same name in a provisioning target
         * @description The account that conflicts with this user (same sAMAccountName or uid, not managed by idsync) becomes the one idsync manages: its attributes are written at the next delivery. An account idsync must never touch (adminCount=1, a privileged group, outside the user container) is refused with PROVISION_PROTECTED.
         *
         *     Roles: owner, administrator.
         */
        post: operations["adoptUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trash": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Users in the trash, with their deletion dates, soonest first
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listTrash"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trash/{username}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a trashed user whose directory is no longer configured; they become a local user
         * @description A user of a configured directory is refused (409 RESTORE_NOT_ALLOWED): put them back in scope in the directory and sync (POST /api/v1/directories/{name}/sync/user restores them at once).
         *
         *     Roles: owner, administrator, user_manager.
         */
        post: operations["restoreUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trash/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a trashed user permanently, before their deletion date
         * @description If the directory has the user in scope again later, the sync creates them anew.
         *
         *     Roles: owner, administrator, user_manager.
         */
        delete: operations["purgeUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Removals held by the safeguard (pending ones; all with ?all=true)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/approvals/{runId}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply the removals a run held
         * @description Roles: owner, administrator.
         */
        post: operations["approveRemovals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/approvals/{runId}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Discard the removals a run held (nothing is removed; the next full sync plans again)
         * @description Roles: owner, administrator.
         */
        post: operations["rejectRemovals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log, newest first: every state-changing request and every login, with who, when and from where
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live sync status as Server-Sent Events
         * @description Events: `ready` once connected; `progress` `{ directory, kind, phase, read?, expected?, done?, total? }` while a sync runs (phases connect, groups, scopes, users, memberships, removals, done); `finished` `{ directory, runId, kind, status, counts, durationMs, warnings, heldForApproval, error }` when a run ends; `ping` every 20 s. The stream ends as soon as the session or token stops being valid (logout, revocation, a deleted admin, a password change, expiry).
         *
         *     Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List on-premises agents, with their channels (connected or not, address, version, heartbeat, round-trip time)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listAgents"];
        put?: never;
        /**
         * Create an agent; its one-time connect key is shown in this answer only
         * @description The connect key is valid 24 hours and works once (`idsync agent connect --hub … --key …`). The hub keeps only its SHA-256.
         *
         *     Roles: owner, administrator.
         */
        post: operations["createAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an agent: its channel is closed at once and its credentials stop working
         * @description Roles: owner, administrator.
         */
        delete: operations["revokeAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agent/enroll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange an agent's one-time connect key for its credentials (what `idsync agent connect` calls)
         * @description Works once per key, within 24 hours of its creation. The answer holds the secret key, which the hub does not show again.
         *
         *     Roles: anyone.
         */
        post: operations["enrollAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The idsync serve nodes of the store: alive or not, version, heartbeat, and the directories each runs; every directory lease
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listNodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a user's password, second factor, or both (for applications and proxies)
         * @description The user's newest password counts: synced from the directory (password hash sync) or set in idsync. A disabled or trashed user, an unknown one and a wrong password all answer 401 AUTH_FAILED after the same work. Limits per user and per client (429 with Retry-After), and a bounded queue of checks (429 with Retry-After when full). Password failures are audited, without the password; password-only successes are not.
         *
         *     With `secondFactor` (issue 15) the answer is a decision, allow or deny with a reason (after the password, when one is given), and every decision is audited, without the code. Wrong and replayed codes count towards the lockout (`secondFactor.maxFailures`).
         *
         *     Roles: API tokens with the scope verify only.
         */
        post: operations["verifyPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/verify/webauthn/challenge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A WebAuthn challenge for a user's passkeys and security keys, for POST /api/v1/auth/verify (issue 15)
         * @description Pass `options` to navigator.credentials.get() on a page of the `api.publicUrl` host (the relying party), then send the response with `challengeId` as `secondFactor: { type: webauthn }`. A challenge is good for one assertion within 5 minutes. `challengeId` is null when the user has no passkey (or is unknown).
         *
         *     Roles: API tokens with the scope verify only.
         */
        post: operations["verifyWebauthnChallenge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/password-sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Password sync status of every user, or of one (with its attempts of the retention period)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listPasswordSync"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/password-sync/resync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask every connected agent to read every password in scope again
         * @description Roles: owner, administrator.
         */
        post: operations["resyncPasswords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{username}/second-factor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's second-factor status and authenticators (kinds and labels, never a secret)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getUserSecondFactor"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{username}/second-factor/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Sets a user's status: active (also unlocks), bypass, disabled (local users only) or locked_out (until set active again)
         * @description Roles: owner, administrator, user_manager.
         */
        put: operations["setUserFactorStatus"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{username}/authenticators/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Removes one of a user's authenticators (a lost phone or key)
         * @description Roles: owner, administrator, user_manager.
         */
        delete: operations["removeAuthenticator"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/second-factor/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Groups, synced and local, whose second-factor status is not active
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listGroupFactorStatuses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{id}/second-factor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Sets a synced group's status: active, bypass (members skip the second factor) or disabled (members are denied)
         * @description A synced group keeps its status across syncs; its members come from the directory.
         *
         *     Roles: owner, administrator.
         */
        put: operations["setGroupFactorStatus"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-groups/{name}/second-factor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Sets a local group's status: active, bypass or disabled
         * @description Roles: owner, administrator.
         */
        put: operations["setLocalGroupFactorStatus"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enroll/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The enrollment page opens: whose link it is and what they have enrolled
         * @description Roles: anyone.
         */
        post: operations["enrollStart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enroll/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new TOTP secret to scan (QR code) or type, kept until a code confirms it (15 minutes)
         * @description Roles: anyone.
         */
        post: operations["enrollTotpBegin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enroll/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirms the TOTP being set up with a current code; it is enrolled
         * @description Roles: anyone.
         */
        post: operations["enrollTotpConfirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enroll/webauthn/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Options for navigator.credentials.create() to make a passkey or use a security key
         * @description Roles: anyone.
         */
        post: operations["enrollWebauthnOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enroll/webauthn/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Checks the browser's registration response; the passkey or security key is enrolled
         * @description Roles: anyone.
         */
        post: operations["enrollWebauthnRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enroll/finish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ends the enrollment: new one-time recovery codes (the old ones stop working); the link is used
         * @description Roles: anyone.
         */
        post: operations["enrollFinish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enrollments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Pending enrollments: users sent an enrollment link they have not used (issue 15)
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listEnrollments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/enrollments/{username}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a user's enrollment link again: the same link, its expiry unchanged
         * @description Roles: owner, administrator, user_manager.
         */
        post: operations["resendEnrollment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail/outbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Emails and alert webhook calls: queued, sent, failed or cancelled, with their last error
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["listMailOutbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail/outbox/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Try a failed or waiting message again now
         * @description Roles: owner, administrator.
         */
        post: operations["retryMail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The enrollment and reminder email templates
         * @description Roles: owner, administrator, user_manager, read_only.
         */
        get: operations["getMailTemplates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail/templates/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change a template; both bodies must contain <enrollment-link>. `reset: true` goes back to the built-in text
         * @description Roles: owner, administrator.
         */
        put: operations["updateMailTemplate"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Admin: {
            id: number;
            username: string;
            /** @enum {string} */
            role: "owner" | "administrator" | "user_manager" | "read_only";
            createdAt: string;
            lastLoginAt: string | null;
        };
        LoginResult: {
            admin: components["schemas"]["Admin"];
            /** @description Send it as X-CSRF-Token on every state-changing request of this session (also in the idsync_csrf cookie). */
            csrfToken: string;
            expiresAt: string;
        };
        Error: {
            error: {
                /** @example VALIDATION_FAILED */
                code: string;
                message: string;
                /** @description The request field the error concerns, as a path: `servers[1]`, `bind.password`. */
                field?: string;
                issues?: {
                    field: string;
                    message: string;
                }[];
            };
        };
        ApiToken: {
            id: number;
            name: string;
            /** @enum {string} */
            role: "owner" | "administrator" | "user_manager" | "read_only" | "verify";
            createdBy: string | null;
            createdAt: string;
            lastUsedAt: string | null;
            expiresAt: string | null;
            revokedAt: string | null;
        };
        DirectoryType: {
            /** @enum {string} */
            type: "active-directory" | "openldap";
            label: string;
            filters: {
                user: string;
                group: string;
                container: string;
            };
            attributes: {
                /** @description The store username. Locked after the first sync (`USERNAME_ATTRIBUTE_LOCKED`): changing it would re-key every user. */
                username: string;
                /** @description Up to four attributes imported as username aliases. May change at any time. */
                aliases: string[];
                /** @description A user's full name. */
                fullName: string;
                /** @description A user's first (given) name. */
                firstName: string;
                /** @description A user's last name (surname). */
                lastName: string;
                /** @description A user's email address. */
                email: string;
                /** @description Phone attributes, read only when `importPhones` is on. */
                phones: string[];
                /** @description Read only when `importNotes` is on. */
                notes: string;
                /** @description A group's name in the store. */
                groupName: string;
                /** @description The attribute of a group that lists its members' DNs. */
                member: string[];
            };
            externalIdAttribute: string;
        };
        DirectoryInput: {
            /** @description Unique name: 1–63 letters, digits, `.`, `-`, `_`. Used by `--directory`, in run history and as the owner of synced users. Renaming it makes a new directory. */
            name: string;
            /**
             * @description `active-directory` or `openldap` (any RFC 4519 directory with inetOrgPerson and groupOfNames/groupOfUniqueNames). Chooses the defaults below.
             * @enum {string}
             */
            type: "active-directory" | "openldap";
            /** @description LDAP URLs, tried in order: the first that answers is used, the others are backups. A server that cannot be reached or fails TLS is skipped and named in the run report. Each is `ldap://` or `ldaps://`, a host name or address, and an optional port from 1 to 65535; nothing else (a DN, attributes or a filter after the host are refused, since `baseDn` and `filters` say those). The admin API checks directories it stores with the same rule. */
            servers?: string[];
            /** @description Reach the directory through an on-premises agent (`idsync agents create NAME`, see [the agent](agent-configuration.md)) instead of connecting to it: a name, or a list of agents of the same site. Every listed agent keeps its channel; `idsync serve` makes the first connected one (in this order) the primary, the others stand by, and when the primary drops or misses a heartbeat the next takes over (within 30 s), the sync resuming from its stored position. The directory then has no `servers`, `bind`, `transport` or CA here: the agents' configurations hold them, and the bind password stays on premises. Only `idsync serve`, which holds the agents' channels, can reach it. */
            agent?: string | string[];
            /**
             * @description `ldaps`, `starttls` or `clear`. `clear` with a password prints a warning on every run: the password crosses the network unencrypted.
             * @enum {string}
             */
            transport?: "ldaps" | "starttls" | "clear";
            /** @description The same PEM bundle inline, instead of `caFile`. */
            ca?: string;
            /**
             * @description Check that the certificate names the host in the URL (subjectAltName). The chain is verified even when this is `false`.
             * @default true
             */
            verifyHostname?: boolean;
            /** @default {} */
            timeouts?: {
                /**
                 * @description How long to wait for a TCP connection and its TLS handshake.
                 * @default 5000
                 */
                connectMs?: number;
                /**
                 * @description How long the server may stay silent while idsync waits for an answer (StartTLS, the bind, a read, the next entries of a page, a DirSync round). A slow but steady page never times out.
                 * @default 60000
                 */
                operationMs?: number;
                /**
                 * @description The longest a sync may read from the directory, from its connection to its last page, however steadily the server sends: a server that never ends a page, or hands out paging cookies forever, fails the run with `DIRECTORY_TIMEOUT` before anything is removed. Under `idsync serve` it also bounds each read of an increment, so a broken server cannot block the directory's queue. Raise it for a directory whose full sync really takes longer.
                 * @default 3600000
                 */
                runMs?: number;
            };
            /** @description Where users and groups are searched (subtree). Every sync item must be under it. */
            baseDn: string;
            /** @default {} */
            filters?: {
                /** @description Which entries are users. This and every other filter key must be one RFC 4515 filter in parentheses, with balanced parentheses (a literal parenthesis in a value is `\28` or `\29`); it is checked with the parser that encodes it at search time. */
                user?: string;
                /** @description Which entries are groups (chosen groups and the groups nested in them). */
                group?: string;
                /** @description Which entries are containers (reserved for the admin panel's container picker). */
                container?: string;
            };
            /** @description Users matching this filter are synced as disabled. OpenLDAP has no standard flag; on AD it adds to `userAccountControl` ACCOUNTDISABLE and a past `accountExpires`, which are always honoured. */
            disabledFilter?: string;
            /**
             * @description Group DNs to sync: shorthand for `syncItems: [{ group: DN }]`, appended after `syncItems`.
             * @default []
             */
            groups?: string[];
            /**
             * @description Ordered items: `{ group: DN }` or `{ container: DN, filter?: "(…)", scope?: sub|one }`. A user is in scope when any item reaches them; the first item that does is recorded as the reason they are synced (`idsync users show`). At least one item (here or in `groups`) is required: an empty selection would remove everyone. A directory with a `provisioning` block may have none: it is then only written to.
             * @default []
             */
            syncItems?: ({
                group: string;
            } | {
                container: string;
                /** @description An LDAP search filter (RFC 4515), in parentheses. */
                filter?: string;
                /**
                 * @default sub
                 * @enum {string}
                 */
                scope?: "sub" | "one";
            })[];
            /** @default {} */
            attributes?: {
                /** @description The store username. Locked after the first sync (`USERNAME_ATTRIBUTE_LOCKED`): changing it would re-key every user. */
                username?: string;
                /** @description Up to four attributes imported as username aliases. May change at any time. */
                aliases?: string[];
                /** @description A user's full name. */
                fullName?: string;
                /** @description A user's first (given) name. */
                firstName?: string;
                /** @description A user's last name (surname). */
                lastName?: string;
                /** @description A user's email address. */
                email?: string;
                /** @description Phone attributes, read only when `importPhones` is on. */
                phones?: string[];
                /** @description Read only when `importNotes` is on. */
                notes?: string;
                /** @description A group's name in the store. */
                groupName?: string;
                /** @description The attribute of a group that lists its members' DNs. */
                member?: string;
            };
            provisioning?: {
                /** @description Where idsync creates the users it exports (it must be under `baseDn`). Accounts outside it are never touched, nor any with `adminCount=1` or in Domain Admins, Enterprise Admins, Schema Admins or Administrators (through any nesting): exporting one fails with `PROVISION_PROTECTED`. */
                userContainer: string;
                /** @description Where idsync creates the local groups it exports (under `baseDn`). */
                groupContainer: string;
                /**
                 * @description Which store users are exported: `all-local` (every user created in idsync, none synced from a directory), or `{ groups: [...] }` (the members of these local groups, local or synced). A user who is disabled, in the trash or no longer selected is disabled in the directory, never deleted (deleting the account stays a manual step).
                 * @default all-local
                 */
                users?: "all-local" | {
                    groups: string[];
                };
                /**
                 * @description Which local groups are exported, with their membership kept equal to the store's (members that are not exported users are left out): `all` or a list of names.
                 * @default []
                 */
                groups?: "all" | string[];
                /** @default {} */
                attributes?: {
                    /** @description The attribute that holds the username (renamed with it). It is how a conflict with an unmanaged account is found. */
                    username?: string;
                    /** @description Attributes that hold a user's full name. */
                    fullName?: string[];
                    /** @description A user's first (given) name. Active Directory requires one: a user without it is refused with `PROVISION_INVALID`. */
                    firstName?: string;
                    /** @description A user's last name. Active Directory requires one: a user without it is refused with `PROVISION_INVALID`. */
                    lastName?: string;
                    /** @description A user's email address. */
                    email?: string;
                    /** @description A user's phones: the first phone goes to the first attribute, the second to the second; `[]` exports none. */
                    phones?: string[];
                    /** @description A group's name (besides its RDN). */
                    groupName?: string;
                    /** @description A group's description. */
                    groupDescription?: string;
                };
                /** @description Active Directory: the suffix of the `userPrincipalName` written beside `sAMAccountName` (`username@upnSuffix`). It must be one of the forest's UPN suffixes. */
                upnSuffix?: string;
                /**
                 * @description Export the passwords set in idsync (`idsync users password`). The directory hashes them by its own policy; idsync keeps only an argon2id verifier, and a password waits for delivery sealed with `api.secretsKey`. Active Directory takes passwords only over `ldaps` or `starttls`. With `false`, a new Active Directory account gets no password, and enabling it fails where the domain requires one.
                 * @default true
                 */
                passwords?: boolean;
                /** @description OpenLDAP only: the server hashes a clear `userPassword` written in an add (slapo-ppolicy `olcPPolicyHashCleartext: TRUE`), so a new user is created with its password in one add instead of an add and a Password Modify operation: half the writes, the cost of `ldapadd`. The first new user on each server is read back (Post-Read) to check that the password was stored hashed; if the server kept it as given, idsync re-sets it through Password Modify at once, reports CONFIG_INVALID and stops doing it for that server. Changes of password always use Password Modify. */
                serverHashesPasswords?: boolean;
                disable?: {
                    /** @description OpenLDAP, which has no standard disabled flag: the attribute idsync sets on a disabled user (and removes to enable them). */
                    attribute: string;
                    /** @description The value it is set to. The default `000001010000Z` locks a ppolicy account until the attribute is removed. */
                    value: string;
                };
            };
            /**
             * @description Import phones, normalised to E.164; an extension written `x890` or `ext. 890` is kept apart. A number without `+` and country code is skipped with a warning unless `defaultCountry` is set. When off, phones in the store are left as they are.
             * @default false
             */
            importPhones?: boolean;
            /** @default {} */
            enrollment?: {
                /**
                 * @description Send each new or newly active user of this directory an enrollment email for a second factor (issue 15; needs `smtp` and `api.publicUrl`): active users with a valid email address and no authenticator, and with `importPhones` only those without a phone. Reminders 2 and 10 days later; an expired link (30 days) is replaced at the next sync. See docs/enrollment.md.
                 * @default false
                 */
                email?: boolean;
            };
            /**
             * @description Import notes. When off, notes in the store are left as they are.
             * @default false
             */
            importNotes?: boolean;
            /**
             * @description OpenLDAP only (issue 14): read each synced user's `userPassword` and keep the hash as it is, so `POST /api/v1/auth/verify` checks the directory password. Schemes: `{SSHA}`, `{SSHA256}`, `{SSHA512}`, `{CRYPT}` `$5$`/`$6$`/`$2b$`, `{PBKDF2-SHA256}` (and SHA1/SHA512), `{ARGON2}`; cleartext and other schemes are reported per user, never imported; ppolicy `pwdReset: TRUE` is FilteredByTarget. The bind must be allowed to read `userPassword` (docs/password-hash-sync.md). Not through an agent: the agent never lets a password attribute through.
             * @default false
             */
            importPasswordHashes?: boolean;
            /** @description ISO 3166 country for phone numbers written without a country code. */
            defaultCountry?: string;
            /**
             * @description Entries per page of a paged search (RFC 2696). Servers may cap it (AD: 1000). Memory follows the page size, not the directory size.
             * @default 1000
             */
            pageSize?: number;
            /** @default {} */
            limits?: {
                /**
                 * @description The largest single LDAP message (one entry) idsync accepts, 1–256. A larger one is refused from its header, before it is read, with `DIRECTORY_LIMIT_EXCEEDED`. About 20 MB holds a group of 300,000 members listed in one entry (OpenLDAP; Active Directory sends large groups in ranges). Decoding costs several times the message in memory.
                 * @default 32
                 */
                maxMessageMB?: number;
                /** @description The most entries one page of a search may hold. RFC 2696 lets a server send fewer than asked, never more; more is a broken server (or one without paging that answers a whole search at once) and fails with `DIRECTORY_LIMIT_EXCEEDED`. */
                maxPageEntries?: number;
            };
            /** @description Values per chunk when reading large `member` attributes with range retrieval (MS-ADTS 3.1.1.3.1.3.3). Windows caps at 1500. */
            memberRangeSize?: number;
            /**
             * @description A user who leaves scope is disabled and put in the trash; after this many days they are deleted from the store. A user who comes back before then is restored with the same identity.
             * @default 7
             */
            trashDays?: number;
            /** @default {} */
            continuous?: {
                /**
                 * @description How `idsync serve` learns about changes between full syncs. OpenLDAP: `content-sync` (RFC 4533 refreshAndPersist: changes are pushed; needs the syncprov overlay), `content-sync-poll` (RFC 4533 refreshOnly, polled), `timestamp` (poll `modifyTimestamp`; for servers without syncprov, deletions are reconciled by the full sync). Active Directory: `dirsync` (DirSync with incremental values, woken by change notifications; needs "Replicating Directory Changes"), `usn` (uSNChanged polling plus the Deleted Objects container). `auto` picks the first that works; `off` runs full syncs only.
                 * @default auto
                 * @enum {string}
                 */
                changes?: "auto" | "content-sync" | "content-sync-poll" | "timestamp" | "dirsync" | "usn" | "off";
                /**
                 * @description Interval of polling sources, and of the safety poll beside push and notifications. On Active Directory each poll first reads the DC's `highestCommittedUSN` (one root DSE read) and runs DirSync only when it moved, so an idle poll costs the same however large the domain.
                 * @default 5
                 */
                pollSeconds?: number;
                /**
                 * @description Active Directory: apply changed users and groups at once, found by a `highestCommittedUSN` probe every 50 ms and by change notifications (LDAP_SERVER_NOTIFICATION_OID), instead of waiting for the next poll; DirSync still confirms every change and carries deletions. `false`: DirSync on the poll only.
                 * @default true
                 */
                notifications?: boolean;
                /**
                 * @description `idsync serve` runs a full sync this often, the first one at a random moment within the interval (spreading directories over the day), to reconcile what change tracking cannot see.
                 * @default 24
                 */
                fullSyncHours?: number;
            };
            /** @default {} */
            safeguard?: {
                /**
                 * @description Hold removals (disables and moves to the trash) over the limits below until an administrator approves them (`idsync approvals`, `idsync approve RUN`, `idsync reject RUN`). Held users stay active and keep their group memberships until the run is approved; everything else in the run is applied. A full sync whose `filters.user` matches no entry at all while the store holds users of the directory holds every removal, whatever the limits (a mistyped filter or base DN, or a bind account that no longer sees the users, is far likelier than a directory emptied on purpose; approve the run if it was). `false` turns off every hold, that one included. See [held removals](#held-removals).
                 * @default true
                 */
                enabled?: boolean;
                /**
                 * @description Hold when a run would remove more than this many users. `null` turns the count limit off.
                 * @default 10
                 */
                maxRemovals?: number | null;
                /**
                 * @description Hold when a run would remove more than this percentage of the directory's users in the store (never for a single user). `null` turns it off.
                 * @default 25
                 */
                maxRemovalPercent?: number | null;
            };
            bind?: {
                dn: string;
                /** @description Write-only. Required when creating; when updating, omit it to keep the stored one. */
                password?: string;
            };
        };
        Directory: {
            name: string;
            /** @enum {string} */
            type: "active-directory" | "openldap";
            /**
             * @description `file`: defined in the configuration file, read-only here.
             * @enum {string}
             */
            managedBy: "file" | "api";
            servers: string[];
            /**
             * @description `agent`: reached through an on-premises agent (`servers` is then `agent://NAME`).
             * @enum {string}
             */
            transport: "ldaps" | "starttls" | "clear" | "agent";
            verifyHostname: boolean;
            customCa: boolean;
            bind: {
                dn: string;
                passwordSet: boolean;
            } | null;
            baseDn: string;
            filters: {
                user: string;
                group: string;
                container: string;
            };
            disabledFilter: string | null;
            syncItems: ({
                group: string;
            } | {
                container: string;
                filter?: string;
                /** @enum {string} */
                scope: "sub" | "one";
            })[];
            attributes: {
                /** @description The store username. Locked after the first sync (`USERNAME_ATTRIBUTE_LOCKED`): changing it would re-key every user. */
                username: string;
                /** @description Up to four attributes imported as username aliases. May change at any time. */
                aliases: string[];
                /** @description A user's full name. */
                fullName: string;
                /** @description A user's first (given) name. */
                firstName: string;
                /** @description A user's last name (surname). */
                lastName: string;
                /** @description A user's email address. */
                email: string;
                /** @description Phone attributes, read only when `importPhones` is on. */
                phones: string[];
                /** @description Read only when `importNotes` is on. */
                notes: string;
                /** @description A group's name in the store. */
                groupName: string;
                /** @description The attribute of a group that lists its members' DNs. */
                member: string[];
            };
            importPhones: boolean;
            importNotes: boolean;
            importPasswordHashes: boolean;
            defaultCountry: string | null;
            pageSize: number;
            memberRangeSize: number | null;
            trashDays: number;
            timeouts: {
                connectMs: number;
                operationMs: number;
            };
            continuous: {
                changes: string;
                pollSeconds: number;
                notifications: boolean;
                fullSyncHours: number;
            };
            safeguard: {
                enabled: boolean;
                maxRemovals: number | null;
                maxRemovalPercent: number | null;
            };
            provisioning: {
                userContainer: string;
                groupContainer: string;
                users: "all-local" | {
                    groups: string[];
                };
                groups: "all" | string[];
                /** @description The export map: store field → directory attribute(s). */
                attributes: {
                    [key: string]: string | string[];
                };
                passwords: boolean;
                upnSuffix: string | null;
                disable: {
                    attribute: string;
                    value: string;
                } | null;
            } | null;
            warnings: string[];
            /** @description The directory has synced: attributes.username can no longer change. */
            usernameLocked: boolean;
            firstSyncedAt: string | null;
            status: {
                lastRun: {
                    id: number;
                    kind: string;
                    status: string;
                    startedAt: string;
                    finishedAt: string | null;
                    errorCode: string | null;
                } | null;
                mode: string | null;
                connected: boolean;
                server: string | null;
                message: string | null;
                lastAppliedAt: string | null;
                lagMs: number | null;
                lastFullSyncAt: string | null;
                nextFullSyncAt: string | null;
                lastError: string | null;
            };
            config?: components["schemas"]["DirectoryInput"];
            updatedAt?: string;
            updatedBy?: string | null;
        };
        ConnectionTest: {
            ok: boolean;
            servers: {
                url: string;
                ok: boolean;
                ms: number;
                transport: string;
                message: string;
                code?: string;
            }[];
            warnings: string[];
        };
        GroupSearch: {
            groups: {
                dn: string;
                name: string;
            }[];
            /** @description More groups match than `limit`: narrow the search. */
            truncated: boolean;
        };
        RunReport: {
            runId?: number;
            directory: string;
            /** @enum {string} */
            kind: "full" | "user" | "incremental";
            dryRun: boolean;
            /** @enum {string} */
            status: "succeeded" | "failed";
            server?: string;
            attempts: {
                url: string;
                ok: boolean;
                ms: number;
                error?: {
                    code: string;
                    message: string;
                };
            }[];
            counts: {
                [key: string]: number;
            };
            /** @description A dry run lists every planned change; a real run the first 1,000 changes (all are in the run's objects). */
            changes: {
                /** @enum {string} */
                objectType: "user" | "group";
                name: string;
                externalId?: string;
                userId?: number;
                outcome: string;
                reason?: string;
                attributes?: {
                    [key: string]: {
                        before?: unknown;
                        after?: unknown;
                    };
                };
                item?: string;
                warnings?: string[];
            }[];
            warnings: string[];
            heldForApproval?: {
                runId?: number;
                count: number;
                threshold: string;
            };
            error?: {
                code: string;
                message: string;
            };
            durationMs: number;
        };
        SyncStarted: {
            directory: string;
            /** @description The run, once it has started; null while it waits behind other work of the directory. */
            runId: number | null;
            /** @enum {string} */
            state: "running" | "finished" | "failed" | "queued";
        };
        Run: {
            id: number;
            directory: string;
            kind: string;
            /** @enum {string} */
            status: "running" | "succeeded" | "failed" | "interrupted";
            startedAt: string;
            finishedAt: string | null;
            durationMs: number | null;
            counts: {
                [key: string]: number;
            };
            server: string | null;
            error: string | null;
            errorCode: string | null;
            warnings: string[];
            attempts: {
                url: string;
                ok: boolean;
                ms: number;
                error?: {
                    code: string;
                    message: string;
                };
            }[];
            /** @description pending, approved, rejected or superseded when the run held removals. */
            approval: string | null;
        };
        RunObject: {
            objectType: string;
            name: string;
            externalId: string | null;
            outcome: string;
            reason?: string;
            attributes?: {
                [key: string]: {
                    before?: unknown;
                    after?: unknown;
                };
            };
            item?: string;
            warnings?: string[];
        };
        /** @description The removal of this user that the safeguard holds for approval, or null. A held user stays active and keeps their groups until the run is approved or rejected; a single-user sync leaves them as they are. */
        HeldRemoval: {
            /** @description The run whose removals are held; approve or reject it (POST /api/v1/approvals/{runId}/approve or /reject). */
            runId: number;
            /** @description When the run held them. */
            since: string;
            /**
             * @description What approving the run does to this user.
             * @enum {string}
             */
            action: "disable" | "trash";
            reason: string;
        } | null;
        UserSummary: {
            username: string;
            /** @enum {string} */
            status: "active" | "disabled" | "trashed";
            statusReason: string | null;
            /** @description The directory that owns the user; null for a local user. */
            directory: string | null;
            fullName: string | null;
            email: string | null;
            syncItem: string | null;
            deleteAfter: string | null;
            updatedAt: string;
            heldRemoval: components["schemas"]["HeldRemoval"];
        };
        /** @description The export state of an object at one provisioning target. */
        ExportState: {
            directory: string;
            /** @enum {string} */
            state: "pending" | "exported" | "failed" | "conflict";
            targetDn: string | null;
            code: string | null;
            reason: string | null;
            updatedAt: string;
        };
        UserDetail: {
            username: string;
            status: string;
            statusReason: string | null;
            directory: string | null;
            externalId: string | null;
            dn: string | null;
            /** @description The sync item that brought the user in. */
            syncItem: string | null;
            trashedAt: string | null;
            deleteAfter: string | null;
            groups: string[];
            heldRemoval: components["schemas"]["HeldRemoval"];
            attributes: {
                [key: string]: unknown;
            };
            history: {
                runId: number;
                startedAt: string;
                outcome: string;
                reason?: string;
                attributes?: {
                    [key: string]: {
                        before?: unknown;
                        after?: unknown;
                    };
                };
            }[];
            /** @description Fields PATCH may change: none for a user a directory owns. */
            editableFields: string[];
            /** @description The local groups (made in idsync, /api/v1/local-groups) the user is in, by name. */
            localGroups: string[];
            /** @description When an administrator last set the password of this local user (PUT …/password); null when never. The password is never shown. */
            passwordSetAt: string | null;
            /** @description The user's export state at each provisioning target (issue 12). */
            exports: components["schemas"]["ExportState"][];
        };
        UserPatch: {
            username?: string;
            fullName?: string | null;
            firstName?: string | null;
            lastName?: string | null;
            email?: string | null;
            notes?: string | null;
            /** @enum {string} */
            status?: "active" | "disabled";
            aliases?: string[];
            phones?: string[];
        };
        PasswordSet: {
            username: string;
            passwordSetAt: string;
        };
        Group: {
            id: number;
            name: string;
            directory: string;
            dn: string;
            externalId: string;
            memberCount: number;
            updatedAt: string;
        };
        GroupMemberPaths: {
            group: string;
            paths: {
                username: string;
                /** @description The groups from this group down to the user, this group first: ["Engineering", "Backend"] means Engineering holds Backend, which holds the user. Empty when the directory no longer lists the user under it. */
                path: string[];
            }[];
        };
        LocalGroup: {
            id: number;
            name: string;
            description: string | null;
            memberCount: number;
            createdAt: string;
            updatedAt: string;
        };
        LocalGroupDetail: components["schemas"]["LocalGroup"] & {
            members: {
                username: string;
                status: string;
                /** @description The directory that owns the member; null for a local user. */
                directory: string | null;
            }[];
            exports: components["schemas"]["ExportState"][];
        };
        Adopted: {
            username: string;
            directory: string;
            targetDn: string;
        };
        TrashedUser: {
            username: string;
            directory: string | null;
            statusReason: string | null;
            trashedAt: string | null;
            /** @description When the next sync of its directory deletes the user for good. */
            deleteAfter: string | null;
            /** @description Whether POST …/restore is allowed: only when no configured directory owns the user. */
            restorable: boolean;
        };
        Approval: {
            runId: number;
            directory: string;
            status: string;
            count: number;
            /**
             * @description The limit the removals went over, in words; null for approvals held before idsync stored it.
             * @example more than 10 users or more than 25% of 400 users
             */
            threshold: string | null;
            createdAt: string;
            decidedAt: string | null;
            users: {
                username: string;
                action: string;
                reason: string;
            }[];
        };
        AuditEntry: {
            id: number;
            at: string;
            /**
             * @description `cli`: idsync admin on the machine itself; the actor is the system user.
             * @enum {string}
             */
            actorType: "admin" | "token" | "anonymous" | "cli";
            actor: string | null;
            ip: string | null;
            userAgent: string | null;
            /** @description The operationId of the request (login, createDirectory, approveRemovals, …). */
            action: string;
            method: string;
            path: string;
            target: string | null;
            status: number;
            /** @enum {string} */
            outcome: "success" | "failure";
            detail: {
                [key: string]: unknown;
            } | null;
        };
        /** @description Its channel to this idsync serve, when connected. */
        AgentConnection: {
            address: string | null;
            version: string;
            protocol: number;
            connectedAt: string;
            lastHeartbeatAt: string | null;
            /** @description Round-trip time of the last heartbeat. */
            rttMs: number | null;
            /** @description The directories the agent says it serves. */
            directories: string[];
            /** @description The directories whose LDAP sessions it carries (it is their primary agent). */
            primaryFor: string[];
            /** @description The directories configured with it whose primary is another agent: it takes over when that one fails. */
            standbyFor: string[];
            /** @description LDAP sessions of the hub open through it now. */
            tunnels: number;
        } | null;
        Agent: {
            name: string;
            createdAt: string;
            createdBy: string | null;
            /**
             * @description `waiting`: the connect key has not been used yet; `expired`: nor can it be any more.
             * @enum {string}
             */
            state: "waiting" | "enrolled" | "expired" | "revoked";
            connectKeyExpiresAt: string | null;
            enrolledAt: string | null;
            integrationKey: string | null;
            revokedAt: string | null;
            lastSeenAt: string | null;
            lastAddress: string | null;
            version: string | null;
            /** @description As recorded in the store by the idsync serve that holds its channel. */
            connectedSince: string | null;
            lastHeartbeatAt: string | null;
            rttMs: number | null;
            directories: string[];
            /** @description As recorded in the store: the directories it is the primary agent for. */
            primaryFor: string[];
            connection: components["schemas"]["AgentConnection"];
        };
        AgentCredentials: {
            name: string;
            integrationKey: string;
            secretKey: string;
        };
        Node: {
            /** @description The name and a random part: a node restarted is a new row. */
            id: string;
            name: string;
            host: string;
            pid: number;
            /** @description The idsync version it runs (two differ during a rolling upgrade). */
            version: string;
            /** @description Its admin API address, when it serves one. */
            api: string | null;
            startedAt: string;
            heartbeatAt: string;
            /** @description PostgreSQL: its advisory lock is held (its connection is open); SQLite: a recent heartbeat. */
            alive: boolean;
            /** @description The directories whose lease it holds: it runs their workers. */
            directories: string[];
        };
        NodeLease: {
            directory: string;
            /** @description The node holding it; null when written by a version before the nodes (migration 0021). */
            node: string | null;
            host: string;
            pid: number;
            held: boolean;
            since: string;
            heartbeatAt: string;
        };
        SecondFactorDecision: {
            /** @enum {string} */
            decision: "allow" | "deny";
            /**
             * @description allow: `bypass` (the user or one of their groups skips the second factor) or `verified`; deny: `not_enrolled`, `disabled` (the user), `disabled_by_group`, `locked_out`, `bad_code`, `replayed_code` (a TOTP code already used in its time step), `factor_required` (no factor was given; `factors` says which the user has), `unknown_user`.
             * @enum {string}
             */
            reason: "bypass" | "verified" | "unknown_user" | "disabled" | "disabled_by_group" | "locked_out" | "not_enrolled" | "factor_required" | "bad_code" | "replayed_code";
            user: {
                id: number;
                username: string;
            } | null;
            /** @enum {string} */
            method?: "totp" | "recovery" | "webauthn";
            factors?: ("totp" | "recovery" | "webauthn")[];
            /**
             * @description Present when a password was given (a wrong one is 401 AUTH_FAILED, as without a factor).
             * @enum {string}
             */
            password?: "valid";
        };
        /** @description Issue 15: the second factor. `none` asks what applies (bypass, or which factors the user has); `totp` a current code; `recovery` a one-time recovery code; `webauthn` an assertion on a challenge. */
        SecondFactorInput: {
            /** @enum {string} */
            type: "none";
        } | {
            /** @enum {string} */
            type: "totp";
            code: string;
        } | {
            /** @enum {string} */
            type: "recovery";
            code: string;
        } | {
            /** @enum {string} */
            type: "webauthn";
            /** @description From POST /api/v1/auth/verify/webauthn/challenge. */
            challengeId: string;
            /** @description AuthenticationResponseJSON from navigator.credentials.get() (@simplewebauthn/browser). */
            response: {
                [key: string]: unknown;
            };
        };
        PasswordSyncStatus: {
            directory: string;
            externalId: string;
            /** @description The name the source reported (sAMAccountName). */
            username: string;
            userId: number | null;
            /** @description `agent:NAME` (password hash sync), `ldap:userPassword` (an OpenLDAP hash imported at the hub), or `none` (SourceConnectorNotPresent). */
            source: string;
            /** @enum {string} */
            status: "Success" | "FilteredByTarget" | "NoTargetConnection" | "SourceConnectorNotPresent" | "Failed";
            reason: string | null;
            changedAt: string | null;
            updatedAt: string;
            /** @description The KDF or scheme and its parameters (`argon2id m=19456,t=2,p=1`, `CRYPT $6$ rounds=5000`); never the verifier or the hash. */
            kdf: string | null;
            attempts?: {
                status: string;
                reason: string | null;
                at: string;
            }[];
        };
        UserSecondFactor: {
            username: string;
            /**
             * @description The user's own status (set by an administrator, or by a lockout).
             * @enum {string}
             */
            status: "active" | "bypass" | "disabled" | "locked_out";
            /**
             * @description What verification applies: the directory, the groups and the user's own status together ("disabled wins over bypass").
             * @enum {string}
             */
            effectiveStatus: "active" | "bypass" | "disabled" | "disabled_by_group" | "locked_out";
            /** @description Failed second-factor attempts since the last success. */
            failures: number;
            /** @description When an automatic lockout ends; null while locked out until an administrator unlocks. */
            lockedUntil: string | null;
            authenticators: {
                id: number;
                /** @enum {string} */
                kind: "totp" | "webauthn";
                label: string;
                createdAt: string;
                lastUsedAt: string | null;
            }[];
            recoveryCodesLeft: number;
        };
        EnrolledAuthenticator: {
            id: number;
            /** @enum {string} */
            kind: "totp" | "webauthn";
            label: string;
            createdAt: string;
        };
        PendingEnrollment: {
            linkId: number;
            userId: number;
            username: string;
            fullName: string | null;
            email: string | null;
            directory: string | null;
            createdAt: string;
            /** @description When the link stops working; the next sync after it sends a new one. */
            expiresAt: string;
            firstSentAt: string | null;
            lastSentAt: string | null;
            remindersSent: number;
            resends: number;
            /** @description The state of the link's latest email: pending, sent, failed or cancelled. */
            mailState: string | null;
            /** @description That email's last error, e.g. the SMTP server's answer. */
            mailError: string | null;
        };
        MailMessage: {
            id: number;
            /** @description `enrollment`, `alert` or `test`. */
            kind: string;
            /** @description `email` or `webhook`. */
            channel: string;
            template: string | null;
            event: string | null;
            recipient: string;
            subject: string | null;
            /** @enum {string} */
            state: "pending" | "sent" | "failed" | "cancelled";
            attempts: number;
            nextAttemptAt: string;
            lastAttemptAt: string | null;
            lastError: string | null;
            createdAt: string;
            sentAt: string | null;
        };
        MailTemplate: {
            subject: string;
            text: string;
            html: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Logged in; the session cookie is set. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResult"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many failures; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out (a no-op for API tokens). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        kind: "admin" | "token";
                        name: string;
                        /** @enum {string} */
                        role: "owner" | "administrator" | "user_manager" | "read_only";
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    changeOwnPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    /** @description At least 12 characters. */
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSetup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Setup state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        needed: boolean;
                        allowedHere: boolean;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                    /** @description At least 12 characters. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description The owner is created and logged in. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResult"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `SETUP_UNAVAILABLE`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAdmins: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Admins. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Admin"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createAdmin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                    /** @enum {string} */
                    role: "owner" | "administrator" | "user_manager" | "read_only";
                    /** @description At least 12 characters. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Admin"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteAdmin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such admin. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The last owner. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tokens, revoked ones included. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiToken"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /**
                     * @description An admin role, or the scope `verify`: POST /api/v1/auth/verify only, nothing else (issue 14).
                     * @enum {string}
                     */
                    role: "owner" | "administrator" | "user_manager" | "read_only" | "verify";
                    /**
                     * Format: date-time
                     * @description ISO 8601; no expiry when omitted.
                     */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"] & {
                        /** @description The token. It cannot be read again. */
                        token: string;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such token. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateAdminRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    role: "owner" | "administrator" | "user_manager" | "read_only";
                };
            };
        };
        responses: {
            /** @description The admin with the new role. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Admin"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such admin. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The last owner. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resetAdminPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description At least 12 characters. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Set; their sessions have ended. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such admin. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listDirectoryTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every directory type. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DirectoryType"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listDirectories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Directories. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Directory"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createDirectory: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DirectoryInput"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Directory"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`, `CONFIG_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The name is taken. Codes: `STORE_CONFLICT`, `USERNAME_ATTRIBUTE_LOCKED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDirectory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The directory. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Directory"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateDirectory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DirectoryInput"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Directory"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`, `CONFIG_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description File-managed, or the username attribute is locked. Codes: `DIRECTORY_MANAGED_BY_FILE`, `USERNAME_ATTRIBUTE_LOCKED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteDirectory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Defined in the configuration file. Codes: `DIRECTORY_MANAGED_BY_FILE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testDirectory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One check per server; `ok` when all pass. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionTest"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    searchDirectoryGroups: {
        parameters: {
            query?: {
                search?: string;
                limit?: number;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Matching groups, by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupSearch"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testDirectoryDraft: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DirectoryInput"];
            };
        };
        responses: {
            /** @description One check per server. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionTest"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    searchDraftGroups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    directory: components["schemas"]["DirectoryInput"];
                    /** @default  */
                    search?: string;
                    /** @default 50 */
                    limit?: number;
                };
            };
        };
        responses: {
            /** @description Matching groups, by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupSearch"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    dryRunDirectoryDraft: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DirectoryInput"];
            };
        };
        responses: {
            /** @description The plan. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunReport"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`, `CONFIG_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    syncDirectory: {
        parameters: {
            query?: {
                wait?: "true" | "false" | "1" | "0";
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With wait=true: the finished run. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunReport"];
                };
            };
            /** @description Started (or queued). */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncStarted"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `SYNC_ALREADY_RUNNING`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    syncUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                };
            };
        };
        responses: {
            /** @description The finished run. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunReport"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory, or the user is neither in scope nor in the store. Codes: `UNKNOWN_DIRECTORY`, `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `SYNC_ALREADY_RUNNING`, `APPROVAL_NOT_PENDING`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    dryRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The plan. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunReport"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such directory. Codes: `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: {
                directory?: string;
                status?: "running" | "succeeded" | "failed" | "interrupted";
                kind?: "full" | "user" | "incremental";
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Run"][];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRun: {
        parameters: {
            query?: {
                outcome?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run: components["schemas"]["Run"];
                        objects: components["schemas"]["RunObject"][];
                        totalObjects: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such run. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                search?: string;
                status?: "active" | "disabled" | "trashed";
                directory?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["UserSummary"][];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createLocalUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                    email?: string;
                    fullName?: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The username is taken. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserPatch"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A directory owns the field. Codes: `STORE_ATTRIBUTE_OWNED`, `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setUserPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description At least 12 characters. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Set. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasswordSet"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A directory owns the user. Codes: `STORE_ATTRIBUTE_OWNED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listGroups: {
        parameters: {
            query?: {
                search?: string;
                directory?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of groups. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Group"][];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getGroup: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        name: string;
                        directory: string;
                        dn: string;
                        externalId: string;
                        updatedAt: string;
                        members: {
                            username: string;
                            status: string;
                        }[];
                        totalMembers: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such group. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getGroupMemberPaths: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A path per member. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupMemberPaths"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such group. Codes: `STORE_NOT_FOUND`, `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `DIRECTORY_MISCONFIGURED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_TLS`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_OPERATION_FAILED`, `DIRECTORY_PROTOCOL`, `DIRECTORY_LIMIT_EXCEEDED`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server did not answer in time. Codes: `DIRECTORY_TIMEOUT`. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listLocalGroups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every local group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["LocalGroup"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createLocalGroup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    description?: string | null;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalGroupDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The name is taken. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getLocalGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalGroupDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such local group. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteLocalGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such local group. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateLocalGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    description?: string | null;
                };
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalGroupDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such local group. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The new name is taken. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    addLocalGroupMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    usernames: string[];
                };
            };
        };
        responses: {
            /** @description The group, with its members. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalGroupDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such local group or user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeLocalGroupMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group, with its members. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalGroupDetail"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such local group or user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    adoptUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    directory: string;
                };
            };
        };
        responses: {
            /** @description Adopted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Adopted"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such user, directory or account. Codes: `STORE_NOT_FOUND`, `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The account is one idsync must never touch. Codes: `PROVISION_PROTECTED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory server failed or refused. Codes: `DIRECTORY_UNREACHABLE`, `DIRECTORY_BIND_FAILED`, `DIRECTORY_TLS`. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTrash: {
        parameters: {
            query?: {
                directory?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of trashed users. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["TrashedUser"][];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    restoreUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Restored as a local user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        username: string;
                        /** @enum {string} */
                        status: "active";
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not in the trash, or a configured directory owns the user. Codes: `RESTORE_NOT_ALLOWED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    purgeUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such user. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not in the trash. Codes: `RESTORE_NOT_ALLOWED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listApprovals: {
        parameters: {
            query?: {
                all?: "true" | "false" | "1" | "0";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Held removals, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Approval"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    approveRemovals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                runId: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Decided. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        runId: number;
                        /** @enum {string} */
                        decision: "approve" | "reject";
                        applied: number;
                        skipped: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such run, or it held nothing. Codes: `STORE_NOT_FOUND`, `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Already decided or superseded. Codes: `APPROVAL_NOT_PENDING`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rejectRemovals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                runId: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Decided. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        runId: number;
                        /** @enum {string} */
                        decision: "approve" | "reject";
                        applied: number;
                        skipped: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such run, or it held nothing. Codes: `STORE_NOT_FOUND`, `UNKNOWN_DIRECTORY`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Already decided or superseded. Codes: `APPROVAL_NOT_PENDING`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAudit: {
        parameters: {
            query?: {
                actor?: string;
                action?: string;
                outcome?: "success" | "failure";
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEntry"][];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listAgents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Agents, revoked ones included. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Agent"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createAgent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"] & {
                        /** @description The one-time connect key. It cannot be read again. */
                        connectKey: string;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`, `USAGE`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `STORE_CONFLICT`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (it stays listed). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `AGENT_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollAgent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    connectKey: string;
                };
            };
        };
        responses: {
            /** @description Enrolled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentCredentials"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AGENT_KEY_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `AGENT_KEY_USED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An error. Codes: `AGENT_KEY_EXPIRED`. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listNodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Nodes (those gone stay listed for ten minutes) and leases. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The name of the node that answered. */
                        self: string;
                        nodes: components["schemas"]["Node"][];
                        leases: components["schemas"]["NodeLease"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verifyPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A username or one of its aliases (case-insensitive). */
                    username: string;
                    /** @description Checked first when given; required without `secondFactor`. */
                    password?: string;
                    secondFactor?: components["schemas"]["SecondFactorInput"];
                };
            };
        };
        responses: {
            /** @description Without `secondFactor`: the password matches. With it: the decision. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        valid: true;
                        user: {
                            id: number;
                            username: string;
                        };
                    } | components["schemas"]["SecondFactorDecision"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verifyWebauthnChallenge: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                };
            };
        };
        responses: {
            /** @description The challenge, or nulls. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        challengeId: string | null;
                        /** @description PublicKeyCredentialRequestOptionsJSON */
                        options: {
                            [key: string]: unknown;
                        } | null;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`, `CONFIG_INVALID`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listPasswordSync: {
        parameters: {
            query?: {
                username?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One row per user of each password source. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["PasswordSyncStatus"][];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resyncPasswords: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    directory?: string;
                };
            };
        };
        responses: {
            /** @description The agents asked (connected ones only). */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agents: string[];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getUserSecondFactor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserSecondFactor"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setUserFactorStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "active" | "bypass" | "disabled" | "locked_out";
                };
            };
        };
        responses: {
            /** @description The user, as now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserSecondFactor"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `STORE_ATTRIBUTE_OWNED`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeAuthenticator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listGroupFactorStatuses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The groups. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @enum {string} */
                            kind: "synced" | "local";
                            groupId: number;
                            name: string;
                            /** @enum {string} */
                            status: "active" | "bypass" | "disabled";
                            updatedAt: string;
                            updatedBy: string | null;
                        }[];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setGroupFactorStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "active" | "bypass" | "disabled";
                };
            };
        };
        responses: {
            /** @description The group, as now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        kind: "synced" | "local";
                        groupId: number;
                        name: string;
                        /** @enum {string} */
                        status: "active" | "bypass" | "disabled";
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    setLocalGroupFactorStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "active" | "bypass" | "disabled";
                };
            };
        };
        responses: {
            /** @description The group, as now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        kind: "synced" | "local";
                        groupId: number;
                        name: string;
                        /** @enum {string} */
                        status: "active" | "bypass" | "disabled";
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollStart: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The enrollment link's token (the part of the link after `#`). */
                    token: string;
                };
            };
        };
        responses: {
            /** @description The link is valid. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        username: string;
                        fullName: string | null;
                        linkExpiresAt: string;
                        authenticators: components["schemas"]["EnrolledAuthenticator"][];
                        /** @description Whether passkeys can be enrolled here (api.publicUrl is set). */
                        passkeys: boolean;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `ENROLLMENT_LINK_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollTotpBegin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The enrollment link's token (the part of the link after `#`). */
                    token: string;
                };
            };
        };
        responses: {
            /** @description The secret, for this user only: it is not stored in clear and never shown again. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        pendingId: string;
                        secret: string;
                        otpauthUrl: string;
                        qrDataUrl: string;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `ENROLLMENT_LINK_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollTotpConfirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The enrollment link's token (the part of the link after `#`). */
                    token: string;
                    pendingId: string;
                    code: string;
                    /** @description A name for the authenticator ("Work phone"); a default otherwise. */
                    label?: string;
                };
            };
        };
        responses: {
            /** @description Enrolled. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        authenticator: components["schemas"]["EnrolledAuthenticator"];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `ENROLLMENT_LINK_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `ENROLLMENT_FACTOR_REJECTED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollWebauthnOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The enrollment link's token (the part of the link after `#`). */
                    token: string;
                };
            };
        };
        responses: {
            /** @description The challenge is kept 15 minutes, for one registration. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        pendingId: string;
                        /** @description PublicKeyCredentialCreationOptionsJSON */
                        options: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `ENROLLMENT_LINK_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `ENROLLMENT_INCOMPLETE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollWebauthnRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The enrollment link's token (the part of the link after `#`). */
                    token: string;
                    pendingId: string;
                    /** @description RegistrationResponseJSON, as @simplewebauthn/browser gives it */
                    response: {
                        [key: string]: unknown;
                    };
                    /** @description A name for the authenticator ("Work phone"); a default otherwise. */
                    label?: string;
                };
            };
        };
        responses: {
            /** @description Enrolled. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        authenticator: components["schemas"]["EnrolledAuthenticator"];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `ENROLLMENT_LINK_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `ENROLLMENT_INCOMPLETE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `ENROLLMENT_FACTOR_REJECTED`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    enrollFinish: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The enrollment link's token (the part of the link after `#`). */
                    token: string;
                };
            };
        };
        responses: {
            /** @description Shown once: only their keyed hashes are kept. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recoveryCodes: string[];
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `ENROLLMENT_LINK_INVALID`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `ENROLLMENT_INCOMPLETE`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; see Retry-After. Codes: `RATE_LIMITED`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listEnrollments: {
        parameters: {
            query?: {
                search?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of pending enrollments, oldest link first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["PendingEnrollment"][];
                        total: number;
                        limit: number;
                        offset: number;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resendEnrollment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued in the outbox. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        username: string;
                        messageId: number;
                        expiresAt: string;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state. Codes: `ENROLLMENT_NOT_PENDING`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listMailOutbox: {
        parameters: {
            query?: {
                state?: "pending" | "sent" | "failed" | "cancelled";
                kind?: "enrollment" | "alert" | "test";
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of messages, newest first, and the count in each state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MailMessage"][];
                        total: number;
                        limit: number;
                        offset: number;
                        counts: {
                            pending: number;
                            sent: number;
                            failed: number;
                            cancelled: number;
                        };
                        /** @description Whether an `smtp` section is configured; without it emails wait in the outbox. */
                        smtpConfigured: boolean;
                        webhookConfigured: boolean;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    retryMail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Due now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MailMessage"];
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found. Codes: `STORE_NOT_FOUND`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMailTemplates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The templates in use (`custom`: edited, otherwise the built-in text). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        placeholders: string[];
                        templates: {
                            enrollment: components["schemas"]["MailTemplate"] & {
                                custom: boolean;
                            };
                            reminder: components["schemas"]["MailTemplate"] & {
                                custom: boolean;
                            };
                        };
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateMailTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: "enrollment" | "reminder";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MailTemplate"] | {
                    /** @enum {boolean} */
                    reset: true;
                };
            };
        };
        responses: {
            /** @description The template now in use. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MailTemplate"] & {
                        custom: boolean;
                    };
                };
            };
            /** @description The request is invalid; `field` names the offending part. Codes: `VALIDATION_FAILED`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated. Codes: `AUTH_REQUIRED`, `AUTH_FAILED`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not allowed. Codes: `FORBIDDEN`, `CSRF_FAILED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is larger than `api.maxBodyKb`. Codes: `PAYLOAD_TOO_LARGE`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The directory's configuration cannot work. Codes: `MAIL_TEMPLATE_LINK_MISSING`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description An internal error; the idsync log has the details. Codes: `INTERNAL`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The store is unavailable. Codes: `STORE_UNAVAILABLE`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
