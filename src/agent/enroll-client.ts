import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import yaml from 'js-yaml';
import { IdsyncError, type ErrorCode, ErrorCodes } from '../errors.js';
import { protectSecret, secretRefYaml, type Protection } from './protect.js';
import { ENROLL_PATH } from './signature.js';

/**
 * `idsync agent connect`: exchanges the one-time connect key at the hub (TLS verified, CA file
 * optional) and writes the agent's configuration, with the secret key (and the bind password of a
 * directory given on the command line) protected by systemd-creds, or in a 0600 key file.
 */

export interface ConnectOptions {
  hub: string;
  key: string;
  ca?: string;
  caFile?: string;
  configFile: string;
  protection: Protection;
  directory?: {
    name: string;
    servers: string[];
    baseDn: string;
    bindDn: string;
    bindPassword: string;
    caFile?: string;
    allowWrites: boolean;
  };
}

/** POSTs JSON to the hub; an error answer becomes the IdsyncError it names. */
export function postJson(url: string, body: unknown, ca?: string): Promise<unknown> {
  const u = new URL(url);
  const data = Buffer.from(JSON.stringify(body));
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': data.length },
        ...(u.protocol === 'https:' ? { ca, rejectUnauthorized: true } : {}),
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          let json: { error?: { code?: string; message?: string } } | undefined;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          if ((res.statusCode ?? 500) < 300) return resolve(json);
          const code = json?.error?.code;
          const known = code && code in ErrorCodes ? (code as ErrorCode) : 'AGENT_CHANNEL_REFUSED';
          reject(new IdsyncError(known, `the hub answered ${res.statusCode}: ${json?.error?.message ?? text.slice(0, 200)}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const hint = /CERT|SELF_SIGNED|UNABLE_TO/.test(err.code ?? '') ? ' (give its CA with --ca FILE)' : '';
      reject(new IdsyncError('AGENT_CHANNEL_REFUSED', `cannot reach the hub at ${u.origin}: ${err.code ? `${err.code} ` : ''}${err.message}${hint}`));
    });
    req.end(data);
  });
}

export async function connectAgent(o: ConnectOptions): Promise<{ name: string; file: string; protection: Protection }> {
  const hub = o.hub.replace(/\/+$/, '');
  const creds = (await postJson(`${hub}${ENROLL_PATH}`, { connectKey: o.key }, o.ca)) as { name: string; integrationKey: string; secretKey: string };
  const file = path.resolve(o.configFile);
  const dir = path.dirname(file);
  const credDir = path.join(dir, 'credentials');
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  const secretRef = protectSecret(creds.secretKey, 'secret-key', credDir, o.protection);
  const doc: Record<string, unknown> = {
    hub,
    ...(o.caFile ? { hubCaFile: path.resolve(o.caFile) } : {}),
    name: creds.name,
    integrationKey: creds.integrationKey,
    secretKey: secretRefYaml(secretRef, dir),
    directories: [],
  };
  if (o.directory) {
    const d = o.directory;
    const pw = protectSecret(d.bindPassword, `${d.name}-bind`, credDir, o.protection);
    doc.directories = [
      {
        name: d.name,
        servers: d.servers,
        ...(d.caFile ? { caFile: path.resolve(d.caFile) } : {}),
        bind: { dn: d.bindDn, password: secretRefYaml(pw, dir) },
        baseDn: d.baseDn,
        allowWrites: d.allowWrites,
      },
    ];
  }
  const header =
    `# idsync agent "${creds.name}", enrolled at ${hub} on ${new Date().toISOString()}.\n` +
    '# Keys: docs/agent-configuration.md. Secrets are references to protected files, never values.\n';
  writeFileSync(file, header + yaml.dump(doc, { lineWidth: 160 }), { mode: 0o600 });
  return { name: creds.name, file, protection: o.protection };
}
