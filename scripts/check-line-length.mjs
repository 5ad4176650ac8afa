#!/usr/bin/env node
// Fails when a line of the code (src, test, bench, scripts, ui/src) is longer than the formatter's lineWidth.
//
// Why a script: Biome has no line-length lint rule (it has no counterpart of ESLint's max-len), and its
// formatter breaks code at lineWidth but leaves a long string, template literal or comment whole. Adding
// ESLint only for max-len would mean a second linter and its configuration for one check. So this reads
// lineWidth from biome.jsonc, the one place the width is set, and holds every line to it. A long string is
// split with + or into template pieces; a long comment is rewrapped.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['src', 'test', 'bench', 'scripts', 'ui/src'];
const EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx', '.css']);
// Build output, dependencies, and files a generator writes (it owns their lines).
const SKIP_DIRS = new Set(['node_modules', 'dist']);
const GENERATED = new Set(['ui/src/api/openapi.ts']);

function lineWidth() {
  const config = readFileSync(path.join(ROOT, 'biome.jsonc'), 'utf8');
  const m = /"lineWidth"\s*:\s*(\d+)/.exec(config);
  if (!m) throw new Error('biome.jsonc sets no formatter lineWidth');
  return Number(m[1]);
}

function* files(dir) {
  let entries;
  try {
    entries = readdirSync(path.join(ROOT, dir), { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) yield* files(rel);
    } else if (EXTENSIONS.has(path.extname(e.name)) && !GENERATED.has(rel)) {
      yield rel;
    }
  }
}

const limit = lineWidth();
let over = 0;
let checked = 0;
for (const dir of DIRS) {
  for (const file of files(dir)) {
    checked++;
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      // Characters, not UTF-16 units or bytes: "→" is one column.
      const length = [...line.replace(/\r$/, '')].length;
      if (length > limit) {
        over++;
        console.log(`${file}:${i + 1}: ${length} characters (limit ${limit})`);
      }
    });
  }
}
if (over > 0) {
  console.log(`${over} line${over === 1 ? '' : 's'} over ${limit} characters: split long strings with + or template pieces, rewrap long comments.`);
  process.exit(1);
}
console.log(`line length: ${checked} files, no line over ${limit} characters`);
