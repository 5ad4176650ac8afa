import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { LoginResult, Me } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/Field';

/** The login form. A lockout (429) says when to try again, from the API's Retry-After. */
export function LoginPage({ onDone, expired }: { onDone: (me: Me) => void; expired?: boolean }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<LoginResult>('/auth/login', { username, password }, { noSessionCheck: true });
      onDone({ kind: 'admin', name: r.admin.username, role: r.admin.role });
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const mins = err.retryAfter ? Math.ceil(err.retryAfter / 60) : undefined;
        setError(new Error(`Too many failed attempts. ${mins ? `Try again in ${mins} minute${mins === 1 ? '' : 's'}.` : 'Try again later.'}`));
      } else setError(err as Error);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center-card" id="main">
      <h1>Log in to idsync</h1>
      {expired ? (
        <p className="notice" role="status">
          Your session has ended. Log in again to continue where you were.
        </p>
      ) : null}
      <form onSubmit={submit} aria-describedby="login-error">
        <TextField label="Username" value={username} onChange={setUsername} autoComplete="username" required autoFocus />
        <TextField label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required />
        <div id="login-error">
          <ErrorMessage error={error} />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="hint">
        No account? An owner creates admins under Admins, or on the server: <code>idsync admin create</code>.
      </p>
    </main>
  );
}
