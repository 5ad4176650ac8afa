import type { DirectoryConfig } from '../config/load.js';
import { escapeFilterValue } from './codecs.js';
import { DirectoryConnection } from './connection.js';

export interface ServerCheck {
  url: string;
  ok: boolean;
  ms: number;
  transport: string;
  message: string;
  code?: string;
}

/**
 * Checks every server of a directory on its own (not only the first that answers): reachability,
 * TLS, credentials, and that the base DN can be read with them.
 */
export async function testDirectory(cfg: DirectoryConfig): Promise<ServerCheck[]> {
  const out: ServerCheck[] = [];
  for (const server of cfg.servers) {
    const started = Date.now();
    let conn: DirectoryConnection | undefined;
    let reading = false;
    try {
      conn = await DirectoryConnection.open({ ...cfg, servers: [server] });
      reading = true;
      const base = await conn.read(cfg.baseDn, ['1.1']);
      const who = cfg.bind ? `bound as ${cfg.bind.dn}` : 'anonymous';
      out.push({
        url: server.url,
        transport: server.transport,
        ok: !!base,
        ms: Date.now() - started,
        message: base ? `${who}; base DN ${cfg.baseDn} readable` : `${who}; but base DN ${cfg.baseDn} was not found (or is not visible to this account)`,
        code: base ? undefined : 'DIRECTORY_MISCONFIGURED',
      });
    } catch (err) {
      const e = err as { code?: string; cause?: { message?: string }; message: string };
      const message = (e.cause as Error | undefined)?.message ?? e.message;
      // A refused read of the base DN ("invalid DN syntax") says which DN: the admin may have typed several.
      out.push({
        url: server.url,
        transport: server.transport,
        ok: false,
        ms: Date.now() - started,
        message: reading && !message.includes(cfg.baseDn) ? `base DN "${cfg.baseDn}": ${message}` : message,
        code: e.code,
      });
    } finally {
      await conn?.close();
    }
  }
  return out;
}

export interface GroupHit {
  dn: string;
  name: string;
}

/**
 * Type-ahead over the directory's groups. The match runs on the server (substring on the name,
 * or a base read when the text is a DN) with a size limit, so it stays instant with 10,000+ groups.
 */
export async function searchGroups(cfg: DirectoryConfig, text: string, limit = 50): Promise<{ hits: GroupHit[]; truncated: boolean }> {
  const conn = await DirectoryConnection.open(cfg);
  try {
    const nameAttr = cfg.attributes.groupName;
    if (/^[A-Za-z][\w-]*=.+/.test(text) && text.includes('=')) {
      const e = await conn.read(text, [nameAttr], cfg.filters.group);
      return { hits: e ? [{ dn: e.dn, name: e.string(nameAttr) ?? e.dn }] : [], truncated: false };
    }
    const filter = text ? `(&${cfg.filters.group}(${nameAttr}=*${escapeFilterValue(text)}*))` : cfg.filters.group;
    const hits: GroupHit[] = [];
    let truncated = false;
    for await (const page of conn.pages({ base: cfg.baseDn, filter, attributes: [nameAttr], pageSize: Math.min(limit + 1, cfg.pageSize) })) {
      for (const e of page) hits.push({ dn: e.dn, name: e.string(nameAttr) ?? e.dn });
      if (hits.length > limit) {
        truncated = true;
        break;
      }
    }
    hits.sort((a, b) => a.name.localeCompare(b.name));
    return { hits: hits.slice(0, limit), truncated };
  } finally {
    await conn.close();
  }
}
