import { useCallback, useState } from 'react';
import { api, seg } from '../api/client';
import type { Directory, Page, RunReport, RunSummary } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { DirectoryConfigSummary } from '../components/DirectoryConfigSummary';
import { DirectoryStatusCard } from '../components/DirectoryStatusCard';
import { DryRunPlan } from '../components/DryRunPlan';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeader } from '../components/Layout';
import { RunsTable } from '../components/RunsTable';
import { SyncProgress } from '../components/SyncProgress';
import { SyncUserForm } from '../components/SyncUserForm';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { usePolling } from '../hooks/usePolling';
import { useSyncEvents } from '../hooks/useSyncEvents';
import { Link, navigate } from '../router';
import { useCan } from '../session';

/**
 * One directory: its status, the actions an admin takes on it (sync now, dry run, one user,
 * test, edit, delete), a running sync live from the event stream, its configuration and its
 * recent runs.
 */
export function DirectoryDetailPage({ name }: { name: string }) {
  const isAdmin = useCan('administrator');
  const isUserManager = useCan('user_manager');
  const confirm = useConfirm();
  const announce = useAnnounce();
  const dir = useAsync((signal) => api.get<Directory>(`/directories/${seg(name)}`, undefined, signal), [name]);
  const runs = useAsync((signal) => api.get<Page<RunSummary>>('/runs', { directory: name, limit: 10 }, signal), [name]);
  const [plan, setPlan] = useState<RunReport>();

  const refresh = useCallback(() => {
    dir.reload();
    runs.reload();
  }, [dir.reload, runs.reload]);
  usePolling(refresh, 15_000);
  const { live, connected } = useSyncEvents(name, refresh);
  const current = live[name];

  const syncNow = useAction(async () => {
    const r = await api.post<{ runId: number | null; state: string }>(`/directories/${seg(name)}/sync`);
    announce(
      r.state === 'failed'
        ? `Full sync failed${r.runId ? ` (run ${r.runId})` : ''}`
        : r.state === 'queued'
          ? "Full sync queued behind the directory's current work"
          : r.runId
            ? `Full sync started (run ${r.runId})`
            : 'Full sync started',
    );
    refresh();
  });
  const dryRun = useAction(async () => {
    setPlan(undefined);
    setPlan(await api.post<RunReport>(`/directories/${seg(name)}/dry-run`));
  });
  const [testText, setTestText] = useState<string>();
  const test = useAction(async () => {
    const r = await api.post<{ ok: boolean; servers: { url: string; ok: boolean; message: string }[] }>(`/directories/${seg(name)}/test`);
    setTestText(r.servers.map((s) => `${s.ok ? 'OK' : 'FAILED'} ${s.url}: ${s.message}`).join('\n'));
  });
  const remove = useAction(async () => {
    const ok = await confirm({
      title: `Delete directory ${name}?`,
      body: (
        <>
          <p>idsync stops syncing {name} and forgets its configuration, including the stored bind password.</p>
          <p>
            The users and groups it synced stay in idsync as they are: they are not disabled or moved to the trash. Adding the directory again under the same
            name adopts them.
          </p>
        </>
      ),
      confirmLabel: 'Delete directory',
      danger: true,
      typeToConfirm: name,
    });
    if (!ok) return;
    await api.del(`/directories/${seg(name)}`);
    announce(`Directory ${name} deleted`);
    navigate('/directories');
  });

  const d = dir.data;
  const running = !!current && !current.finished;
  return (
    <>
      <PageHeader title={d ? d.name : name} back={{ to: '/directories', label: 'Directories' }}>
        {isAdmin ? (
          <>
            <button type="button" className="primary" onClick={() => void syncNow.run()} disabled={syncNow.busy || running}>
              {running ? 'Sync running…' : syncNow.busy ? 'Starting…' : 'Sync now'}
            </button>
            <button type="button" onClick={() => void dryRun.run()} disabled={dryRun.busy}>
              {dryRun.busy ? 'Planning…' : 'Dry run'}
            </button>
            <button type="button" onClick={() => void test.run()} disabled={test.busy}>
              {test.busy ? 'Testing…' : 'Test connection'}
            </button>
            {d?.managedBy === 'api' ? (
              <>
                <Link to={`/directories/${encodeURIComponent(name)}/edit`} className="button">
                  Edit
                </Link>
                <button type="button" className="danger" onClick={() => void remove.run()} disabled={remove.busy}>
                  Delete
                </button>
              </>
            ) : null}
          </>
        ) : null}
      </PageHeader>
      {d ? (
        <p className="subtitle">
          {d.type === 'active-directory' ? 'Active Directory' : 'OpenLDAP'} ·{' '}
          {d.managedBy === 'file'
            ? 'defined in the configuration file (read-only here)'
            : `created in the panel${d.updatedBy ? `, last changed by ${d.updatedBy}` : ''}`}
        </p>
      ) : null}
      <ErrorMessage error={dir.error} />
      <ErrorMessage error={syncNow.error} prefix="Sync not started:" />
      <ErrorMessage error={dryRun.error} prefix="Dry run failed:" />
      <ErrorMessage error={test.error} prefix="Test failed:" />
      <ErrorMessage error={remove.error} prefix="Not deleted:" />
      {testText ? (
        <pre className="test-output" role="status">
          {testText}
        </pre>
      ) : null}
      {!connected ? (
        <p className="hint" role="status">
          Live progress is not connected; the page refreshes every 15 seconds.
        </p>
      ) : null}
      {dryRun.busy ? (
        <p role="status" className="notice">
          Planning a full sync without writing anything: reading the whole scope from the directory…
        </p>
      ) : null}
      {current ? <SyncProgress run={current} /> : null}
      {plan ? <DryRunPlan plan={plan} onClose={() => setPlan(undefined)} directory={d} /> : null}
      {d ? (
        <div className="columns">
          <DirectoryStatusCard d={d} />
          <DirectoryConfigSummary d={d} />
        </div>
      ) : dir.loading ? (
        <p role="status">Loading…</p>
      ) : null}
      {isUserManager ? (
        <section className="card">
          <SyncUserForm directory={name} onDone={refresh} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="recent-runs">
        <div className="card-header">
          <h2 id="recent-runs" className="h3">
            Recent runs
          </h2>
          <Link to={`/runs?directory=${encodeURIComponent(name)}`}>All runs of {name}</Link>
        </div>
        <ErrorMessage error={runs.error} />
        {runs.data ? <RunsTable runs={runs.data.items} caption={`Recent runs of ${name}`} hideDirectory /> : null}
      </section>
    </>
  );
}
