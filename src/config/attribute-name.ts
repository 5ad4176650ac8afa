import { z } from 'zod';

/**
 * An attribute description as RFC 4512 section 2.5 writes it: a descriptor (`keystring`: a
 * letter, then letters, digits and hyphens) or a numeric OID, optionally followed by options
 * (`;binary`, `;lang-en`). Anything else (`e mail!`) is no attribute a server can return, so a
 * mapping that names it would import every user with that field empty; the file and the admin
 * API refuse it with this one rule.
 */
export const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))+)(?:;[A-Za-z0-9-]+)*$/;

export const attributeName = z
  .string()
  .min(1)
  .regex(
    ATTRIBUTE_NAME,
    'must be an LDAP attribute name (RFC 4512): letters, digits and hyphens starting with a letter, such as mail, or an OID such as 0.9.2342.19200300.100.1.3',
  );
