import { describe, expect, it } from 'vitest';
import { directorySchema } from '../../config/schema.js';
import { ATTRIBUTE_KEYS, effectiveAttributes } from './attributes.js';
import { profileFor } from './index.js';

describe('the attribute map, defined once', () => {
  it('gives the configuration schema and every profile exactly its keys, in its order', () => {
    expect(Object.keys(directorySchema.shape.attributes.removeDefault().shape)).toEqual(ATTRIBUTE_KEYS);
    for (const type of ['active-directory', 'openldap'] as const) expect(Object.keys(profileFor(type).attributes).sort()).toEqual([...ATTRIBUTE_KEYS].sort());
  });

  it('fills what a configuration leaves out from the profile, and takes a single member attribute as a list', () => {
    const ad = profileFor('active-directory').attributes;
    const a = effectiveAttributes({ email: 'userPrincipalName', aliases: ['mail'], member: 'uniqueMember' }, ad);
    expect(a).toEqual({ ...ad, email: 'userPrincipalName', aliases: ['mail'], member: ['uniqueMember'] });
    expect(Object.keys(a)).toEqual(ATTRIBUTE_KEYS);
  });

  it('still refuses more than four aliases, with the same words', () => {
    const r = directorySchema.shape.attributes.safeParse({ aliases: ['a', 'b', 'c', 'd', 'e'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe('at most 4 username aliases');
  });
});
