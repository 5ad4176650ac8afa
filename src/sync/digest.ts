import { hash } from 'node:crypto';

/**
 * The digest full syncs use to recognise an entry they have seen before (a user's source, a group
 * entry): base64 SHA-1 of its bytes. It detects change, not tampering: whoever could forge a
 * collision can write the directory anyway. SHA-1 rather than MD5 because x86 and ARM cores with
 * SHA extensions compute it in about 60% of MD5's time, and a 100,000-user sync takes 110,000.
 */
export function entryDigest(data: Uint8Array | string): string {
  return hash('sha1', data, 'base64');
}
