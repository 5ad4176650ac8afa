import { prepareSeededDomain } from '../test/harness/samba.js';
const n = Number(process.argv[2]);
const t0 = Date.now();
await prepareSeededDomain(n, (s) => console.log(s));
console.log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
