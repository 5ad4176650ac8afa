#!/usr/bin/env node
// Fails when a line of the code (src, test, bench, scripts, ui/src) is longer than the formatter's lineWidth.
//
// Why a script: Biome has no line-length lint rule (it has no counterpart of ESLint's max-len), and its
// formatter breaks code at lineWidth but leaves a long string, template literal or comment whole. Adding
// ESLint only for max-len would mean a second linter and its configuration for one check. So this reads
// lineWidth from biome.jsonc, the one place the width is set, and holds every line to it. A long string is
// split with + or into template pieces; a long comment is rewrapped.
//
// --fix splits the common case, a line that is one string or template literal (an OpenAPI description, an
// error message on its own line), into pieces joined with +, at spaces and never inside ${…}; the value is
// unchanged. Other long lines are left to a person. `npm run format` runs it between the two formatter passes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['src', 'test', 'bench', 'scripts', 'ui/src'];
const EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx', '.css']);
// Build output, dependencies, and files a generator writes (it owns their lines).
const SKIP_DIRS = new Set(['node_modules', 'dist']);
const GENERATED = new Set(['ui/src/api/openapi.ts', 'ui/src/api/rules.ts']);

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

// A line that is only a string or template literal (or returns one), with at most closing punctuation after it.
const WHOLE_STRING = /^(\s*)(return )?(['"`])(.*)\3([,;)\]}]*)$/;
// What may end the line before a literal that stands alone: a template after anything else may be tagged (sql`…`),
// and a quoted line after anything else may be text inside a multi-line template.
const OPENS_EXPRESSION = /(?:[(,=:?+[{]|=>|\breturn)\s*$/;

/** Where a literal's text may be cut: after a space, outside ${…}; null when the quote closes early (two literals). */
function cutPoints(text, quote) {
  const points = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (depth === 0 && c === quote) return null;
    else if (quote === '`' && depth === 0 && c === '$' && text[i + 1] === '{') {
      depth = 1;
      i++;
    } else if (depth > 0 && c === '{') depth++;
    else if (depth > 0 && c === '}') depth--;
    else if (depth === 0 && c === ' ' && i > 0) points.push(i + 1);
  }
  return depth === 0 ? points : null;
}

/** The literal as pieces joined with +, each line within `limit`; null when it cannot be cut. */
function split(line, limit, previous) {
  const m = WHOLE_STRING.exec(line);
  if (!m) return null;
  const [, indent, ret = '', quote, text, tail] = m;
  const points = cutPoints(text, quote);
  // A literal type (type T =\n 'long…') cannot be a sum.
  if (!points || !(ret || OPENS_EXPRESSION.test(previous)) || /^\s*(export )?type /.test(previous)) return null;
  // Room for the continuation indent and " +" the formatter adds.
  const width = limit - indent.length - ret.length - 2 - 2 - 4;
  const pieces = [];
  let start = 0;
  let last = 0;
  for (const p of [...points, text.length]) {
    if (p - start > width && last > start) {
      pieces.push(text.slice(start, last));
      start = last;
    }
    last = p;
  }
  pieces.push(text.slice(start));
  // One ${…} too long on its own wants a variable, which is a person's choice.
  if (pieces.length < 2 || pieces.some((piece) => piece.length > width)) return null;
  return pieces.map((piece, i) => {
    const pad = i === 0 ? indent + ret : `${indent}  `;
    return i === pieces.length - 1 ? `${pad}${quote}${piece}${quote}${tail}` : `${pad}${quote}${piece}${quote} +`;
  });
}

const fix = process.argv.includes('--fix');
const limit = lineWidth();
let over = 0;
let fixed = 0;
let checked = 0;
for (const dir of DIRS) {
  for (const file of files(dir)) {
    checked++;
    const full = path.join(ROOT, file);
    const lines = readFileSync(full, 'utf8').split('\n');
    const out = [];
    for (const line of lines) {
      // Characters, not UTF-16 units or bytes: "→" is one column.
      const length = [...line.replace(/\r$/, '')].length;
      const pieces = length > limit && fix ? split(line, limit, out.findLast((l) => l.trim() !== '') ?? '') : null;
      if (pieces) {
        fixed++;
        console.log(`${file}:${out.length + 1}: split into ${pieces.length} pieces`);
      } else if (length > limit) {
        over++;
        console.log(`${file}:${out.length + 1}: ${length} characters (limit ${limit})`);
      }
      out.push(...(pieces ?? [line]));
    }
    if (fix && out.length !== lines.length) writeFileSync(full, out.join('\n'));
  }
}
if (fixed > 0) console.log(`split ${fixed} long string${fixed === 1 ? '' : 's'}; run the formatter again to indent the pieces`);
if (over > 0) {
  console.log(`${over} line${over === 1 ? '' : 's'} over ${limit} characters: split long strings with + or template pieces, rewrap long comments.`);
  process.exit(1);
}
console.log(`line length: ${checked} files, no line over ${limit} characters`);
