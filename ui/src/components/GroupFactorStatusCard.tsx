import { useState } from 'react';
import { api, seg } from '../api/client';
import type { GroupFactorStatus } from '../api/types';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { useCan } from '../session';
import { useAnnounce } from './Announcer';
import { ErrorMessage } from './ErrorMessage';
import { SelectField } from './Field';

type Listed = { items: { kind: 'synced' | 'local'; groupId: number; name: string; status: GroupFactorStatus }[] };

const OPTIONS = [
  { value: 'active', label: 'Active: members need their second factor' },
  { value: 'bypass', label: 'Bypass: members skip the second factor' },
  { value: 'disabled', label: 'Disabled: members are denied' },
];

/**
 * A group's second-factor status (issue 15, Duo's group statuses) on its page: a synced group by
 * id, a local group by name. Administrators change it; a disabled group denies its members
 * whatever their own status (disabled wins over bypass).
 */
export function GroupFactorStatusCard({ group }: { group: { kind: 'synced'; id: number } | { kind: 'local'; name: string } }) {
  const canSet = useCan('administrator');
  const announce = useAnnounce();
  const listed = useAsync((signal) => api.get<Listed>('/second-factor/groups', undefined, signal), []);
  const current =
    listed.data?.items.find((g) => (group.kind === 'synced' ? g.kind === 'synced' && g.groupId === group.id : g.kind === 'local' && g.name === group.name))
      ?.status ?? 'active';
  const [choice, setChoice] = useState('');
  const save = useAction(async () => {
    const url = group.kind === 'synced' ? `/groups/${group.id}/second-factor` : `/local-groups/${seg(group.name)}/second-factor`;
    const r = await api.put<{ name: string; status: string }>(url, { status: choice || current });
    announce(`Second-factor status of ${r.name}: ${r.status}`);
    setChoice('');
    listed.reload();
  });
  return (
    <section className="card" aria-labelledby="group-factor-title">
      <h2 id="group-factor-title" className="h3">
        Second factor
      </h2>
      <ErrorMessage error={listed.error} />
      {canSet ? (
        <form
          aria-label="Group second-factor status"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <SelectField label="Status for members" value={choice || current} onChange={setChoice} options={OPTIONS} />
          <ErrorMessage error={save.error} prefix="Not changed:" />
          <button type="submit" disabled={save.busy || !listed.data}>
            Set status
          </button>
        </form>
      ) : (
        <p>{OPTIONS.find((o) => o.value === current)?.label}</p>
      )}
    </section>
  );
}
