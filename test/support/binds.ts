import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';

/**
 * Whether a simple bind as `dn` with `password` succeeds at `server` over TLS (the CA checked):
 * how provisioning tests prove a password reached the directory. Invalid credentials (result 49)
 * are `false`; any other failure (the server unreachable, TLS) is thrown, so a broken server never
 * passes for a wrong password.
 */
export async function bindSucceeds(server: { url: string; caFile: string }, dn: string, password: string): Promise<boolean> {
  const client = new Client({ url: server.url, tlsOptions: { ca: readFileSync(server.caFile) }, timeout: 10_000, connectTimeout: 5_000 });
  try {
    await client.bind(dn, password);
    return true;
  } catch (e) {
    if ((e as { code?: number }).code === 49) return false;
    throw e;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
