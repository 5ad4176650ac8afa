import { IdsyncError } from '../errors.js';
import type { PasswordCheck } from './plan.js';
import type { TargetConfig, TargetOpener } from './service.js';
import type { PasswordPolicy, ProvisionTarget } from './target.js';

/**
 * The directory writers (src/directory/write/, the helper "write"'s part of issue 12), reached
 * through one module: `openProvisionTarget` and the password policy check.
 * TEMPORARY: loaded by a computed path until src/directory/write/ is on this branch; then these
 * become static imports.
 */
interface WriteModule {
  openProvisionTarget(
    cfg: TargetConfig,
    o: { userContainer: string; groupContainer: string; disable?: { kind: 'attribute'; attribute: string; value: string } },
  ): Promise<ProvisionTarget>;
  checkPassword(password: string, policy: PasswordPolicy | undefined, who: { username: string; fullName?: string }): { ok: true } | { ok: false; rule: string };
}

async function writeModule(): Promise<WriteModule> {
  const path = '../directory/write/index.js';
  try {
    return (await import(path)) as WriteModule;
  } catch (err) {
    throw new IdsyncError('INTERNAL', 'this build of idsync has no directory writer (src/directory/write)', { cause: err });
  }
}

export const openTarget: TargetOpener = async (cfg) => {
  const w = await writeModule();
  const p = cfg.provisioning;
  return w.openProvisionTarget(cfg, {
    userContainer: p.userContainer,
    groupContainer: p.groupContainer,
    ...(p.disable ? { disable: { kind: 'attribute', attribute: p.disable.attribute, value: p.disable.value } } : {}),
  });
};

export async function passwordCheck(): Promise<PasswordCheck> {
  const w = await writeModule();
  return (password, policy, who) => {
    const v = w.checkPassword(password, policy, who);
    return v.ok ? undefined : v.rule;
  };
}
