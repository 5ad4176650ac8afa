#!/usr/bin/env node
// Run by `npm pretest`: makes sure the real directory servers the integration tests start
// (test/harness) and the browser of the panel's end-to-end test (Debian's chromium) are installed,
// and that nothing else holds 127.0.0.1:389/636, which the Samba DC needs (Samba cannot listen on
// other ports). Idempotent; a few milliseconds when all is well.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const PACKAGES = ['samba', 'ldb-tools', 'ldap-utils', 'slapd', 'openssl', 'chromium'];
// command -> Debian package that ships it
const COMMANDS = {
  samba: 'samba',
  'samba-tool': 'samba',
  ldbsearch: 'ldb-tools',
  ldbadd: 'ldb-tools',
  ldapsearch: 'ldap-utils',
  ldapadd: 'ldap-utils',
  slapd: 'slapd',
  slapadd: 'slapd',
  slappasswd: 'slapd',
  openssl: 'openssl',
  chromium: 'chromium',
};
// Commands looked for at one fixed path rather than on PATH: the panel's browser tests
// (test/e2e) launch playwright-core with executablePath /usr/bin/chromium, because
// `npx playwright install` cannot download a browser build here.
const FIXED_PATHS = { chromium: '/usr/bin/chromium' };
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function which(cmd) {
  if (FIXED_PATHS[cmd]) return existsSync(FIXED_PATHS[cmd]) ? FIXED_PATHS[cmd] : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN];
  return dirs.map((d) => join(d, cmd)).find((p) => existsSync(p));
}

// `--openldap-only` (npm run demo): the demo needs slapd and the LDAP tools, not Samba.
const openldapOnly = process.argv.includes('--openldap-only');
const NEEDED = Object.keys(COMMANDS).filter((c) => !openldapOnly || ['ldap-utils', 'slapd', 'openssl'].includes(COMMANDS[c]));

function missingCommands() {
  return NEEDED.filter((c) => !which(c));
}

function sh(cmd, args, env = {}) {
  console.log(`[ensure-test-deps] $ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

// --- 1. binaries -------------------------------------------------------------------------------
let missing = missingCommands();
if (missing.length > 0) {
  // Only the packages that ship a missing command: reinstalling present ones would also upgrade them.
  const pkgs = PACKAGES.filter((p) => missing.some((c) => COMMANDS[c] === p));
  if (!isRoot) {
    console.error(`[ensure-test-deps] missing commands: ${missing.join(', ')}`);
    console.error(
      `[ensure-test-deps] install them as root:\n  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkgs.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`[ensure-test-deps] missing ${missing.join(', ')}: installing ${pkgs.join(' ')}`);
  // policy-rc.d exit 101 would stop the packages from auto-starting daemons, but writing it is a
  // system change; instead any daemon that did start on 389/636 is stopped below.
  const ok = sh('apt-get', ['update']) && sh('apt-get', ['install', '-y', ...pkgs], { DEBIAN_FRONTEND: 'noninteractive' });
  missing = missingCommands();
  if (!ok || missing.length > 0) {
    console.error(`[ensure-test-deps] install failed; still missing: ${missing.join(', ') || '(none)'}`);
    process.exit(1);
  }
}

// The demo runs its own slapd on a free port: the Samba ports do not concern it.
if (openldapOnly) process.exit(0);

// --- 2. nothing else on 127.0.0.1:389/636 -------------------------------------------------------
// Read /proc directly (no dependency on ss/netstat): LISTEN sockets on those ports -> inodes -> PIDs.
const PORTS = new Set([389, 636]);

function listeningInodes() {
  const inodes = new Map(); // inode -> port
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
      const port = Number.parseInt(cols[1].split(':').pop(), 16);
      if (PORTS.has(port)) inodes.set(cols[9], port);
    }
  }
  return inodes;
}

