import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { LoginResult, Me } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/Field';

const MIN_PASSWORD = 12;

/**
 * First run: no admin exists yet. The API allows creating the first owner only from the
 * machine idsync runs on; from anywhere else the page says how to do it on the server instead.
 */
export function SetupPage({ allowedHere, onDone }: { allowedHere: boolean; onDone: (me: Me) => void }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const mismatch = again !== '' && again !== password ? 'The passwords differ.' : undefined;
  const tooShort = password !== '' && password.length < MIN_PASSWORD ? `At least ${MIN_PASSWORD} characters.` : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || tooShort) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<LoginResult>('/setup', { username, password }, { noSessionCheck: true });
      onDone({ kind: 'admin', name: r.admin.username, role: r.admin.role });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (!allowedHere) {
    return (
      <main className="center-card" id="main">
        <h1>Set up idsync</h1>
        <p>No admin account exists yet. For safety the first one can only be created on the server idsync runs on:</p>
        <pre>
          <code>idsync admin create --username admin --role owner</code>
        </pre>
        <p>or open this panel from that machine (http://127.0.0.1:8470).</p>
      </main>
    );
  }

  return (
    <main className="center-card" id="main">
      <h1>Set up idsync</h1>
      <p>Create the first owner. Owners can do everything, including creating more admins and API tokens.</p>
      <form onSubmit={submit}>
        <TextField label="Username" value={username} onChange={setUsername} autoComplete="username" required />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters.`}
          error={tooShort}
        />
        <TextField label="Password again" type="password" value={again} onChange={setAgain} autoComplete="new-password" required error={mismatch} />
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy || !!mismatch || !!tooShort}>
          {busy ? 'Creating…' : 'Create owner and log in'}
        </button>
      </form>
    </main>
  );
}
