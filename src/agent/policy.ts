import { dnKey, isUnder } from '../directory/codecs.js';
import { elements, integer, Tag, type Tlv } from '../directory/stream/ber.js';
import { Op } from '../directory/stream/protocol.js';
import { STARTTLS_OID } from '../directory/stream/requests.js';

/**
 * What the agent lets through (issue 13, "safe by construction"), decided on each LDAP request the
 * hub relays, before anything reaches the directory, and on each entry the directory answers:
 *
 * - writes (add, modify, delete, modify DN, and every extended operation but Who am I?) only when
 *   the agent's configuration allows writes for that directory;
 * - only under the configured base DN (and the root DSE, read with a base-scope search of "");
 * - no password attribute (PASSWORD_ATTRIBUTES) in an answer, even when asked for, nor in a
 *   search filter or a compare, which would reveal it one guess at a time;
 * - binds are answered by the agent itself and never reach the directory: the session is the
 *   agent's own bound one. An anonymous bind (empty name and password) is answered with success
 *   (it changes nothing: a hub that binds anonymously still reads as the agent's account); any
 *   other bind is refused with unwillingToPerform, so a hub cannot switch accounts or test passwords.
 *
 * A compromised hub can therefore read no more through an agent than the service account allows,
 * never a password hash, and can write nothing through a read-only agent.
 */

/**
 * Attributes never returned. Compared case-insensitively, without options (`userPassword;binary`).
 * AD: unicodePwd, dBCSPwd, ntPwdHistory, lmPwdHistory, supplementalCredentials, unixUserPassword,
 * msDS-ManagedPassword, ms-Mcs-AdmPwd (LAPS); RFC 4519 / OpenLDAP: userPassword, authPassword (RFC 3112),
 * sambaNTPassword, sambaLMPassword; krb5Key (Heimdal schema).
 */
export const PASSWORD_ATTRIBUTES: ReadonlySet<string> = new Set(
  [
    'unicodePwd',
    'dBCSPwd',
    'ntPwdHistory',
    'lmPwdHistory',
    'supplementalCredentials',
    'unixUserPassword',
    'userPassword',
    'authPassword',
    'msDS-ManagedPassword',
    'ms-Mcs-AdmPwd',
    'msLAPS-Password',
    'msLAPS-EncryptedPassword',
    'sambaNTPassword',
    'sambaLMPassword',
    'sambaPasswordHistory',
    'krb5Key',
    'initialAuthIncoming',
    'initialAuthOutgoing',
    'trustAuthIncoming',
    'trustAuthOutgoing',
    'priorValue',
    'currentValue',
  ].map((a) => a.toLowerCase()),
);

export function isPasswordAttribute(description: string): boolean {
  const i = description.indexOf(';');
  return PASSWORD_ATTRIBUTES.has((i < 0 ? description : description.slice(0, i)).trim().toLowerCase());
}

/** RFC 4532 Who am I?: reads the session's own identity, writes nothing. */
export const WHOAMI_OID = '1.3.6.1.4.1.4203.1.11.3';

export const LdapResultCode = {
  success: 0,
  protocolError: 2,
  insufficientAccessRights: 50,
  unwillingToPerform: 53,
  noSuchObject: 32,
} as const;

export interface PolicyContext {
  baseDn: string;
  allowWrites: boolean;
  /** For messages: the agent's and the directory's names. */
  agent: string;
  directory: string;
}

/** A parsed request: its id, its operation, its raw parts (for forwarding and answering). */
export interface Request {
  messageId: number;
  op: number;
  body: Tlv;
  rest: Tlv[];
}

export function parseRequest(raw: Buffer): Request {
  const outer = elements(raw);
  if (outer.length !== 1 || outer[0].tag !== Tag.Sequence) throw new Error('not an LDAPMessage');
  const els = elements(outer[0].value);
  if (els.length < 2 || els[0].tag !== Tag.Integer) throw new Error('LDAPMessage without messageID or protocolOp');
  return { messageId: integer(els[0].value, 'messageID'), op: els[1].tag, body: els[1], rest: els.slice(2) };
}

export type Decision =
  | { kind: 'forward' }
  /** Answer locally with this result (the response op is the request's). */
  | { kind: 'answer'; resultCode: number; message: string }
  | { kind: 'abandon'; id: number }
  | { kind: 'unbind' };

/** CompareRequest ::= [APPLICATION 14] (RFC 4511 section 4.10). */
const COMPARE_REQUEST = 0x6e;

const WRITES: ReadonlyMap<number, string> = new Map([
  [0x68, 'add'],
  [0x66, 'modify'],
  [0x4a, 'delete'],
  [0x6c, 'modify DN'],
]);

