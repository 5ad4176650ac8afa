// Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle with esbuild, which is
// what bin/idsync.js runs. Loading ~600 module files (kysely alone is ~290) took a third of a
// second before idsync did any work: more than half the LDAP read it is measured against (see
// README "Performance"). One file per entry point, with the commands that are only needed by
// `serve` (the API, the panel, change tracking) split into chunks loaded on first use.
//
// Native and optional packages stay outside: better-sqlite3 loads a .node file, pg is imported
// only for postgres:// stores (and may look for pg-native).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist/cli/main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'pg', 'pg-native'],
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __idsyncRequire } from 'node:module'; const require = __idsyncRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
