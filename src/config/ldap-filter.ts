import { FilterParser } from 'ldapts';

/**
 * What is wrong with an LDAP search filter (RFC 4515), or null. The filter is parsed by the
 * parser that encodes it at search time (src/directory/stream/requests.ts), so a filter the
 * configuration or the API accepts is one idsync can send; the parenthesis count is checked
 * first, because that parser accepts `(&(a=b)(c=d)` with its last parenthesis missing. Literal
 * parentheses in a value are written \28 and \29 (RFC 4515 section 3), so every raw one counts.
 */
export function ldapFilterProblem(filter: string): string | null {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === '\\') i++;
    else if (filter[i] === '(') depth++;
    else if (filter[i] === ')' && --depth < 0) break;
    if (depth === 0 && i < filter.length - 1) return 'must be one LDAP filter in parentheses, such as (objectClass=user); its parentheses do not balance';
  }
  if (depth !== 0) return 'must be one LDAP filter in parentheses, such as (objectClass=user); its parentheses do not balance';
  try {
    FilterParser.parseString(filter);
    return null;
  } catch (err) {
    return `is not a valid LDAP filter (RFC 4515): ${(err as Error).message}`;
  }
}
