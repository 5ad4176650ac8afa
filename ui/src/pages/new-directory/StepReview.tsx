import { Checkbox, TextField } from '../../components/Field';
import { rdnValue } from '../../format';
import { impliedTransport, type AttrKey } from './draft';
import type { StepProps } from './StepProps';

/** Lifecycle and safeguard settings, then everything on one screen before it is saved. */
export function StepReview({ draft, set, errors, editing, defaults }: StepProps) {
  const changedAttrs = (Object.entries(draft.attributes) as [AttrKey, string][]).filter(([k, v]) => v.trim() && v.trim() !== defaults[draft.type][k]);
  const transport = draft.transport || impliedTransport(draft.servers[0] ?? '');
  return (
    <>
      <fieldset>
        <legend>Lifecycle and safeguard</legend>
        <TextField
          label="Days in the trash"
          type="number"
          min={0}
          value={draft.trashDays}
          onChange={(v) => set({ trashDays: v })}
          hint={
            'A user who leaves the chosen groups is disabled and moved to the trash; after this many days they are deleted. ' +
            'Coming back before then restores them.'
          }
          error={errors.trashDays}
        />
        <Checkbox
          label="Hold mass removals for approval"
          checked={draft.safeguardEnabled}
          onChange={(v) => set({ safeguardEnabled: v })}
          hint="A run that would remove more users than the limits below applies everything else and waits for an administrator to approve the removals."
        />
        {draft.safeguardEnabled ? (
          <div className="grid-2">
            <TextField
              label="Hold above this many removals"
              type="number"
              min={0}
              value={draft.maxRemovals}
              onChange={(v) => set({ maxRemovals: v })}
              hint="Empty: no count limit."
              error={errors['safeguard.maxRemovals']}
            />
            <TextField
              label="Hold above this percentage of users"
              type="number"
              min={0}
              max={100}
              value={draft.maxRemovalPercent}
              onChange={(v) => set({ maxRemovalPercent: v })}
              hint="Empty: no percentage limit. Never applies to a single user."
              error={errors['safeguard.maxRemovalPercent']}
            />
          </div>
        ) : null}
      </fieldset>

      <h2 className="h3">Summary</h2>
      <dl className="summary">
        <dt>Name</dt>
        <dd>{draft.name}</dd>
        <dt>Type</dt>
        <dd>{draft.type === 'active-directory' ? 'Active Directory' : 'OpenLDAP'}</dd>
        <dt>Servers</dt>
        <dd className="mono">{draft.servers.filter(Boolean).join(', ')}</dd>
        <dt>Transport</dt>
        <dd>
          {transport}
          {draft.ca ? ', private CA' : ', system CAs'}
          {draft.verifyHostname ? '' : ', host name not checked'}
        </dd>
        <dt>Bind</dt>
        <dd className="mono">
          {draft.bindDn || 'anonymous'}
          {draft.bindDn ? (draft.password ? ' (password set)' : editing ? ' (stored password kept)' : ' (no password!)') : ''}
        </dd>
        <dt>Base DN</dt>
        <dd className="mono">{draft.baseDn}</dd>
        <dt>Attributes</dt>
        <dd>{changedAttrs.length ? changedAttrs.map(([k, v]) => `${k}: ${v}`).join('; ') : 'defaults'}</dd>
        <dt>Groups</dt>
        <dd>{draft.groups.map((g) => (g.name === g.dn ? rdnValue(g.dn) : g.name)).join(', ') || 'none'}</dd>
      </dl>
      {!editing ? (
        <p>
          Nothing is saved yet. "Preview the import" reads the directory and shows what the first import would do, without writing anything; importing is the
          next, separate step.
        </p>
      ) : null}
    </>
  );
}
