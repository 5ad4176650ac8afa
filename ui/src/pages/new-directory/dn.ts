/**
 * What is wrong with a distinguished name's syntax (RFC 4514 section 3), or undefined when it
 * parses: RDNs separated by commas, each `type=value` (several joined by `+`), the type a
 * descriptor (`dc`, `ou`, `cn`) or a numeric OID, special characters in values escaped with a
 * backslash. The message names the DN, so an error shown later is never ambiguous. Whether the
 * entry exists is for the connection test to say.
 */
export function dnProblem(dn: string): string | undefined {
  const text = dn.trim();
  if (!text) return undefined;
  const bad = (why: string) => `"${text}" is not a valid DN: ${why}. Write it as RDNs separated by commas, such as dc=example,dc=com.`;
  // Split on unescaped commas and plus signs, keeping escapes (\, \+ \\ \2C) inside values.
  const rdns: string[][] = [[]];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      if (i + 1 >= text.length) return bad('it ends with a lone backslash');
      cur += ch + text[i + 1];
      i++;
    } else if (ch === ',' || ch === '+') {
      rdns[rdns.length - 1].push(cur);
      cur = '';
      if (ch === ',') rdns.push([]);
    } else cur += ch;
  }
  rdns[rdns.length - 1].push(cur);
  for (const rdn of rdns) {
    for (const ava of rdn) {
      const part = ava.trim();
      if (!part) return bad('a part between commas is empty');
      const eq = part.indexOf('=');
      if (eq < 0) return bad(`"${part}" has no "="`);
      const type = part.slice(0, eq).trim();
      if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(type)) return bad(`"${type}" is not an attribute type`);
      if (!part.slice(eq + 1).trim()) return bad(`"${type}=" has no value`);
    }
  }
  return undefined;
}
