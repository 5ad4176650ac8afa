import { TextField } from '../../components/Field';
import type { DirectoryType } from '../../api/types';
import type { StepProps } from './StepProps';

const TYPES: { value: DirectoryType; label: string; text: string }[] = [
  {
    value: 'active-directory',
    label: 'Active Directory',
    text: 'Windows domain controllers or Samba AD. Users are matched by objectGUID; the username is sAMAccountName.',
  },
  {
    value: 'openldap',
    label: 'OpenLDAP',
    text: 'OpenLDAP or another RFC 4519 directory (inetOrgPerson, groupOfNames). Users are matched by entryUUID; the username is uid.',
  },
];

export function StepType({ draft, set, errors, editing }: StepProps) {
  return (
    <>
      <fieldset className="choice-cards" disabled={editing}>
        <legend>Directory type</legend>
        {TYPES.map((t) => (
          <label key={t.value} className={`choice-card${draft.type === t.value ? ' selected' : ''}`}>
            <input type="radio" name="directory-type" value={t.value} checked={draft.type === t.value} onChange={() => set({ type: t.value })} />
            <span className="choice-title">{t.label}</span>
            <span className="choice-text">{t.text}</span>
          </label>
        ))}
        {editing ? <p className="hint">The type cannot change: a directory of another type is a new directory.</p> : null}
      </fieldset>
      <TextField
        label="Name"
        value={draft.name}
        onChange={(v) => set({ name: v })}
        required
        readOnly={editing}
        pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}"
        hint="Shown in run history and as the owner of the users it syncs: letters, digits, dot, dash, underscore. It cannot change later."
        error={errors.name}
        autoComplete="off"
      />
    </>
  );
}
