import { Checkbox, TextField } from '../../components/Field';
import { ATTR_LABELS, type AttrKey } from './draft';
import type { StepProps } from './StepProps';

const ORDER: AttrKey[] = ['username', 'aliases', 'fullName', 'firstName', 'lastName', 'email', 'phones', 'notes', 'groupName', 'member'];

/**
 * Attribute mapping with the type's defaults in view: an empty field uses the default, which is
 * shown as the placeholder and in the hint. The username attribute is locked once the directory
 * has synced, because changing it would re-key every user.
 */
export function StepAttributes({ draft, set, errors, editing, defaults: all, usernameLocked }: StepProps & { usernameLocked: boolean }) {
  const defaults = all[draft.type];
  const setAttr = (k: AttrKey, v: string) => set({ attributes: { ...draft.attributes, [k]: v } });
  return (
    <>
      <p>
        Which LDAP attributes fill each field. Empty fields use the {draft.type === 'active-directory' ? 'Active Directory' : 'OpenLDAP'} defaults shown. Lists (aliases, phones, member) are separated by commas.
      </p>
      <div className="grid-2">
        {ORDER.map((k) => {
          const locked = k === 'username' && usernameLocked;
          return (
            <TextField
              key={k}
              label={ATTR_LABELS[k]}
              value={locked && !draft.attributes[k] ? defaults[k] : draft.attributes[k]}
              onChange={(v) => setAttr(k, v)}
              placeholder={defaults[k] || 'none'}
              readOnly={locked}
              badge={locked ? <span className="badge badge-muted">locked</span> : undefined}
              hint={
                locked
                  ? 'Locked after the first sync: changing it would re-key every user. Add other login names as aliases.'
                  : k === 'username' && !editing
                    ? `Default: ${defaults[k]}. Choose carefully: it is locked after the first sync.`
                    : `Default: ${defaults[k] || 'none'}`
              }
              error={errors[`attributes.${k}`]}
              autoComplete="off"
              spellCheck={false}
            />
          );
        })}
      </div>
      <Checkbox label="Import phone numbers" checked={draft.importPhones} onChange={(v) => set({ importPhones: v })} hint="Normalised to E.164; numbers without a country code are skipped with a warning." />
      <Checkbox label="Import notes" checked={draft.importNotes} onChange={(v) => set({ importNotes: v })} />
    </>
  );
}
