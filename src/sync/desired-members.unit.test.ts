import { describe, expect, it } from 'vitest';
import { DesiredMembers } from './groups.js';

describe('DesiredMembers', () => {
  it('gives each group its users ascending and once, placeholders (negative) first', () => {
    const d = new DesiredMembers();
    d.add(7, [0, 2]);
    d.add(3, [2]);
    d.add(-4, [0]);
    d.add(7, [2]); // the same user met twice
    d.add(5, []);
    expect(Array.from(d.sorted(0))).toEqual([-4, 7]);
    expect(Array.from(d.sorted(1))).toEqual([]);
    expect(Array.from(d.sorted(2))).toEqual([3, 7]);
    expect(Array.from(d.sorted(9))).toEqual([]);
    expect(d.total).toBe(5);
  });

  it('takes more users after the lists were read, and keeps what it had', () => {
    const d = new DesiredMembers();
    for (let u = 2000; u > 0; u--) d.add(u, u % 3 ? [1] : [0, 1]);
    const before = Array.from(d.sorted(0));
    expect(before).toHaveLength(666);
    expect(before[0]).toBe(3);
    d.add(1, [0]);
    d.add(4000, [3]);
    expect(Array.from(d.sorted(0))).toEqual([1, ...before]);
    expect(d.sorted(1)).toHaveLength(2000);
    expect(Array.from(d.sorted(3))).toEqual([4000]);
    expect(d.total).toBe(2000 + 666 + 2);
  });
});
