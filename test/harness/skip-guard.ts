// A vitest reporter that fails the run when a test was skipped but the run was asked to run them
// all (IDSYNC_TEST_EXPECT_ALL=1, which .ci/run sets). Without it, IDSYNC_TEST_NO_SAMBA=1 or a
// missing directory quietly turns 29 AD and panel tests into skips and the run still exits 0.
// `it.todo` is not a skip of something that exists, so it is allowed.
import type { Reporter, TestModule } from 'vitest/node';

export interface SkippedTest {
  file: string;
  name: string;
}

/** The tests of a finished run that were skipped (not todo). Pure, so it is unit-tested. */
export function skippedTests(modules: ReadonlyArray<Pick<TestModule, 'moduleId' | 'children'>>): SkippedTest[] {
  const out: SkippedTest[] = [];
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      if (t.result().state === 'skipped' && t.options.mode !== 'todo') out.push({ file: m.moduleId, name: t.fullName });
    }
  }
  return out;
}

export function expectAll(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.IDSYNC_TEST_EXPECT_ALL === '1';
}

export default class SkipGuard implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (!expectAll()) return;
    const skipped = skippedTests(modules);
    if (skipped.length === 0) return;
    const list = skipped
      .slice(0, 40)
      .map((s) => `  - ${s.file}: ${s.name}`)
      .join('\n');
    console.error(
      `\n[skip-guard] ${skipped.length} test(s) were skipped, but IDSYNC_TEST_EXPECT_ALL=1 asks for every suite to run:\n${list}` +
        `${skipped.length > 40 ? `\n  … and ${skipped.length - 40} more` : ''}\n`,
    );
    process.exitCode = 1;
  }
}