function listeners() {
  const inodes = listeningInodes();
  if (inodes.size === 0) return [];
  const found = new Map(); // pid -> { pid, comm, cmdline, ports }
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds;
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (!m || !inodes.has(m[1])) continue;
      const entry = found.get(pid) ?? {
        pid: Number(pid),
        comm: safeRead(`/proc/${pid}/comm`).trim(),
        // The executable, not the title: Samba's worker processes rename themselves.
        exe: safeReadlink(`/proc/${pid}/exe`).split('/').pop() ?? '',
        cmdline: safeRead(`/proc/${pid}/cmdline`).replace(/\0/g, ' ').trim(),
        ports: new Set(),
      };
      entry.ports.add(inodes.get(m[1]));
      found.set(pid, entry);
    }
  }
  return [...found.values()];
}

function safeRead(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function safeReadlink(p) {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = safeRead(`/proc/${pid}/stat`);
  return stat !== '' && !/\) [ZX] /.test(stat);
}

// The test harness records the DC it started (test/harness/samba.ts); a live run's DC is left alone.
function harnessMarker() {
  try {
    return JSON.parse(readFileSync(join(tmpdir(), 'idsync-test-samba.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

// Samba rewrites its command line ("samba: root process"), so look at the files it holds open.
function usesDir(pid, dir) {
  if (!dir) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`).startsWith(`${dir}/`));
  } catch {
    return false;
  }
}

function waitGone(pid, ms) {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) spawnSync('sleep', ['0.1']);
  return !alive(pid);
}

// group: the harness starts its servers as process-group leaders, so their helpers go too.
function stopProcess(p, group = false) {
  const send = (sig) => {
    try {
      process.kill(group ? -p.pid : p.pid, sig);
    } catch {
      try {
        process.kill(p.pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  send('SIGTERM');
  if (!waitGone(p.pid, 10_000)) {
    send('SIGKILL');
    waitGone(p.pid, 3_000);
  }
}

let blocked = false;
for (const p of listeners()) {
  const ports = [...p.ports].join('/');
  const marker = harnessMarker();
  if (marker && usesDir(p.pid, marker.dir)) {
    if (alive(marker.ownerPid)) {
      console.error(
        `[ensure-test-deps] port ${ports} is held by the Samba DC of a running test run (pid ${p.pid}, owner ${marker.ownerPid}); wait for it to finish`,
      );
      blocked = true;
    } else {
      console.log(`[ensure-test-deps] stopping leftover test Samba DC pid ${p.pid} (its test run is gone)`);
      stopProcess(p, true);
    }
    continue;
  }
  const name = p.exe || p.comm;
  const kind = name.startsWith('slapd') ? 'slapd' : name.startsWith('samba') ? 'samba' : undefined;
  if (!kind) {
    console.error(`[ensure-test-deps] port ${ports} is in use by pid ${p.pid} (${p.cmdline || p.comm}); the Samba DC of the tests needs 127.0.0.1:389 and 636`);
    blocked = true;
    continue;
  }
  if (!isRoot) {
    const service = kind === 'slapd' ? 'slapd' : 'samba-ad-dc';
    console.error(`[ensure-test-deps] a system ${kind} (pid ${p.pid}) listens on ${ports}; stop it as root: sudo service ${service} stop`);
    blocked = true;
    continue;
  }
  // The Debian package's own daemon (auto-started on install): stop it through its init script
  // so it stays stopped, then make sure by PID.
  const service = kind === 'slapd' ? 'slapd' : 'samba-ad-dc';
  console.log(`[ensure-test-deps] system ${kind} pid ${p.pid} listens on ${ports}: stopping it (the test DC needs these ports)`);
  if (which('service')) sh('service', [service, 'stop']);
  if (alive(p.pid)) stopProcess(p);
  console.log(`[ensure-test-deps] ${alive(p.pid) ? 'FAILED to stop' : 'stopped'} ${kind} pid ${p.pid}`);
  if (alive(p.pid)) blocked = true;
}
if (blocked) process.exit(1);
