import { describe, expect, it } from 'vitest';
import { expectAll, skippedTests } from './skip-guard.js';

// A finished module as the reporter sees it: only the parts skippedTests reads.
function module(moduleId: string, tests: Array<{ name: string; state: string; mode?: string }>) {
  return {
    moduleId,
    children: {
      allTests: function* () {
        for (const t of tests) yield { fullName: t.name, result: () => ({ state: t.state }), options: { mode: t.mode ?? 'run' } };
      },
    },
  } as never;
}

describe('skip guard', () => {
  it('lists skipped tests, with their file, and leaves passed, failed and todo tests out', () => {
    const got = skippedTests([
      module('a.test.ts', [
        { name: 'AD > syncs', state: 'skipped', mode: 'skip' },
        { name: 'AD > passes', state: 'passed' },
        { name: 'AD > later', state: 'skipped', mode: 'todo' },
      ]),
      module('b.test.ts', [
        { name: 'fails', state: 'failed' },
        { name: 'panel > opens', state: 'skipped', mode: 'skip' },
      ]),
    ]);
    expect(got).toEqual([
      { file: 'a.test.ts', name: 'AD > syncs' },
      { file: 'b.test.ts', name: 'panel > opens' },
    ]);
  });

  it('is on only when IDSYNC_TEST_EXPECT_ALL=1', () => {
    expect(expectAll({ IDSYNC_TEST_EXPECT_ALL: '1' })).toBe(true);
    expect(expectAll({ IDSYNC_TEST_EXPECT_ALL: '0' })).toBe(false);
    expect(expectAll({})).toBe(false);
  });
});
