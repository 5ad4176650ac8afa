import type { DirectoryConfig } from '../config/load.js';
import type { DirectoryEntry } from '../directory/entry.js';
import { normalizePhone, type Phone } from './phones.js';

/** The store-facing view of one directory user, after attribute mapping. */
export interface MappedUser {
  externalId: string;
  dn: string;
  username: string;
  aliases: string[];
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phones: Phone[];
  notes: string | null;
  disabled: boolean;
  disabledReason?: string;
  warnings: string[];
}

export type MapResult = { ok: true; user: MappedUser } | { ok: false; reason: string; name: string };

const attributeLists = new WeakMap<DirectoryConfig, string[]>();

/** The attributes a user search must ask for, given the mapping (computed once per configuration). */
export function userAttributes(cfg: DirectoryConfig): string[] {
  let list = attributeLists.get(cfg);
  if (!list) attributeLists.set(cfg, (list = attributesFor(cfg)));
  return list;
}

function attributesFor(cfg: DirectoryConfig): string[] {
  const a = cfg.attributes;
  const list = [cfg.profile.externalIdAttribute, a.username, ...a.aliases, a.fullName, a.firstName, a.lastName, a.email, ...cfg.profile.userStatusAttributes];
  if (cfg.importPhones) list.push(...a.phones);
  if (cfg.importNotes) list.push(a.notes);
  // Issue 14: the hash is kept as it is (src/sync/password-hashes.ts); never mapped onto the user.
  // pwdReset (ppolicy, operational: asked for by name) marks a password the user must change at next bind.
  if (cfg.importPasswordHashes) list.push('userPassword', 'pwdReset');
  return [...new Set(list)];
}

function single(entry: DirectoryEntry, attr: string): string | null {
  const v = entry.string(attr)?.trim();
  return v ? v : null;
}

export function mapUser(cfg: DirectoryConfig, entry: DirectoryEntry, now: Date, disabledByFilter: boolean): MapResult {
  const a = cfg.attributes;
  let externalId: string | undefined;
  try {
    externalId = cfg.profile.externalId(entry);
  } catch (err) {
    return { ok: false, name: entry.dn, reason: `unreadable ${cfg.profile.externalIdAttribute}: ${(err as Error).message}` };
  }
  if (!externalId) return { ok: false, name: entry.dn, reason: `no ${cfg.profile.externalIdAttribute} value (is the bind account allowed to read it?)` };
  const username = single(entry, a.username);
  if (!username) return { ok: false, name: entry.dn, reason: `no ${a.username} value, so the user has no username` };

  const warnings: string[] = [];
  const aliases: string[] = [];
  for (const attr of a.aliases) {
    const v = single(entry, attr);
    if (v && v.toLowerCase() !== username.toLowerCase() && !aliases.includes(v)) aliases.push(v);
  }
  const phones: Phone[] = [];
  if (cfg.importPhones) {
    for (const attr of a.phones) {
      for (const raw of entry.strings(attr)) {
        const r = normalizePhone(raw, cfg.defaultCountry);
        if (r.ok) {
          if (!phones.some((p) => p.number === r.phone.number && p.extension === r.phone.extension)) phones.push(r.phone);
        } else warnings.push(`${attr}: ${r.reason}; phone skipped`);
      }
    }
  }
  let status: ReturnType<DirectoryConfig['profile']['status']>;
  try {
    status = cfg.profile.status(entry, now);
  } catch (err) {
    return { ok: false, name: username, reason: `unreadable account status: ${(err as Error).message}` };
  }
  let disabled = status.disabled;
  let disabledReason = status.reason;
  if (!disabled && disabledByFilter) {
    disabled = true;
    disabledReason = `matches the directory's disabledFilter ${cfg.disabledFilter}`;
  }
  return {
    ok: true,
    user: {
      externalId,
      dn: entry.dn,
      username,
      aliases,
      fullName: single(entry, a.fullName),
      firstName: single(entry, a.firstName),
      lastName: single(entry, a.lastName),
      email: single(entry, a.email),
      phones,
      notes: cfg.importNotes ? single(entry, a.notes) : null,
      disabled,
      disabledReason,
      warnings,
    },
  };
}