export function decide(req: Request, ctx: PolicyContext): Decision {
  const refuse = (resultCode: number, why: string): Decision => ({ kind: 'answer', resultCode, message: `refused by agent "${ctx.agent}": ${why}` });
  const readOnly = (what: string) =>
    refuse(LdapResultCode.insufficientAccessRights, `${what} is a write, and this agent is read-only for directory "${ctx.directory}" (allowWrites: false)`);
  const outside = (dn: string) => refuse(LdapResultCode.insufficientAccessRights, `"${dn}" is outside the base DN ${ctx.baseDn}`);
  const base = dnKey(ctx.baseDn);
  const under = (dn: string) => isUnder(dnKey(dn), base);
  const utf8 = (b: Buffer) => b.toString('utf8');

  switch (req.op) {
    case Op.BindRequest: {
      // BindRequest ::= SEQUENCE { version, name LDAPDN, authentication AuthenticationChoice }
      const [, name, auth] = elements(req.body.value);
      const anonymous = name?.value.length === 0 && auth?.tag === 0x80 && auth.value.length === 0;
      if (anonymous) return { kind: 'answer', resultCode: LdapResultCode.success, message: '' };
      return refuse(LdapResultCode.unwillingToPerform, "binds are not relayed: the agent's session is bound with its own account");
    }
    case Op.UnbindRequest:
      return { kind: 'unbind' };
    case Op.AbandonRequest:
      return { kind: 'abandon', id: integer(req.body.value, 'abandon messageID') };
    case Op.SearchRequest: {
      // SearchRequest ::= SEQUENCE { baseObject, scope, derefAliases, sizeLimit, timeLimit, typesOnly, filter, attributes }
      const els = elements(req.body.value);
      const dn = utf8(els[0]?.value ?? Buffer.alloc(0));
      const scope = els[1] ? integer(els[1].value, 'scope') : -1;
      const rootDse = dn === '' && scope === 0;
      if (!rootDse && !under(dn)) return outside(dn);
      const filterAttr = els[6] ? passwordInFilter(els[6]) : undefined;
      if (filterAttr) return refuse(LdapResultCode.insufficientAccessRights, `the filter tests ${filterAttr}, a password attribute`);
      return { kind: 'forward' };
    }
    case COMPARE_REQUEST: {
      // CompareRequest ::= SEQUENCE { entry LDAPDN, ava AttributeValueAssertion }
      const [entry, ava] = elements(req.body.value);
      const dn = utf8(entry?.value ?? Buffer.alloc(0));
      if (!under(dn)) return outside(dn);
      const attr = ava ? utf8(elements(ava.value)[0]?.value ?? Buffer.alloc(0)) : '';
      if (isPasswordAttribute(attr)) return refuse(LdapResultCode.insufficientAccessRights, `compare on ${attr}, a password attribute`);
      return { kind: 'forward' };
    }
    case Op.ExtendedRequest: {
      const name = elements(req.body.value).find((e) => e.tag === 0x80);
      const oid = name ? utf8(name.value) : '';
      if (oid === WHOAMI_OID) return { kind: 'forward' };
      if (oid === STARTTLS_OID) {
        return refuse(LdapResultCode.unwillingToPerform, "StartTLS is not relayed: the channel is TLS, and the agent's own connection has its own");
      }
      return ctx.allowWrites ? { kind: 'forward' } : readOnly(`the extended operation ${oid}`);
    }
    default: {
      const what = WRITES.get(req.op);
      if (!what) return refuse(LdapResultCode.protocolError, `unknown operation (protocolOp tag 0x${req.op.toString(16)})`);
      if (!ctx.allowWrites) return readOnly(`${what}`);
      const targets = writeTargets(req);
      const bad = targets.find((dn) => !under(dn));
      return bad === undefined ? { kind: 'forward' } : outside(bad);
    }
  }
}

/** The DNs a write touches: its entry, and for modify DN the new superior (and the resulting DN). */
function writeTargets(req: Request): string[] {
  if (req.op === 0x4a) return [req.body.value.toString('utf8')];
  const els = elements(req.body.value);
  const dn = els[0]?.value.toString('utf8') ?? '';
  if (req.op !== 0x6c) return [dn];
  // ModifyDNRequest ::= SEQUENCE { entry, newrdn, deleteoldrdn, newSuperior [0] LDAPDN OPTIONAL }
  const sup = els.find((e) => e.tag === 0x80);
  return sup ? [dn, sup.value.toString('utf8')] : [dn];
}

/** The first password attribute a filter tests (RFC 4511 section 4.5.1.7), or undefined. */
export function passwordInFilter(f: Tlv): string | undefined {
  const utf8 = (b: Buffer) => b.toString('utf8');
  const check = (a: string) => (isPasswordAttribute(a) ? a : undefined);
  switch (f.tag) {
    case 0xa0: // and [0] SET OF Filter
    case 0xa1: // or [1]
      for (const c of elements(f.value)) {
        const hit = passwordInFilter(c);
        if (hit) return hit;
      }
      return undefined;
    case 0xa2: // not [2] Filter
      return elements(f.value)
        .map(passwordInFilter)
        .find((x) => x);
    case 0xa3: // equalityMatch [3] AttributeValueAssertion
    case 0xa4: // substrings [4] SEQUENCE { type, substrings }
    case 0xa5: // greaterOrEqual [5]
    case 0xa6: // lessOrEqual [6]
    case 0xa8: // approxMatch [8]
      return check(utf8(elements(f.value)[0]?.value ?? Buffer.alloc(0)));
    case 0x87: // present [7] AttributeDescription
      return check(utf8(f.value));
    case 0xa9: {
      // extensibleMatch [9] MatchingRuleAssertion { matchingRule [1], type [2], matchValue [3], dnAttributes [4] }
      const type = elements(f.value).find((e) => e.tag === 0x82);
      return type ? check(utf8(type.value)) : undefined;
    }
    default:
      return undefined;
  }
}
