import { useCallback, useState } from 'react';
import { api, seg } from '../../api/client';
import type { GroupHit, GroupSearch } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { GroupPicker } from '../../components/GroupPicker';
import { useAction } from '../../hooks/useAction';
import { rdnValue } from '../../format';
import { toInput } from './draft';
import type { StepProps } from './StepProps';

const LIMIT = 50;

/**
 * Choosing the groups to sync. New directories search through the draft endpoint (the
 * configuration is not saved yet); saved ones through their own groups endpoint, which uses the
 * stored password. Members of groups nested inside a chosen group are synced too.
 */
export function StepGroups({ draft, set, errors, editing, defaults }: StepProps) {
  const search = useCallback(
    (text: string, signal: AbortSignal) =>
      editing && !draft.password
        ? api.get<GroupSearch>(`/directories/${seg(draft.name)}/groups`, { search: text, limit: LIMIT }, signal)
        : (api.post<GroupSearch>(
            '/directory-drafts/groups',
            { directory: toInput(draft, defaults, { forSearch: true }), search: text, limit: LIMIT },
            { signal },
          ) as Promise<GroupSearch>),
    [draft, editing, defaults],
  );

  const add = (g: GroupHit) => set({ groups: [...draft.groups, g] });
  const remove = (i: number) => set({ groups: draft.groups.filter((_, j) => j !== i) });
  const move = (i: number, by: -1 | 1) => {
    const g = [...draft.groups];
    [g[i], g[i + by]] = [g[i + by], g[i]];
    set({ groups: g });
  };

  // Advanced: a group by its exact DN (the search endpoint treats a full DN as an exact lookup).
  const [dn, setDn] = useState('');
  const [dnNote, setDnNote] = useState<string>();
  const lookup = useAction(async () => {
    setDnNote(undefined);
    const r = await search(dn.trim(), new AbortController().signal);
    const hit = r.groups.find((g) => g.dn.toLowerCase() === dn.trim().toLowerCase()) ?? (r.groups.length === 1 ? r.groups[0] : undefined);
    if (!hit) return setDnNote(`No group with the DN ${dn.trim()} under ${draft.baseDn}.`);
    if (draft.groups.some((g) => g.dn.toLowerCase() === hit.dn.toLowerCase())) return setDnNote(`${hit.name} is chosen already.`);
    add(hit);
    setDn('');
    setDnNote(`Added ${hit.name}.`);
  });

  return (
    <>
      <p>Users who are members of a chosen group, directly or through nested groups, are synced. Only chosen groups are created in idsync.</p>
      <GroupPicker search={search} selected={draft.groups} onAdd={add} />

      <details className="advanced">
        <summary>Advanced: add a group by its DN</summary>
        {/* Not a <form>: this sits inside the wizard's form, and forms cannot nest. */}
        <div className="inline-row">
          <div className="field grow">
            <label htmlFor="group-dn">Group DN</label>
            <input
              id="group-dn"
              value={dn}
              onChange={(e) => setDn(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  if (dn.trim()) void lookup.run();
                }
              }}
              placeholder={`CN=Engineering,OU=Groups,${draft.baseDn || 'DC=corp,DC=example,DC=com'}`}
              spellCheck={false}
              autoComplete="off"
              className="mono"
            />
          </div>
          <button type="button" onClick={() => void lookup.run()} disabled={!dn.trim() || lookup.busy}>
            {lookup.busy ? 'Looking up…' : 'Find and add'}
          </button>
        </div>
        <div role="status" className="hint">
          {dnNote}
        </div>
        <ErrorMessage error={lookup.error} />
      </details>

      <h2 className="h3" id="chosen-groups">
        Chosen groups ({draft.groups.length})
      </h2>
      {errors.syncItems ? (
        <div className="field-error" role="alert">
          {errors.syncItems}
        </div>
      ) : null}
      {draft.groups.length === 0 ? (
        <p className="muted">None yet. At least one group (or container) is needed: an empty selection would remove everyone.</p>
      ) : (
        <ol className="chosen-list" aria-labelledby="chosen-groups">
          {draft.groups.map((g, i) => (
            <li key={g.dn}>
              <span>
                <strong>{g.name === g.dn ? rdnValue(g.dn) : g.name}</strong> <span className="mono small muted">{g.dn}</span>
              </span>
              <span className="row-actions">
                <button type="button" className="small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${g.name} up`}>
                  ↑
                </button>
                <button type="button" className="small" onClick={() => move(i, 1)} disabled={i === draft.groups.length - 1} aria-label={`Move ${g.name} down`}>
                  ↓
                </button>
                <button type="button" className="small" onClick={() => remove(i)} aria-label={`Remove ${g.name}`}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      {draft.otherItems.length ? <p className="hint">Also kept: {draft.otherItems.length} container item(s) from the stored configuration.</p> : null}
      <p className="hint">Order matters only for lineage: a user's "brought in by" is the first item that reaches them.</p>
    </>
  );
}
