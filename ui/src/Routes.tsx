import { useEffect, type ReactElement } from 'react';
import { PageHeader } from './components/Layout';
import { AccountPage } from './pages/AccountPage';
import { AdminsPage } from './pages/AdminsPage';
import { AgentsPage } from './pages/AgentsPage';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AuditPage } from './pages/AuditPage';
import { DirectoriesPage } from './pages/DirectoriesPage';
import { DirectoryDetailPage } from './pages/DirectoryDetailPage';
import { GroupDetailPage, GroupsPage } from './pages/GroupsPage';
import { LocalGroupDetailPage, LocalGroupsPage } from './pages/LocalGroupsPage';
import { MailPage } from './pages/MailPage';
import { NewDirectoryPage } from './pages/new-directory/NewDirectoryPage';
import { NodesPage } from './pages/NodesPage';
import { RunDetailPage } from './pages/RunDetailPage';
import { RunsPage } from './pages/RunsPage';
import { TokensPage } from './pages/TokensPage';
import { TrashPage } from './pages/TrashPage';
import { UserDetailPage } from './pages/UserDetailPage';
import { UsersPage } from './pages/UsersPage';
import { Link, match, navigate } from './router';

/** The panel's pages by path; the first pattern that matches wins. */
const ROUTES: [string, (p: Record<string, string>) => ReactElement][] = [
  ['/directories', () => <DirectoriesPage />],
  ['/directories/new', () => <NewDirectoryPage />],
  ['/directories/:name/edit', (p) => <NewDirectoryPage editName={p.name} />],
  ['/directories/:name', (p) => <DirectoryDetailPage name={p.name} />],
  ['/runs', () => <RunsPage />],
  ['/runs/:id', (p) => <RunDetailPage id={Number(p.id)} />],
  ['/users', () => <UsersPage />],
  ['/users/:username', (p) => <UserDetailPage username={p.username} />],
  ['/groups', () => <GroupsPage />],
  ['/groups/:id', (p) => <GroupDetailPage id={Number(p.id)} />],
  ['/local-groups', () => <LocalGroupsPage />],
  ['/local-groups/:name', (p) => <LocalGroupDetailPage name={p.name} />],
  ['/trash', () => <TrashPage />],
  ['/approvals', () => <ApprovalsPage />],
  ['/audit', () => <AuditPage />],
  ['/admins', () => <AdminsPage />],
  ['/tokens', () => <TokensPage />],
  ['/agents', () => <AgentsPage />],
  ['/nodes', () => <NodesPage />],
  ['/mail', () => <MailPage />],
  ['/account', () => <AccountPage />],
];

const TITLES: Record<string, string> = {
  '/directories': 'Directories',
  '/runs': 'Runs',
  '/users': 'Users',
  '/groups': 'Groups',
  '/local-groups': 'Local groups',
  '/trash': 'Trash',
  '/approvals': 'Approvals',
  '/audit': 'Audit log',
  '/admins': 'Admins',
  '/tokens': 'API tokens',
  '/agents': 'Agents',
  '/nodes': 'Nodes',
  '/mail': 'Mail',
};

export function Routes({ path }: { path: string }) {
  const clean = path.replace(/\/+$/, '') || '/';
  useEffect(() => {
    if (clean === '/' || clean === '/login' || clean === '/setup') navigate('/directories', { replace: true });
  }, [clean]);
  useEffect(() => {
    const top = Object.keys(TITLES).find((k) => clean === k || clean.startsWith(`${k}/`));
    document.title = top ? `${TITLES[top]} · idsync` : 'idsync';
  }, [clean]);

  for (const [pattern, render] of ROUTES) {
    const params = match(pattern, clean);
    if (params) return render(params);
  }
  if (clean === '/' || clean === '/login' || clean === '/setup') return null;
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page at <code>{path}</code>. <Link to="/directories">Go to the directories</Link>.
      </p>
    </>
  );
}
