// Preload (`node --import ./bench/sql-trace.mjs …`) that times every SQLite or PostgreSQL statement
// idsync runs, grouped by statement shape, and writes a Markdown table to $IDSYNC_SQL_TRACE at exit.
// A CPU profile cannot say which query the time went to: better-sqlite3's native calls have no
// frames, and kysely's awaits cut the stack off from the idsync function that asked. This wraps
// better-sqlite3's Database#prepare and pg's Client#query in the child process only; src/ is
// untouched. For PostgreSQL every query is a round trip to the server: the table counts them, and
// its time is from sending to the answer (the server's work, the network and the driver's parsing).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.IDSYNC_SQL_TRACE;
// Resolve better-sqlite3 from the working tree so that the class idsync loads is the one patched.
const require = createRequire(new URL('../package.json', import.meta.url));
const Database = require('better-sqlite3');
const stats = new Map();
let engine = 'SQLite';

/** Multi-row VALUES lists and IN lists collapse, so each statement kind is one row whatever its size. */
function shape(sql) {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/(\(\?(?:, \?)*\))(?:, \(\?(?:, \?)*\))+/g, '$1, …')
    .replace(/ in \(\?(?:, \?)*\)/gi, ' in (?…)')
    .replace(/(\(\$\d+(?:, \$\d+)*\))(?:, \(\$\d+(?:, \$\d+)*\))+/g, '$1, …')
    .replace(/ in \(\$\d+(?:, \$\d+)*\)/gi, ' in ($…)')
    .slice(0, 120);
}
function add(key, ms) {
  const s = stats.get(key) ?? { ms: 0, n: 0 };
  s.ms += ms;
  s.n += 1;
  stats.set(key, s);
}

const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const t = performance.now();
  const stmt = prepare.call(this, sql);
  const key = shape(sql);
  add(`prepare: ${key}`, performance.now() - t);
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const f = stmt[m];
    stmt[m] = function (...a) {
      const t0 = performance.now();
      try {
        return f.apply(this, a);
      } finally {
        add(`${m}: ${key}`, performance.now() - t0);
      }
    };
  }
  return stmt;
};

// pg is loaded only by a PostgreSQL store; the same CommonJS module instance as idsync's import('pg').
let pg;
try {
  pg = require('pg');
} catch {
  pg = undefined;
}
if (pg) {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text !== 'string') return query.call(this, config, values, callback);
    engine = 'PostgreSQL';
    const key = shape(text);
    const t0 = performance.now();
    const r = query.call(this, config, values, callback);
    if (r && typeof r.then === 'function') {
      return r.then(
        (v) => {
          add(key, performance.now() - t0);
          return v;
        },
        (e) => {
          add(key, performance.now() - t0);
          throw e;
        },
      );
    }
    return r;
  };
}

process.on('exit', () => {
  if (!out) return;
  const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, v]) => s + v.ms, 0);
  const esc = (s) => s.replace(/\|/g, '\\|');
  const calls = rows.reduce((s, [, v]) => s + v.n, 0);
  const lines = [
    `${engine} time, all statements: ${(total / 1000).toFixed(2)} s${engine === 'PostgreSQL' ? ` in ${calls} round trips` : ''}`,
    '',
    '| s | calls | statement |',
    '|---:|---:|---|',
  ];
  for (const [k, v] of rows.slice(0, 15)) lines.push(`| ${(v.ms / 1000).toFixed(2)} | ${v.n} | \`${esc(k)}\` |`);
  writeFileSync(out, `${lines.join('\n')}\n`);
});
