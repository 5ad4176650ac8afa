import { describe, expect, it } from 'vitest';
import { SeenIds, type KnownUser } from './seen.js';

describe('SeenIds', () => {
  const known = new Map<string, KnownUser>([
    ['e1', [1, 'e1', 'h1']],
    ['e2', [70_000, 'e2', null]],
  ]);

  it('marks known users by store id, once, and answers for them by external id too', () => {
    const seen = new SeenIds(known);
    expect(seen.markKnown(70_000)).toBe(true);
    expect(seen.markKnown(70_000)).toBe(false);
    expect(seen.has('e2')).toBe(true);
    expect(seen.metKnown(70_000)).toBe(true);
    expect(seen.has('e1')).toBe(false);
    seen.add('e1');
    expect(seen.metKnown(1)).toBe(true);
    expect(seen.markKnown(1)).toBe(false);
  });

  it('keeps ids the store does not know in a set', () => {
    const seen = new SeenIds(known);
    expect(seen.has('new')).toBe(false);
    seen.add('new');
    expect(seen.has('new')).toBe(true);
    expect(seen.metKnown(1)).toBe(false);
    const alone = new SeenIds();
    alone.add('e1');
    expect(alone.has('e1')).toBe(true);
    expect(alone.metKnown(1)).toBe(false);
  });
});
