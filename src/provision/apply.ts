import { IdsyncError } from '../errors.js';
import type { Secret } from '../secret.js';
import type { ExportPlan } from './plan.js';
import type { ProvisionTarget, TargetEntry } from './target.js';

/**
 * Writes one export plan (src/provision/plan.ts) through a ProvisionTarget, in the plan's order:
 * the mirror of src/sync/apply.ts. A new user is created disabled, then gets its password, then
 * is enabled (issue 12: "A failed password therefore never leaves an enabled account without
 * one"): the plan lists them in that order and a failure stops the rest. A target that can do
 * the three in one atomic add (AD) gets them as one call, with the same guarantee.
 */

export interface ApplyOptions {
  /** The password a `user.password` change sets; never part of the plan. */
  password?: Secret;
  /**
   * Called before a create with the DN it will make, so the caller can record it first: a crash
   * between the create and the record then finds the object there and takes it as its own
   * (deliver.ts) instead of calling it a conflict.
   */
  beforeCreate?: (dn: string) => Promise<void>;
  /** Called once the object exists, before its password and enabling: a later failure keeps its id. */
  onCreated?: (entry: TargetEntry) => Promise<void>;
}

export interface Applied {
  /** The directory's immutable id and the object's DN once the plan is written. */
  targetId: string;
  targetDn: string;
  created: boolean;
  /** Whether the DN changed (created or renamed): the groups listing the user follow it. */
  moved: boolean;
}

export async function applyExport(plan: ExportPlan, target: ProvisionTarget, opts: ApplyOptions = {}): Promise<Applied | undefined> {
  if (plan.outcome) throw new IdsyncError(plan.outcome.code, plan.outcome.message, { where: plan.name });
  let entry: TargetEntry | undefined = plan.entry;
  let dn = entry?.dn;
  let created = false;
  let moved = false;
  const at = (): string => {
    if (!dn) throw new IdsyncError('INTERNAL', `export plan of ${plan.kind} "${plan.name}" changes an object it has not created`);
    return dn;
  };
  const { changes } = plan;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    switch (c.kind) {
      case 'user.create': {
        await opts.beforeCreate?.(c.dn);
        const user = { rdn: c.rdn, attributes: c.attributes };
        // Create, password and enable in one atomic add where the target can (AD): the plan's
        // three steps, with the same guarantee and one write (ProvisionTarget.createUserWithPassword).
        const withPassword = changes[i + 1]?.kind === 'user.password' && opts.password && target.createUserWithPassword;
        if (withPassword) {
          const enable = changes[i + 2]?.kind === 'user.enable';
          entry = await target.createUserWithPassword!(user, opts.password!.reveal(), enable ? { enable: true } : undefined);
          i += enable ? 2 : 1;
        } else {
          entry = await target.createUser(user);
        }
        dn = entry.dn;
        created = moved = true;
        await opts.onCreated?.(entry);
        break;
      }
      case 'group.create':
        await opts.beforeCreate?.(c.dn);
        entry = await target.createGroup({ rdn: c.rdn, attributes: c.attributes, members: c.members });
        dn = entry.dn;
        created = moved = true;
        await opts.onCreated?.(entry);
        break;
      case 'user.rename':
      case 'group.rename':
        dn = await target.rename(at(), c.to);
        moved = true;
        break;
      case 'user.update':
      case 'group.update':
        await target.modify(
          at(),
          Object.entries(c.attributes).map(([attribute, v]) => ({ attribute, values: v.to })),
        );
        break;
      case 'user.password': {
        if (!opts.password) throw new IdsyncError('INTERNAL', `export plan of "${plan.name}" sets a password it was not given`);
        // Password then enable in one write where the directory can (AD: one atomic modify, so a
        // refused password still leaves the account disabled); the target keeps the order otherwise.
        const enable = changes[i + 1]?.kind === 'user.enable';
        await target.setPassword(at(), opts.password.reveal(), enable ? { enable: true } : undefined);
        if (enable) i++;
        break;
      }
      case 'user.enable':
        await target.setEnabled(at(), true);
        break;
      case 'user.disable':
        await target.setEnabled(at(), false);
        break;
      case 'group.members':
        await target.changeMembers(at(), c.add, c.remove);
        break;
    }
  }
  if (!entry || !dn) return undefined;
  return { targetId: entry.id, targetDn: dn, created, moved };
}
