import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, onUnauthorized } from './api/client';
import type { Me, SetupState } from './api/types';
import { AnnouncerProvider } from './components/Announcer';
import { ConfirmProvider } from './components/ConfirmDialog';
import { ErrorMessage } from './components/ErrorMessage';
import { Layout } from './components/Layout';
import { LoginPage } from './pages/LoginPage';
import { SetupPage } from './pages/SetupPage';
import { Routes } from './Routes';
import { navigate, useLocation } from './router';
import { SessionContext, type Session } from './session';

type AuthState =
  | { kind: 'loading' }
  | { kind: 'setup'; setup: SetupState }
  | { kind: 'login'; expired?: boolean }
  | { kind: 'in'; me: Me }
  | { kind: 'down'; error: Error };

/**
 * Decides between first-run setup, the login page and the panel: GET /setup says whether any
 * admin exists, GET /me whether the browser's session is alive. A 401 from any later request
 * (the session expired) brings the login page back, and the page the admin was on is kept in
 * `?next=` so they return to it.
 */
export function App() {
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });
  const { path } = useLocation();

  const check = useCallback(async () => {
    try {
      const setup = await api.get<SetupState>('/setup');
      if (setup.needed) return setAuth({ kind: 'setup', setup });
      const me = await api.get<Me>('/me');
      setAuth({ kind: 'in', me });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setAuth({ kind: 'login' });
      else setAuth({ kind: 'down', error: e as Error });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  useEffect(
    () =>
      onUnauthorized(() =>
        setAuth((a) => {
          if (a.kind !== 'in') return a;
          // Keep where the admin was, so logging in again returns there.
          if (location.pathname !== '/login') navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
          return { kind: 'login', expired: true };
        }),
      ),
    [],
  );

  const session = useMemo<Session | undefined>(
    () =>
      auth.kind === 'in'
        ? {
            me: auth.me,
            logout: async () => {
              try {
                await api.post('/auth/logout');
              } finally {
                setAuth({ kind: 'login' });
                navigate('/login', { replace: true });
              }
            },
          }
        : undefined,
    [auth],
  );

  const loggedIn = (me: Me) => {
    setAuth({ kind: 'in', me });
    const next = new URLSearchParams(location.search).get('next');
    // Only a path of our own: an open redirect to another site would help phishing.
    navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/directories', { replace: true });
  };

  let content: ReactNode;
  if (auth.kind === 'loading')
    content = (
      <p className="center-note" role="status">
        Loading…
      </p>
    );
  else if (auth.kind === 'down')
    content = (
      <main className="center-card" id="main">
        <h1>idsync</h1>
        <ErrorMessage error={auth.error} />
        <button type="button" onClick={() => void check()}>
          Try again
        </button>
      </main>
    );
  else if (auth.kind === 'setup') content = <SetupPage allowedHere={auth.setup.allowedHere} onDone={loggedIn} />;
  else if (auth.kind === 'login') content = <LoginPage expired={auth.expired} onDone={loggedIn} />;
  else
    content = (
      <SessionContext.Provider value={session}>
        <Layout>
          <Routes path={path} />
        </Layout>
      </SessionContext.Provider>
    );

  return (
    <AnnouncerProvider>
      <ConfirmProvider>{content}</ConfirmProvider>
    </AnnouncerProvider>
  );
}
