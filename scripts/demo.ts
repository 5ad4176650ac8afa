/**
 * `npm run demo`: a throwaway OpenLDAP server seeded with a small sample organisation, synced
 * into idsync's embedded SQLite store by the real `idsync` command, and what was imported.
 * Everything lives in a temporary folder that is removed at the end (IDSYNC_KEEP_DEMO=1 keeps it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { startSlapd } from '../test/harness/slapd.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'idsync.js');
const base = 'dc=corp,dc=example,dc=test';

const people: [uid: string, given: string, sn: string, phone?: string][] = [
  ['ada', 'Ada', 'Lovelace', '+44 20 7946 0018'],
  ['alan', 'Alan', 'Turing', '+44 161 496 0723 x12'],
  ['grace', 'Grace', 'Hopper', '+1 212 555 0142'],
  ['edsger', 'Edsger', 'Dijkstra'],
  ['barbara', 'Barbara', 'Liskov', '+1 617 555 0199'],
  ['ken', 'Ken', 'Thompson'],
  ['dennis', 'Dennis', 'Ritchie'],
  ['margaret', 'Margaret', 'Hamilton', '+1 617 555 0110'],
  ['linus', 'Linus', 'Torvalds'],
  ['guest', 'Guest', 'Account'],
];

function ldif(): string {
  const out: string[] = [];
  for (const [uid, given, sn, phone] of people) {
    out.push(
      [
        `dn: uid=${uid},ou=people,${base}`,
        'objectClass: inetOrgPerson',
        `uid: ${uid}`,
        `cn: ${given} ${sn}`,
        `givenName: ${given}`,
        `sn: ${sn}`,
        `displayName: ${given} ${sn}`,
        `mail: ${uid}@corp.example.test`,
        ...(phone ? [`telephoneNumber: ${phone}`] : []),
      ].join('\n'),
    );
  }
  const group = (cn: string, members: string[]) =>
    [`dn: cn=${cn},ou=groups,${base}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members.map((m) => `member: ${m}`)].join('\n');
  const u = (uid: string) => `uid=${uid},ou=people,${base}`;
  const g = (cn: string) => `cn=${cn},ou=groups,${base}`;
  // Engineering contains Compilers, which contains Kernel: nesting two deep, flattened by idsync.
  out.push(group('Kernel', [u('ken'), u('dennis'), u('linus')]));
  out.push(group('Compilers', [u('grace'), u('barbara'), g('Kernel')]));
  out.push(group('Engineering', [u('ada'), u('alan'), g('Compilers')]));
  out.push(group('Apollo', [u('margaret'), u('edsger')]));
  out.push(group('Visitors', [u('guest')]));
  return `${out.join('\n\n')}\n`;
}

const dir = mkdtempSync(path.join(tmpdir(), 'idsync-demo-'));
console.log('Starting a throwaway OpenLDAP server with a sample organisation…');
const slapd = await startSlapd({ initialLdif: ldif() });
try {
  const config = {
    store: 'sqlite:./data/idsync.db',
    directories: [
      {
        name: 'demo',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: { env: 'DEMO_BIND_PASSWORD' } },
        baseDn: base,
        groups: [`cn=Engineering,ou=groups,${base}`, `cn=Apollo,ou=groups,${base}`],
        importPhones: true,
      },
    ],
  };
  const configFile = path.join(dir, 'idsync.yaml');
  writeFileSync(configFile, YAML.stringify(config));
  console.log(`Configuration (${configFile}):\n\n${YAML.stringify(config).replace(/^/gm, '    ')}`);
  const env = { ...process.env, DEMO_BIND_PASSWORD: slapd.password };
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [bin, '--config', configFile, ...args], { env, cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

  console.log('$ idsync sync');
  process.stdout.write(run('sync'));
  const store = JSON.parse(run('export')) as {
    users: { username: string; fullName: string; email: string; phones: string[]; status: string; groups: string[] }[];
    groups: { name: string; members: string[] }[];
  };
  console.log('\nImported users (Visitors was not chosen, so guest is not here):');
  for (const u of store.users) {
    const phones = (u.phones.join(' ') || '-').padEnd(15);
    console.log(`  ${u.username.padEnd(9)} ${u.fullName.padEnd(18)} ${u.email.padEnd(28)} ${phones} ${u.status.padEnd(7)} ${u.groups.join(', ')}`);
  }
  console.log('\nImported groups (nested members flattened into the chosen group):');
  for (const g of store.groups) console.log(`  ${g.name.padEnd(12)} ${g.members.join(', ')}`);
  console.log('\nTry next:  idsync --config <file> sync --dry-run | runs | users show alan | directory groups --search e');
} finally {
  await slapd.dispose();
  if (process.env.IDSYNC_KEEP_DEMO === '1') console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
