import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ROLE_LABEL, type Approval } from '../api/types';
import { plural } from '../format';
import { useHeldRemovals } from '../hooks/useHeldRemovals';
import { Link, useLocation } from '../router';
import { useCan, useSession } from '../session';

const NAV: { to: string; label: string; min?: 'administrator' | 'owner' }[] = [
  { to: '/directories', label: 'Directories' },
  { to: '/runs', label: 'Runs' },
  { to: '/users', label: 'Users' },
  { to: '/groups', label: 'Groups' },
  { to: '/local-groups', label: 'Local groups' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/trash', label: 'Trash' },
  { to: '/audit', label: 'Audit log' },
  { to: '/admins', label: 'Admins', min: 'administrator' },
  { to: '/tokens', label: 'API tokens', min: 'administrator' },
  { to: '/agents', label: 'Agents' },
  { to: '/nodes', label: 'Nodes' },
  { to: '/mail', label: 'Mail' },
];

function NavItem({ to, label, current, count }: { to: string; label: string; current: boolean; count?: number }) {
  return (
    <li>
      <Link to={to} aria-current={current ? 'page' : undefined}>
        {label}
        {count ? (
          <>
            {' '}
            <span className="nav-badge" aria-hidden="true">
              {count}
            </span>
            <span className="visually-hidden">({count} waiting)</span>
          </>
        ) : null}
      </Link>
    </li>
  );
}

/** On every page but Approvals itself: removals wait for a decision. */
function HeldBanner({ pending }: { pending: Approval[] }) {
  if (!pending.length) return null;
  const users = pending.reduce((n, a) => n + a.count, 0);
  const dirs = [...new Set(pending.map((a) => a.directory))];
  return (
    <div className="held-banner" role="status">
      <strong>{plural(users, 'removal')} held for approval</strong> from {dirs.join(', ')}: those users stay as they are until an administrator decides.{' '}
      <Link to="/approvals">Review them</Link>
    </div>
  );
}

/**
 * The frame of every logged-in page: a skip link, the banner with who is logged in, the main
 * navigation (a sidebar on laptops, a menu button on phones) and the main landmark. After a
 * navigation the focus moves to the page's heading, so keyboard and screen-reader users start
 * reading the new page rather than staying on the link they followed.
 */
export function Layout({ children }: { children: ReactNode }) {
  const { me, logout } = useSession();
  const { path } = useLocation();
  const isAdmin = useCan('administrator');
  const [menuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: path is the trigger: each navigation closes the menu and focuses the new page's heading.
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = mainRef.current?.querySelector('h1');
    (h1 ?? mainRef.current)?.focus({ preventScroll: false });
  }, [path]);

  const items = NAV.filter((n) => !n.min || (n.min === 'administrator' && isAdmin));
  const pending = useHeldRemovals();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="banner">
        <Link to="/directories" className="brand">
          idsync
        </Link>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </button>
        <div className="whoami">
          <Link to="/account" className="whoami-name" aria-label={`Your account: ${me.name}, ${ROLE_LABEL[me.role]}`}>
            {me.name} <span className="muted">({ROLE_LABEL[me.role]})</span>
          </Link>
          <button type="button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <nav id="main-nav" className="sidebar" aria-label="Main" data-open={menuOpen ? 'true' : 'false'}>
        <ul>
          {items.map((n) => (
            <NavItem
              key={n.to}
              to={n.to}
              label={n.label}
              current={path === n.to || path.startsWith(`${n.to}/`)}
              count={n.to === '/approvals' ? pending.length : undefined}
            />
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {path !== '/approvals' ? <HeldBanner pending={pending} /> : null}
        {children}
      </main>
    </div>
  );
}

/** A page's heading (focused after navigation) and its actions. */
export function PageHeader({ title, children, back }: { title: ReactNode; children?: ReactNode; back?: { to: string; label: string } }) {
  return (
    <div className="page-header">
      {back ? (
        <Link to={back.to} className="back-link">
          ← {back.label}
        </Link>
      ) : null}
      <div className="page-header-row">
        <h1 tabIndex={-1}>{title}</h1>
        {children ? <div className="page-actions">{children}</div> : null}
      </div>
    </div>
  );
}
