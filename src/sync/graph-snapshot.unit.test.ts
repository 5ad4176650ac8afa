import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot } from './graph-snapshot.js';

const good = { keys: ['uid=a,dc=x', 'uid=b,dc=x', 'cn=g,dc=x'], digests: ['d1', 'd2'], offsets: Int32Array.of(0, 2, 3), members: Int32Array.of(0, 1, 2) };

describe('group graph snapshot', () => {
  it('round-trips: each digest gets its members as key positions', () => {
    const { snapshot, problem } = decodeSnapshot(encodeSnapshot(good));
    expect(problem).toBeUndefined();
    expect(snapshot!.keys).toEqual(good.keys);
    expect([...snapshot!.groups.get('d1')!]).toEqual([0, 1]);
    expect([...snapshot!.groups.get('d2')!]).toEqual([2]);
  });

  it('encodes views of larger arrays by their own bytes only', () => {
    const members = Int32Array.of(9, 0, 1, 2, 9).subarray(1, 4);
    const { snapshot } = decodeSnapshot(encodeSnapshot({ ...good, members }));
    expect([...snapshot!.groups.get('d1')!]).toEqual([0, 1]);
  });

  it.each([
    ['not JSON', '{"keys": ['],
    ['missing fields', JSON.stringify({ keys: [] })],
    ['keys that are not strings', JSON.stringify({ ...JSON.parse(encodeSnapshot(good)), keys: [1, 2, 3] })],
    ['offsets that do not cover the members', encodeSnapshot({ ...good, offsets: Int32Array.of(0, 2, 2) })],
    ['offsets that go backwards', encodeSnapshot({ ...good, offsets: Int32Array.of(0, 3, 2, 3), digests: ['d1', 'd2', 'd3'] })],
    ['a member that is not a key', encodeSnapshot({ ...good, members: Int32Array.of(0, 1, 3) })],
    ['a byte count that is not whole numbers', JSON.stringify({ ...JSON.parse(encodeSnapshot(good)), members: Buffer.from([1, 2, 3]).toString('base64') })],
  ])('rejects %s, saying why', (_what, text) => {
    const { snapshot, problem } = decodeSnapshot(text);
    expect(snapshot).toBeUndefined();
    expect(problem).toBeTruthy();
  });
});
