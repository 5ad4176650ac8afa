import { describe, expect, it } from 'vitest';
import { checkUsername, usernameProblem } from './usernames.js';

describe('the username rule (local users)', () => {
  it('refuses NUL, control and invisible characters, slashes, dot names, and space at either end', () => {
    for (const bad of [
      '',
      'a\u0000b',
      'tab\there',
      'line\nbreak',
      'del\u007f',
      'c1\u0085',
      'rtl\u202Eevil',
      'zero\u200Bwidth',
      'ls\u2028',
      '../etc',
      'a/b',
      'a\\b',
      ' ',
      '   ',
      ' alice',
      'alice ',
      'alice\u00a0',
      '.',
      '..',
      'x'.repeat(257),
    ]) {
      expect(usernameProblem(bad), JSON.stringify(bad)).toBeDefined();
    }
  });

  it('allows names in any script, with inner spaces, dots, apostrophes and @', () => {
    for (const good of ['alice', 'Jean Dupont', "o'brien", 'josé.garcía', 'bob@corp.example', '..hidden', 'a.', '张伟', 'x'.repeat(256)]) {
      expect(usernameProblem(good), good).toBeUndefined();
    }
  });

  it('says what is wrong and where', () => {
    expect(() => checkUsername('a\u0000b', 'username')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', where: 'username', message: expect.stringContaining('U+0000') }),
    );
    expect(() => checkUsername('../x')).toThrow(/contains "\/"/);
    expect(() => checkUsername(' ')).toThrow(/white space/);
  });
});
