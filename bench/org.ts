// Generates a synthetic organisation as an LDIF file for slapadd, plus the facts the benchmark
// checks idsync's report against (how many users are in scope, how many membership rows a full
// sync must write). Everything comes from one seeded PRNG so that two runs with the same
// arguments produce byte-identical LDIF and comparable timings.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ldifRecord } from '../test/harness/ldif.js';

export const BASE_DN = 'dc=corp,dc=example,dc=test';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;

export interface OrgOptions {
  users: number;
  groups: number;
  seed: number;
  /** Largest group as a share of all users; real "all staff"-like groups hold 20-30%. */
  largestShare?: number;
  /** Number of nesting levels below each chain's top group. */
  depth?: number;
}

export interface OrgFacts {
  users: number;
  groups: number;
  groupDns: string[];
  /** Member values written: user DNs plus nested group DNs. */
  memberValues: number;
  nestedGroupValues: number;
  maxGroupSize: number;
  medianGroupSize: number;
  /** Longest chain of group-in-group edges, not counting the edges that close cycles. */
  nestingDepth: number;
  cycles: string[];
  /** Users reached by at least one group: every group is synced, so this is what `created` must be. */
  usersInScope: number;
  /** inScope[i] = 1 when user i is a direct member of some group. */
  inScope: Uint8Array;
  /** Sum over groups of the flattened (nested) user membership: the group_members rows of a full sync. */
  flattenedMemberships: number;
  maxFlattenedSize: number;
  ldifBytes: number;
}

