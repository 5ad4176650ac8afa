import { describe, expect, it } from 'vitest';
import type { DirectoryConfig } from '../config/load.js';
import { safeguard } from './removals.js';

const cfg = (s: DirectoryConfig['safeguard']) => ({ safeguard: s, filters: { user: '(objectClass=inetOrgPersn)' }, baseDn: 'dc=corp' }) as DirectoryConfig;

describe('removal safeguard', () => {
  it('holds more removals than the count limit', () => {
    expect(safeguard(cfg({ enabled: true, maxRemovals: 10, maxRemovalPercent: null }), 11, 1000).hold).toBe(true);
    expect(safeguard(cfg({ enabled: true, maxRemovals: 10, maxRemovalPercent: null }), 10, 1000).hold).toBe(false);
  });
  it('holds more than the percentage, but never a single user', () => {
    const c = cfg({ enabled: true, maxRemovals: null, maxRemovalPercent: 25 });
    expect(safeguard(c, 3, 10).hold).toBe(true);
    expect(safeguard(c, 2, 10).hold).toBe(false);
    expect(safeguard(c, 1, 2).hold).toBe(false);
  });
  it('holds every removal when the user filter matched nothing while the store has users, whatever the limits', () => {
    const c = cfg({ enabled: true, maxRemovals: null, maxRemovalPercent: null });
    const d = safeguard(c, 1, 1, { nothingMatched: true });
    expect(d.hold).toBe(true);
    expect(d.threshold).toBe('the user filter (objectClass=inetOrgPersn) matched no entry under dc=corp while the store holds 1 users of this directory');
    expect(safeguard(c, 1, 1).hold).toBe(false);
    expect(safeguard(cfg({ enabled: false, maxRemovals: 0, maxRemovalPercent: 0 }), 5, 5, { nothingMatched: true }).hold).toBe(false);
  });
  it('does nothing when disabled', () => {
    expect(safeguard(cfg({ enabled: false, maxRemovals: 0, maxRemovalPercent: 0 }), 500, 500).hold).toBe(false);
  });
});
