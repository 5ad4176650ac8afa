import { describe, expect, it } from 'vitest';
import { maxPageEntries, PagingLoopGuard } from './limits.js';

const at = { server: 'ldap://dc1', target: 'dc=corp,dc=example,dc=test' };

describe('the paging loop guard (RFC 2696: a cookie is opaque, progress is what counts)', () => {
  it('accepts the same cookie with new entries (a server may keep one cookie per result set)', () => {
    const g = new PagingLoopGuard();
    g.check(Buffer.from('1'), ['uid=a', 'uid=b'], at);
    g.check(Buffer.from('1'), ['uid=c', 'uid=d'], at);
    g.check(Buffer.from('2'), [], at);
  });

  it('refuses the same cookie with the same entries, and an empty page repeated with its cookie', () => {
    const g = new PagingLoopGuard();
    g.check(Buffer.from('loop'), ['uid=a'], at);
    expect(() => g.check(Buffer.from('loop'), ['uid=a'], at)).toThrow(expect.objectContaining({ code: 'DIRECTORY_PROTOCOL' }));
    g.check(Buffer.from('x'), [], at);
    expect(() => g.check(Buffer.from('x'), [], at)).toThrow(/same paging cookie/);
  });

  it('does not confuse a cookie and the first DN (lengths are part of the digest)', () => {
    const g = new PagingLoopGuard();
    g.check(Buffer.from('ab'), ['c'], at);
    g.check(Buffer.from('a'), ['bc'], at);
  });
});

describe('the entries-per-page cap', () => {
  it('is ten times the page size, at least 1,000, unless configured', () => {
    expect(maxPageEntries(undefined, 1000)).toBe(10_000);
    expect(maxPageEntries({ maxMessageBytes: 1 }, 5)).toBe(1000);
    expect(maxPageEntries({ maxMessageBytes: 1, maxPageEntries: 50 }, 1000)).toBe(50);
  });
});
