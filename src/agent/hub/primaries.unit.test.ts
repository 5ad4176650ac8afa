import { describe, expect, it } from 'vitest';
import { type Health, Primaries } from './primaries.js';

describe('Primaries (several agents per directory)', () => {
  const health = (m: Record<string, Health>) => (a: string, _d: string) => m[a] ?? 'absent';

  it('takes the first healthy agent in the configured order, and keeps it while it is healthy', () => {
    const p = new Primaries();
    p.route('corp', ['a', 'b', 'c']);
    expect(p.elect(health({ b: 'healthy', c: 'healthy' }))).toEqual([{ directory: 'corp', from: undefined, to: 'b' }]);
    // a comes back: b stays (no flapping).
    expect(p.elect(health({ a: 'healthy', b: 'healthy', c: 'healthy' }))).toEqual([]);
    expect(p.primaryOf('corp')).toBe('b');
    expect(p.primaryFor('b')).toEqual(['corp']);
    // b gone: a (first in order) takes over.
    expect(p.elect(health({ a: 'healthy', c: 'healthy' }))).toEqual([{ directory: 'corp', from: 'b', to: 'a' }]);
  });

  it('moves off a primary that misses its heartbeat when another answers; keeps a late one when none does', () => {
    const p = new Primaries();
    p.route('corp', ['a', 'b']);
    p.elect(health({ a: 'healthy', b: 'healthy' }));
    expect(p.elect(health({ a: 'late', b: 'late' }))).toEqual([]);
    expect(p.elect(health({ a: 'late', b: 'healthy' }))).toEqual([{ directory: 'corp', from: 'a', to: 'b' }]);
    expect(p.elect(health({}))).toEqual([{ directory: 'corp', from: 'b', to: undefined }]);
    expect(p.primaryOf('corp')).toBeUndefined();
  });

  it('elects per directory: an agent unusable for one directory can be primary of another', () => {
    const p = new Primaries();
    p.route('corp', ['a', 'b']);
    p.route('lab', ['a', 'b']);
    // a does not serve corp (its configuration lacks it).
    p.elect((a, d) => (a === 'a' && d === 'corp' ? 'absent' : 'healthy'));
    expect(p.primaryOf('corp')).toBe('b');
    expect(p.primaryOf('lab')).toBe('a');
  });
});
