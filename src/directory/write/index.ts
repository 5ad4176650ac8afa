import type { DirectoryConfig } from '../../config/load.js';
import type { ProvisionTarget } from '../../provision/target.js';
import type { DisableMethod } from '../profiles/provisioning.js';
import { ActiveDirectoryTarget } from './active-directory.js';
import { OpenLdapTarget } from './openldap.js';

export { ActiveDirectoryTarget } from './active-directory.js';
export { OpenLdapTarget } from './openldap.js';
export { passwordModifyRequest, PASSWORD_MODIFY_OID } from './openldap-passwords.js';
export { checkPassword, PASSWORD_RULES, type PasswordVerdict } from './password-policy.js';
export { mapWriteError } from './diagnostics.js';
export { OPENLDAP_DEFAULT_DISABLE, provisioningProfileFor, type DisableMethod } from '../profiles/provisioning.js';

export interface ProvisionTargetOptions {
  userContainer: string;
  groupContainer: string;
  /** OpenLDAP only: how an account is disabled (default pwdAccountLockedTime: 000001010000Z). */
  disable?: DisableMethod;
  /** OpenLDAP only: let passwords cross a clear connection, when the configuration says so explicitly. */
  allowInsecurePasswords?: boolean;
  /** OpenLDAP only: the server hashes a clear userPassword in an add (provisioning.serverHashesPasswords). */
  serverHashesPasswords?: boolean;
}

/**
 * Opens the provisioning target of a configured directory (issue 12): one bound connection to the
 * first server that answers, with the directory's TLS settings. The caller closes it.
 */
export async function openProvisionTarget(cfg: DirectoryConfig, options: ProvisionTargetOptions): Promise<ProvisionTarget> {
  return cfg.type === 'active-directory'
    ? ActiveDirectoryTarget.open(cfg, { userContainer: options.userContainer, groupContainer: options.groupContainer })
    : OpenLdapTarget.open(cfg, options);
}
