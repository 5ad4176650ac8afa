// Builds the cached Samba domains the AD latency benchmark starts from (test/harness/samba-seed.ts),
// offline: no DC runs, so this needs no ports and must not hold /tmp/idsync-samba.lock.
//
//   npx tsx bench/prepare-ad.ts 20000 [1000 …]
import { prepareSeededDomain } from '../test/harness/samba.js';

for (const arg of process.argv.slice(2)) {
  const n = Number(arg);
  const t0 = Date.now();
  await prepareSeededDomain(n, (s) => console.log(s));
  console.log(`${n} users: ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