/** mulberry32: tiny, fast and good enough to pick names and members reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A few non-ASCII names so the LDIF carries base64 values and the store UTF-8, as real directories do.
const GIVEN = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Carlos',
  'Karen',
  'Wei',
  'Aiko',
  'José',
  'Zoë',
  'Søren',
  'Amélie',
  'Łukasz',
  'Priya',
  'Olu',
  'Fatima',
  'Mateo',
  'Ingrid',
];
const SURNAME = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'Nguyen',
  'Müller',
  'Øster',
  'Kowalski',
  'Okafor',
  'Tanaka',
  'Zhang',
  'Singh',
  'Ivanova',
  'Dubois',
  'Rossi',
  'Jensen',
];
const TEAMS = ['eng', 'sales', 'ops', 'finance', 'legal', 'hr', 'support', 'research', 'marketing', 'it', 'sec', 'design'];

export function userUid(i: number): string {
  return `u${String(i).padStart(6, '0')}`;
}
export function userDn(i: number): string {
  return `uid=${userUid(i)},${PEOPLE_DN}`;
}
function groupCn(i: number, r: () => number): string {
  return `${TEAMS[Math.floor(r() * TEAMS.length)]}-${String(i).padStart(5, '0')}`;
}

/** Appends to a file in ~1 MB writes, so 100k entries never sit in one string. */
class Sink {
  #fd: number;
  #buf: string[] = [];
  #len = 0;
  bytes = 0;
  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.#buf.push(s);
    this.#len += s.length;
    if (this.#len > 1 << 20) this.flush();
  }
  flush(): void {
    if (!this.#buf.length) return;
    const b = Buffer.from(this.#buf.join(''), 'utf8');
    writeSync(this.#fd, b);
    this.bytes += b.length;
    this.#buf = [];
    this.#len = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/** k distinct integers in [0, n) by Floyd's algorithm: O(k) time and memory even for k close to n. */
function sample(n: number, k: number, r: () => number): Int32Array {
  const s = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(r() * (j + 1));
    s.add(s.has(t) ? j : t);
  }
  return Int32Array.from(s).sort();
}

function shuffle<T>(a: T[], r: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function userAttrs(i: number, r: () => number): Record<string, string | string[]> {
  const given = GIVEN[Math.floor(r() * GIVEN.length)];
  const sn = SURNAME[Math.floor(r() * SURNAME.length)];
  const uid = userUid(i);
  const phone = (i * 7919) % 10000;
  return {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    uid,
    cn: `${given} ${sn}`,
    sn,
    givenName: given,
    mail: `${uid}@corp.example.test`,
    displayName: `${given} ${sn}`,
    telephoneNumber: `+1 212 555 ${String(phone).padStart(4, '0')}`,
  };
}

export function generateOrg(file: string, o: OrgOptions): OrgFacts {
  const r = prng(o.seed);
  const U = o.users;
  const G = o.groups;
  const depth = o.depth ?? 5;
  const out = new Sink(file);
  // Base entries are in the same file (startSlapd noBase) so one slapadd loads everything.
  out.write(ldifRecord({ dn: BASE_DN, attrs: { objectClass: ['top', 'dcObject', 'organization'], dc: 'corp', o: 'corp' } }));
  out.write(ldifRecord({ dn: PEOPLE_DN, attrs: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } }));
  out.write(ldifRecord({ dn: GROUPS_DN, attrs: { objectClass: ['top', 'organizationalUnit'], ou: 'groups' } }));
  // No entryUUID here: slapadd assigns entryUUID/entryCSN itself (run.ts checks that it did).
  for (let i = 0; i < U; i++) out.write(ldifRecord({ dn: userDn(i), attrs: userAttrs(i, r) }));

  // Zipf-like sizes (size ∝ 1/rank): one group of ~25% of users, a long tail of a handful. Ranks
  // are shuffled over group numbers so the big groups are not simply the first ones listed.
  const maxSize = Math.max(1, Math.round((o.largestShare ?? 0.25) * U));
  const rank = shuffle(
    Array.from({ length: G }, (_, i) => i + 1),
    r,
  );
  const members: Int32Array[] = rank.map((k) => sample(U, Math.min(U, Math.max(1, Math.round(maxSize / k))), r));
  const names = Array.from({ length: G }, (_, i) => groupCn(i, r));
  const groupDns = names.map((cn) => `cn=${cn},${GROUPS_DN}`);

  // Nesting: disjoint trees `depth` levels deep, each level adding one or two child groups, so
  // the deepest chains are exactly `depth` edges long. The largest group tops one tree (an
  // "all staff" made of departments). Two back edges add cycles that the closure must survive.
  const children = new Map<number, number[]>();
  const link = (p: number, c: number) => (children.get(p) ?? children.set(p, []).get(p)!).push(c);
  const pool = shuffle(
    Array.from({ length: G }, (_, i) => i),
    r,
  );
  const largest = rank.indexOf(1);
  const take = () => {
    let g = pool.pop();
    if (g === largest) g = pool.pop();
    return g;
  };
  const trees = Math.max(2, Math.round(G / 100));
  const treeLevels: number[][][] = [];
  for (let t = 0; t < trees && pool.length > 16; t++) {
    const top = t === 0 ? largest : take()!;
    const levels: number[][] = [[top]];
    for (let d = 1; d <= depth; d++) {
      const next: number[] = [];
      for (const p of levels[d - 1]) {
        const fan = next.length < 4 && r() < 0.35 ? 2 : 1;
        for (let f = 0; f < fan && next.length < 6; f++) {
          const c = take();
          if (c === undefined) break;
          link(p, c);
          next.push(c);
        }
      }
      if (!next.length) break;
      levels.push(next);
    }
    treeLevels.push(levels);
  }
  // Depth of the nesting proper, before the back edges (a simple path may run round a cycle).
  const nestingDepth = longestPath(children);
  const cycles: string[] = [];
  // A long cycle (deepest group contains its tree's top) in a tree that is not the largest group's,
  // so the cycle does not flatten 25% of the company into every group on it.
  const a = treeLevels[1];
  if (a && a.length > depth) {
    link(a[depth][0], a[0][0]);
    cycles.push(`${names[a[0][0]]} → … → ${names[a[depth][0]]} → ${names[a[0][0]]} (${depth + 1} groups)`);
  }
  const b = treeLevels[2] ?? treeLevels[0];
  if (b && b.length > 3) {
    link(b[3][0], b[2][0]);
    cycles.push(`${names[b[2][0]]} ⇄ ${names[b[3][0]]}`);
  }

  let memberValues = 0;
  let nested = 0;
  for (let g = 0; g < G; g++) {
    const kids = children.get(g) ?? [];
    const m = members[g];
    const values: string[] = new Array(m.length + kids.length);
    for (let j = 0; j < m.length; j++) values[j] = userDn(m[j]);
    for (let j = 0; j < kids.length; j++) values[m.length + j] = groupDns[kids[j]];
    memberValues += values.length;
    nested += kids.length;
    out.write(
      ldifRecord({
        dn: groupDns[g],
        attrs: { objectClass: ['top', 'groupOfNames'], cn: names[g], description: `synthetic group, rank ${rank[g]}`, member: values },
      }),
    );
  }
  out.close();

  // Expected results, computed independently of idsync's own closure code.
  const inScope = new Uint8Array(U);
  for (const m of members) for (const u of m) inScope[u] = 1;
  let flattened = 0;
  let maxFlat = 0;
  for (let g = 0; g < G; g++) {
    let size = members[g].length;
    if (children.has(g)) {
      const seenG = new Set([g]);
      const users = new Set<number>(members[g]);
      const stack = [g];
      while (stack.length) {
        for (const c of children.get(stack.pop()!) ?? []) {
          if (seenG.has(c)) continue;
          seenG.add(c);
          stack.push(c);
          for (const u of members[c]) users.add(u);
        }
      }
      size = users.size;
    }
    flattened += size;
    maxFlat = Math.max(maxFlat, size);
  }
  const sizes = members.map((m) => m.length).sort((x, y) => x - y);
  return {
    users: U,
    groups: G,
    groupDns,
    memberValues,
    nestedGroupValues: nested,
    maxGroupSize: sizes[sizes.length - 1] ?? 0,
    medianGroupSize: sizes[Math.floor(sizes.length / 2)] ?? 0,
    nestingDepth,
    cycles,
    usersInScope: inScope.reduce((n, x) => n + x, 0),
    inScope,
    flattenedMemberships: flattened,
    maxFlattenedSize: maxFlat,
    ldifBytes: out.bytes,
  };
}

/** Longest simple path over group→group edges; the nested subgraph is small, so brute force is fine. */
function longestPath(children: Map<number, number[]>): number {
  let best = 0;
  const onPath = new Set<number>();
  const walk = (g: number, len: number) => {
    best = Math.max(best, len);
    onPath.add(g);
    for (const c of children.get(g) ?? []) if (!onPath.has(c)) walk(c, len + 1);
    onPath.delete(g);
  };
  for (const g of children.keys()) walk(g, 0);
  return best;
}

/**
 * The generated attributes of some users, to undo the 1% change: generateOrg draws each user's
 * attributes from its PRNG first, in user order, so replaying the same draws gives them back.
 */
export function originalAttrs(f: OrgFacts, seed: number, which: Set<number>): Map<number, Record<string, string | string[]>> {
  const r = prng(seed);
  const out = new Map<number, Record<string, string | string[]>>();
  for (let i = 0; i < f.users; i++) {
    const a = userAttrs(i, r);
    if (which.has(i)) out.set(i, a);
  }
  return out;
}

export function pickChanged(f: OrgFacts, seed: number): { all: number[]; inScope: number } {
  // A PRNG stream of its own, so the choice does not depend on how much the generator consumed.
  const r = prng(seed ^ 0x5eed);
  const n = Math.max(1, Math.round(f.users / 100));
  const s = new Set<number>();
  while (s.size < n) s.add(Math.floor(r() * f.users));
  const all = [...s].sort((a, b) => a - b);
  return { all, inScope: all.filter((i) => f.inScope[i]).length };
}
