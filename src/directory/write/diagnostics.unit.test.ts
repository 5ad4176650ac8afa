import { InsufficientAccessError, ResultCodeError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { mapWriteError, passwordRule, win32Code } from './diagnostics.js';

class Refusal extends ResultCodeError {
  constructor(code: number, message: string) {
    super(code, message);
  }
}
const refusal = (code: number, diagnostic: string) => new Refusal(code, diagnostic);
const ctx = { server: 'ldaps://dc1:636', operation: 'set the password of', target: 'CN=Alice,OU=Staff,DC=corp' };

describe('decoding a directory refusal of a write', () => {
  it("turns Samba's 0000052D texts into the rule that failed", () => {
    const short = mapWriteError(
      refusal(19, '0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!'),
      ctx,
    );
    expect(short.code).toBe('PROVISION_PASSWORD_POLICY');
    expect(short.message).toBe('ldaps://dc1:636: set the password of CN=Alice,OU=Staff,DC=corp refused by the password policy: at least 7 characters');
    const complex = mapWriteError(
      refusal(19, '0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!'),
      ctx,
    );
    expect(complex.message).toMatch(/needs 3 of 4 character classes/);
    const history = mapWriteError(refusal(19, '0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!'), {
      ...ctx,
      historyLength: 24,
    });
    expect(history.message).toMatch(/must not be one of the last 24 passwords/);
  });

  it("decodes Windows' 0000052D, which names no rule, into the policy code all the same", () => {
    const e = mapWriteError(
      refusal(19, '0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)'),
      ctx,
    );
    expect(e.code).toBe('PROVISION_PASSWORD_POLICY');
    expect(e.message).toMatch(/password policy \(length, complexity or history\)/);
  });

  it('maps rights, conflicts and schema refusals to their provisioning codes', () => {
    expect(mapWriteError(new InsufficientAccessError('acl: unable to get access to CN=x'), ctx)).toMatchObject({
      code: 'PROVISION_RIGHTS',
      message: expect.stringContaining('acl: unable to get access'),
    });
    expect(mapWriteError(refusal(68, '00002071: UpdErr: DSID-030503F9, problem 6005 (ENTRY_EXISTS)'), ctx).code).toBe('PROVISION_CONFLICT');
    expect(mapWriteError(refusal(65, 'object class violation'), ctx).code).toBe('PROVISION_INVALID');
    expect(mapWriteError(refusal(19, '000020B5: AtrErr: constraint'), ctx).code).toBe('PROVISION_INVALID');
  });

  it("keeps the read side's mapping for the rest, with the server's words added", () => {
    const e = mapWriteError(refusal(53, '0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM)'), ctx);
    expect(e.code).toBe('DIRECTORY_OPERATION_FAILED');
    expect(e.message).toMatch(/unwilling.*WILL_NOT_PERFORM/);
  });

  it('reads the Win32 code and the rule words on their own', () => {
    expect(win32Code('0000052D: x')).toBe(0x52d);
    expect(win32Code('no code here')).toBeUndefined();
    expect(passwordRule('something else')).toBeUndefined();
  });
});
