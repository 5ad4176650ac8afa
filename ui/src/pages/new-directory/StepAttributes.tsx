// ATTRIBUTE_NAME: the server's rule (src/config/attribute-name.ts, RFC 4512), generated from its OpenAPI
// document; checked here as typed, again on save.
import { ATTRIBUTE_NAME } from '../../api/rules';
import { Checkbox, TextField } from '../../components/Field';
import { ATTR_KEYS, ATTR_LABELS, type AttrKey } from './draft';
import type { StepProps } from './StepProps';

function attributeProblem(value: string, list: boolean): string | undefined {
  const names = list ? value.split(/[,\s]+/).filter(Boolean) : value.trim() ? [value.trim()] : [];
  const bad = names.find((n) => !ATTRIBUTE_NAME.test(n));
  return bad !== undefined
    ? `"${bad}" is not an LDAP attribute name: letters, digits and hyphens starting with a letter (such as mail), or an OID.`
    : undefined;
}

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
        Which LDAP attributes fill each field. Empty fields use the {draft.type === 'active-directory' ? 'Active Directory' : 'OpenLDAP'} defaults shown. Lists
        (aliases, phones, member) are separated by commas.
      </p>
      <div className="grid-2">
        {ATTR_KEYS.map((k) => {
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
              error={errors[`attributes.${k}`] ?? attributeProblem(draft.attributes[k], k === 'aliases' || k === 'phones' || k === 'member')}
              autoComplete="off"
              spellCheck={false}
            />
          );
        })}
      </div>
      <Checkbox
        label="Import phone numbers"
        checked={draft.importPhones}
        onChange={(v) => set({ importPhones: v })}
        hint={draft.importPhones ? 'Normalised to E.164. Numbers written without a country code use the default country below.' : 'Normalised to E.164.'}
      />
      {draft.importPhones ? (
        <TextField
          label="Default country for phone numbers"
          value={draft.defaultCountry}
          onChange={(v) => set({ defaultCountry: v.toUpperCase() })}
          placeholder="US"
          maxLength={2}
          hint="Two letters (ISO 3166-1), such as US, GB or DE: used for numbers without a +country code. Empty: such numbers are skipped with a warning."
          error={errors.defaultCountry ?? (draft.defaultCountry && !/^[A-Za-z]{2}$/.test(draft.defaultCountry) ? 'Two letters, such as US.' : undefined)}
          autoComplete="off"
          spellCheck={false}
        />
      ) : null}
      <Checkbox label="Import notes" checked={draft.importNotes} onChange={(v) => set({ importNotes: v })} />
    </>
  );
}
