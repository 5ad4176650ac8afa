import { useId, useState, type FormEvent } from 'react';
import { api, seg } from '../api/client';
import type { RunReport } from '../api/types';
import { countsLine } from '../format';
import { useAction } from '../hooks/useAction';
import { ChangesTable } from './ChangesTable';
import { ErrorMessage } from './ErrorMessage';

/** "Sync this user": one user re-read from the directory now, with what changed. */
export function SyncUserForm({ directory, initial = '', onDone }: { directory: string; initial?: string; onDone?: () => void }) {
  const id = useId();
  const [username, setUsername] = useState(initial);
  const [report, setReport] = useState<RunReport>();
  const sync = useAction(async (e: FormEvent) => {
    e.preventDefault();
    setReport(undefined);
    setReport(await api.post<RunReport>(`/directories/${seg(directory)}/sync/user`, { username: username.trim() }));
    onDone?.();
  });
  return (
    <form onSubmit={(e) => void sync.run(e)} className="sync-user" aria-labelledby={`${id}-title`}>
      <h2 className="h3" id={`${id}-title`}>
        Sync one user
      </h2>
      <p className="hint" id={`${id}-hint`}>
        Re-reads one user from the directory now. A user who has left the chosen groups is only disabled; the next full sync moves them to the trash. A user
        whose removal is held for approval is left as they are: only the approval decides.
      </p>
      <div className="inline-row">
        <div className="field grow">
          <label htmlFor={id}>Username</label>
          <input
            id={id}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-describedby={`${id}-hint`}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </div>
        <button type="submit" disabled={sync.busy || !username.trim()}>
          {sync.busy ? 'Syncing…' : 'Sync this user'}
        </button>
      </div>
      <div aria-live="polite">
        <ErrorMessage error={sync.error} />
        {report ? (
          <>
            <p>
              {report.status === 'succeeded' ? 'Done' : 'Failed'}: {countsLine(report.counts)}
            </p>
            <ChangesTable objects={report.changes} caption="Changes of the user sync" />
          </>
        ) : null}
      </div>
    </form>
  );
}
