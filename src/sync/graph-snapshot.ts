import { createHash } from 'node:crypto';
import type { DirectoryConfig } from '../config/load.js';

/**
 * What a full sync remembers of the last group graph it built: for each group entry, the digest
 * of the bytes the server sent for it and its members as DN keys. Reading 10,000 groups with
 * 246,000 member values was the largest cost of a re-sync (a string, a DN key and a map lookup
 * per value); a group whose bytes are the same as last time has the same members, so the next
 * run takes them from here and decodes only the groups that changed.
 *
 * It is a memo, not state: an entry is found only by the digest of its own bytes, so a snapshot
 * that is old, partial or from before a crash can only miss, never give a group the wrong members.
 * Members are DN keys as dnKey(stripUniqueMemberUid(value)) made them: a change to either
 * function, or to how member values are read, must bump VERSION.
 */
const VERSION = 1;

export interface GraphSnapshot {
  /** DN keys; members refer to them by position. */
  keys: string[];
  /** Group entry digest → its members (positions in `keys`). */
  groups: Map<string, Int32Array>;
}

/** The encoded form, as the store keeps it (src/store/graph-cache.ts). */
interface Encoded {
  keys: string[];
  digests: string[];
  /** Base64 of an Int32Array: group i's members are members[offsets[i] .. offsets[i + 1]). */
  offsets: string;
  members: string;
}

/** The settings that decide which values of a group entry are members: a snapshot made under others is not used. */
export function snapshotFingerprint(cfg: DirectoryConfig): string {
  return createHash('md5')
    .update(JSON.stringify([VERSION, cfg.type, cfg.attributes.member.map((a) => a.toLowerCase()), cfg.memberRangeSize ?? null]))
    .digest('base64');
}

export function encodeSnapshot(s: { keys: string[]; digests: string[]; offsets: Int32Array; members: Int32Array }): string {
  const b64 = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const e: Encoded = { keys: s.keys, digests: s.digests, offsets: b64(s.offsets), members: b64(s.members) };
  return JSON.stringify(e);
}

function int32s(b64: string): Int32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength % 4) throw new Error('length is not a multiple of 4');
  // Copied into its own aligned buffer: Buffer.from may hand out a slice of a shared pool.
  const out = new Int32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** The snapshot in `text`, or undefined (with the reason) when it is not a well-formed one. */
export function decodeSnapshot(text: string): { snapshot?: GraphSnapshot; problem?: string } {
  try {
    const e = JSON.parse(text) as Partial<Encoded>;
    if (!Array.isArray(e.keys) || !Array.isArray(e.digests) || typeof e.offsets !== 'string' || typeof e.members !== 'string')
      return { problem: 'missing fields' };
    // Distinct keys are checked where they are interned (DirectoryReader.useSnapshot).
    if (!e.keys.every((k) => typeof k === 'string')) return { problem: 'keys are not strings' };
    const offsets = int32s(e.offsets);
    const members = int32s(e.members);
    if (offsets.length !== e.digests.length + 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== members.length)
      return { problem: 'offsets do not match the members' };
    for (let i = 1; i < offsets.length; i++) if (offsets[i] < offsets[i - 1]) return { problem: 'offsets go backwards' };
    for (const m of members) if (m < 0 || m >= e.keys.length) return { problem: `member ${m} is not a key` };
    const groups = new Map<string, Int32Array>();
    e.digests.forEach((d, i) => {
      groups.set(d, members.subarray(offsets[i], offsets[i + 1]));
    });
    return { snapshot: { keys: e.keys, groups } };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}
