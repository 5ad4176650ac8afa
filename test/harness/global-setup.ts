// vitest globalSetup: one Samba DC and one slapd for the whole run, started concurrently, facts
// handed to test files with provide()/inject(). Runs in the vitest main process, which owns both
// servers: they are killed on teardown and, failing that, when this process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateCerts } from './certs.js';
import { startSamba, type SambaDirectory } from './samba.js';
import { startSlapd, type SlapdDirectory } from './slapd.js';
import { keepTestDirs, markKept, reapStale, writeOwner } from './proc.js';
import './index.js'; // ProvidedContext augmentation

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  await reapStale('idsync-certs-');
  const certDir = mkdtempSync(join(tmpdir(), 'idsync-certs-'));
  writeOwner(certDir, process.pid, join(certDir, 'no.pid'));
  const certs = await generateCerts(certDir);
  const noSamba = process.env.IDSYNC_TEST_NO_SAMBA === '1';
  if (noSamba && process.env.IDSYNC_TEST_EXPECT_ALL === '1') {
    // CI runs every suite: a run without the Samba DC would skip the AD and panel tests.
    throw new Error('IDSYNC_TEST_NO_SAMBA=1 and IDSYNC_TEST_EXPECT_ALL=1 contradict each other: this run must start the Samba DC');
  }

  const timed = async <T>(p: Promise<T>): Promise<[T, number]> => {
    const s = Date.now();
    const v = await p;
    return [v, Date.now() - s];
  };
  const [sambaR, slapdR] = await Promise.allSettled([noSamba ? Promise.resolve(null) : timed(startSamba({ certDir })), timed(startSlapd({ certDir }))]);
  const samba: SambaDirectory | null = sambaR.status === 'fulfilled' && sambaR.value ? sambaR.value[0] : null;
  const slapd: SlapdDirectory | null = slapdR.status === 'fulfilled' ? slapdR.value[0] : null;

  const teardown = async () => {
    await Promise.allSettled([samba?.dispose(), slapd?.dispose()]);
    if (!keepTestDirs()) rmSync(certDir, { recursive: true, force: true });
    else {
      markKept(certDir);
      console.log(`[harness] kept test dirs: ${[samba?.dir, slapd?.dir, certDir].filter(Boolean).join(' ')}`);
    }
  };

  const failures = [sambaR, slapdR].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0 || !slapd) {
    await teardown();
    throw new Error(`test harness setup failed:\n${failures.map((f) => String(f.reason?.stack ?? f.reason)).join('\n\n')}`);
  }

  const ms = (r: typeof sambaR | typeof slapdR) => (r.status === 'fulfilled' && r.value ? `${(r.value[1] / 1000).toFixed(1)}s` : 'skipped');
  console.log(
    `[harness] ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (Samba DC ${ms(sambaR)}, slapd ${ms(slapdR)}); ` +
      `samba ${samba ? samba.url : 'disabled (IDSYNC_TEST_NO_SAMBA=1)'}, slapd ${slapd.url}`,
  );

  project.provide('samba', samba ? samba.info : null);
  project.provide('slapd', slapd.info);
  project.provide('postgresUrl', process.env.IDSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  project.provide('certs', certs);
  return teardown;
}
