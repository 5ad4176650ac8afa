import { checkPassword, openProvisionTarget } from '../directory/write/index.js';
import type { PasswordCheck } from './plan.js';
import type { TargetOpener } from './service.js';

/** The directory writers (src/directory/write/) as provisioning calls them. */
export const openTarget: TargetOpener = (cfg) => {
  const p = cfg.provisioning;
  return openProvisionTarget(cfg, {
    userContainer: p.userContainer,
    groupContainer: p.groupContainer,
    ...(p.disable ? { disable: { kind: 'attribute', attribute: p.disable.attribute, value: p.disable.value } } : {}),
    ...(p.serverHashesPasswords ? { serverHashesPasswords: true } : {}),
  });
};

/** The domain's password rules, checked before a password is sent (issue 12, "Validation before anything is sent"). */
export const passwordCheck: PasswordCheck = (password, policy, who) => {
  const v = checkPassword(password, policy, who);
  return v.ok ? undefined : v.rule;
};
