import { describe, expect, it } from 'vitest';
import type { DirectoryConfig } from '../config/load.js';
import { safeguard } from './removals.js';

const cfg = (s: DirectoryConfig['safeguard']) => ({ safeguard: s }) as DirectoryConfig;

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
  it('does nothing when disabled', () => {
    expect(safeguard(cfg({ enabled: false, maxRemovals: 0, maxRemovalPercent: 0 }), 500, 500).hold).toBe(false);
  });
});
