// The same two paged searches idsync makes (groups, then users, same attributes, same page
// size), through ldapts and nothing else. Sits between the ldapsearch floor and idsync: the gap
// to ldapsearch is the price of the LDAP client library, the gap to idsync is idsync's own work.
// Plain JavaScript so it runs under bare `node`, without tsx's loader in the measurement.
//
//   node bench/ldapts-read.mjs URL BIND_DN PASSWORD BASE_DN USER_ATTRS GROUP_ATTRS
// prints {"users":N,"groups":M,"memberValues":K,"ms":T}
import { Client } from 'ldapts';

const [url, bindDn, password, base, userAttrs, groupAttrs] = process.argv.slice(2);
const client = new Client({ url, strictDN: false, timeout: 600_000 });
const started = performance.now();
await client.bind(bindDn, password);
let groups = 0;
let users = 0;
let memberValues = 0;
const paged = { pageSize: 1000 };
for await (const page of client.searchPaginated(base, {
  scope: 'sub',
  filter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
  attributes: groupAttrs.split(','),
  paged,
})) {
  for (const e of page.searchEntries) {
    groups++;
    const m = e.member;
    memberValues += Array.isArray(m) ? m.length : m ? 1 : 0;
  }
}
for await (const page of client.searchPaginated(base, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes: userAttrs.split(','), paged })) {
  users += page.searchEntries.length;
}
await client.unbind();
process.stdout.write(`${JSON.stringify({ users, groups, memberValues, ms: Math.round(performance.now() - started) })}\n`);
