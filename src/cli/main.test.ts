import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/idsync.js');

describe('idsync command line', () => {
  it('stops quietly with success when the reader of its output goes away (idsync … | head)', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before the CLI writes: its first write meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(code).toBe(0);
  });

  it('prints the version from package.json', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(path.dirname(BIN), '../package.json'), 'utf8')) as { version: string };
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  // Issue 10 item 14: these ended as exit 70 [INTERNAL] (or, for /dev/zero, a process growing to 7 GB).
  it('answers exit 2 naming the key for a config folder, an oversized config, a bad port, a caFile folder and a store under a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-cli-config-'));
    mkdirSync(path.join(dir, 'folder'));
    writeFileSync(path.join(dir, 'file'), 'x');
    const yaml = (store: string, server: string, caFile?: string) =>
      [
        `store: ${store}`,
        'directories:',
        '  - name: corp',
        '    type: openldap',
        `    servers: ["${server}"]`,
        ...(caFile ? [`    caFile: ${caFile}`] : []),
        '    baseDn: dc=corp,dc=example,dc=test',
        '    groups: ["cn=eng,dc=corp,dc=example,dc=test"]',
      ].join('\n');
    const cases: { name: string; config: string; where: RegExp }[] = [
      { name: 'config folder', config: path.join(dir, 'folder'), where: /--config .*folder/ },
      { name: '/dev/zero', config: '/dev/zero', where: /--config \/dev\/zero: .*larger than/ },
    ];
    const write = (name: string, text: string) => {
      const f = path.join(dir, `${name}.yaml`);
      writeFileSync(f, text);
      return f;
    };
    cases.push({
      name: 'port',
      config: write('port', yaml('sqlite:./s.db', 'ldap://dc1:99999')),
      where: /directories\[0\]\.servers\[0\]: port 99999 is out of range/,
    });
    cases.push({
      name: 'no host',
      config: write('nohost', yaml('sqlite:./s.db', 'ldaps://?/')),
      where: /directories\[0\]\.servers\[0\]: must be an LDAP URL .*a host name or address/,
    });
    cases.push({
      name: 'caFile folder',
      config: write('ca', yaml('sqlite:./s.db', 'ldaps://dc1:636', './folder')),
      where: /directories\[0\]\.caFile: .*folder/,
    });
    cases.push({
      name: 'store under a file',
      config: write('store', yaml('sqlite:./file/idsync.db', 'ldaps://dc1:636')),
      where: /store: .*file is a file, not a folder/,
    });
    for (const c of cases) {
      const r = spawnSync(process.execPath, [BIN, '--config', c.config, 'runs'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr, c.name).toMatch(/^idsync: error \[CONFIG_INVALID\]/);
      expect(r.stderr, c.name).toMatch(c.where);
      expect(r.status, c.name).toBe(2);
    }
  });
});
