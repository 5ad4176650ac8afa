import { IdsyncError } from '../../errors.js';
import type { DirectoryEntry } from '../entry.js';
import { resultError, toDirectoryEntry, type LdapStream } from './ldap-stream.js';
import type { LdapControl } from './protocol.js';
import type { SearchScope } from './requests.js';
import {
  E_SYNC_REFRESH_REQUIRED,
  SYNC_DONE_OID,
  SYNC_INFO_OID,
  SYNC_STATE_OID,
  decodeSyncDone,
  decodeSyncInfo,
  decodeSyncState,
  syncRequestControl,
  type SyncInfo,
  type SyncMode,
  type SyncState,
  type SyncStateName,
} from './sync-codec.js';

/**
 * RFC 4533 Content Synchronization as a stream of typed events, over one LdapStream search.
 *
 * How a consumer applies them (RFC 4533 section 3):
 * - `entry` with state add/modify: store the entry (all requested attributes are sent). State
 *   `present` (refresh stage only) means "unchanged since your cookie": its attributes are empty
 *   (section 3.3.1), keep what you have.
 * - `delete`: remove the entry with that entryUUID (its DN may already be gone).
 * - `present`: these entryUUIDs still exist unchanged (a syncIdSet, section 2.5).
 * - At the end of a present phase — `phaseEnd`/`refreshDone` with phase 'present', or `done` with
 *   refreshDeletes false — every entry you hold that was neither reported present nor sent as an
 *   entry during this refresh has been deleted. A delete phase reports deletions explicitly.
 * - `cookie` (and the `cookie` field of any event): once everything before it is applied durably,
 *   store it; the next session resumes from it. Never store a cookie ahead of its data.
 * - `refreshRequired` (result 4096, e-syncRefreshRequired, section 2.6): the server cannot resume
 *   from the cookie; drop it and start again without one (a full reload).
 * - refreshOnly ends with `done`; refreshAndPersist sends `refreshDone` and then keeps streaming
 *   changes until the consumer stops iterating or the connection is closed.
 */

export interface ContentSyncOptions {
  base: string;
  scope?: SearchScope;
  filter?: string;
  /** Default: all user attributes. The entryUUID comes in the Sync State control regardless. */
  attributes?: string[];
  mode: SyncMode;
  /** The cookie from a previous session; none for an initial full refresh. */
  cookie?: Buffer;
  /**
   * RFC 4533 section 2.2: when the server cannot resume from the cookie, prefer a full reload to
   * e-syncRefreshRequired (slapd honours it only with olcSpReloadHint set).
   */
  reloadHint?: boolean;
}

export type SyncEvent =
  | { type: 'entry'; state: Exclude<SyncStateName, 'delete'>; uuid: string; dn: string; attributes: DirectoryEntry; cookie?: Buffer }
  | { type: 'delete'; uuid: string; dn?: string; cookie?: Buffer }
  | { type: 'present'; uuids: string[]; cookie?: Buffer }
  | { type: 'phaseEnd'; phase: 'present' | 'delete'; cookie?: Buffer }
  | { type: 'refreshDone'; phase: 'present' | 'delete'; cookie?: Buffer }
  | { type: 'cookie'; cookie: Buffer }
  | { type: 'done'; cookie?: Buffer; refreshDeletes: boolean }
  | { type: 'refreshRequired'; message: string };

function control(controls: LdapControl[], oid: string): LdapControl | undefined {
  return controls.find((c) => c.oid === oid);
}

function malformed(stream: LdapStream, base: string, what: string, err?: unknown): IdsyncError {
  const detail = err instanceof Error ? `: ${err.message}` : '';
  return new IdsyncError('DIRECTORY_OPERATION_FAILED', `${stream.server.url}: content sync under ${base}: ${what}${detail}`, { where: base, cause: err });
}

/**
 * Runs one RFC 4533 sync search on `stream` and yields its events. Leaving the loop early abandons
 * the search (the connection stays usable); a lost connection throws the LdapStream's IdsyncError.
 */
export async function* contentSync(stream: LdapStream, options: ContentSyncOptions): AsyncGenerator<SyncEvent, void, undefined> {
  const search = stream.search({
    base: options.base,
    scope: options.scope ?? 'sub',
    filter: options.filter ?? '(objectClass=*)',
    attributes: options.attributes,
    controls: [syncRequestControl({ mode: options.mode, cookie: options.cookie, reloadHint: options.reloadHint })],
  });
  const context = { server: stream.server.url, operation: 'content sync under', target: options.base };

  for await (const msg of search) {
    switch (msg.type) {
      case 'entry': {
        const ctl = control(msg.controls, SYNC_STATE_OID);
        if (!ctl?.value) throw malformed(stream, options.base, `entry ${msg.dn} came without a Sync State control`);
        let st: SyncState;
        try {
          st = decodeSyncState(ctl.value);
        } catch (err) {
          throw malformed(stream, options.base, `bad Sync State control on ${msg.dn}`, err);
        }
        const cookie = st.cookie ? { cookie: st.cookie } : {};
        if (st.state === 'delete') yield { type: 'delete', uuid: st.uuid, dn: msg.dn, ...cookie };
        else yield { type: 'entry', state: st.state, uuid: st.uuid, dn: msg.dn, attributes: toDirectoryEntry(msg.dn, msg.attributes), ...cookie };
        break;
      }
      case 'intermediate': {
        if (msg.name !== SYNC_INFO_OID || !msg.value) break; // not ours: RFC 4511 lets us ignore it
        let info: SyncInfo;
        try {
          info = decodeSyncInfo(msg.value);
        } catch (err) {
          throw malformed(stream, options.base, 'bad Sync Info message', err);
        }
        const cookie = info.kind !== 'newcookie' && info.cookie ? { cookie: info.cookie } : {};
        switch (info.kind) {
          case 'newcookie':
            yield { type: 'cookie', cookie: info.cookie };
            break;
          case 'refreshPresent':
          case 'refreshDelete': {
            const phase = info.kind === 'refreshPresent' ? 'present' : 'delete';
            yield { type: info.refreshDone ? 'refreshDone' : 'phaseEnd', phase, ...cookie };
            break;
          }
          case 'syncIdSet':
            if (info.refreshDeletes) {
              // The cookie covers the whole set: attach it to the last deletion only.
              for (let i = 0; i < info.uuids.length; i++) {
                yield { type: 'delete', uuid: info.uuids[i], ...(i === info.uuids.length - 1 ? cookie : {}) };
              }
              if (info.uuids.length === 0 && info.cookie) yield { type: 'cookie', cookie: info.cookie };
            } else {
              yield { type: 'present', uuids: info.uuids, ...cookie };
            }
            break;
        }
        break;
      }
      case 'done': {
        const { resultCode, diagnosticMessage } = msg.result;
        if (resultCode === E_SYNC_REFRESH_REQUIRED) {
          yield { type: 'refreshRequired', message: diagnosticMessage || 'e-syncRefreshRequired (4096): the server cannot resume from this cookie' };
          return;
        }
        if (resultCode !== 0) throw resultError(msg.result, context);
        const ctl = control(msg.controls, SYNC_DONE_OID);
        let done = { refreshDeletes: false } as { cookie?: Buffer; refreshDeletes: boolean };
        if (ctl?.value) {
          try {
            done = decodeSyncDone(ctl.value);
          } catch (err) {
            throw malformed(stream, options.base, 'bad Sync Done control', err);
          }
        }
        yield { type: 'done', ...done };
        return;
      }
      case 'reference':
        // Continuation references carry a Sync State too (section 3.3); idsync does not chase referrals.
        break;
    }
  }
}
