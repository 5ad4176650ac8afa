import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { ROLE_LABEL } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { useAction } from '../hooks/useAction';
import { useSession } from '../session';
import { ROLE_HELP } from './AdminsPage';

const MIN_PASSWORD = 12;

/** Your own account: who you are, and changing your password (which ends your other sessions). */
export function AccountPage() {
  const { me } = useSession();
  const announce = useAnnounce();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again && again !== next ? 'The new passwords differ.' : undefined;
  const tooShort = next && next.length < MIN_PASSWORD ? `At least ${MIN_PASSWORD} characters.` : undefined;
  const change = useAction(async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || tooShort) return;
    await api.put('/me/password', { currentPassword: current, newPassword: next });
    setCurrent('');
    setNext('');
    setAgain('');
    announce('Password changed; your other sessions have ended');
  });

  return (
    <>
      <PageHeader title="Your account" />
      <p>
        Logged in as <strong>{me.name}</strong>, {ROLE_LABEL[me.role]}: {ROLE_HELP[me.role]}.
      </p>
      {me.kind === 'admin' ? (
        <form className="card narrow" onSubmit={(e) => void change.run(e)} aria-labelledby="pw-title">
          <h2 id="pw-title" className="h3">
            Change your password
          </h2>
          <TextField
            label="Current password"
            type="password"
            value={current}
            onChange={setCurrent}
            autoComplete="current-password"
            required
            error={change.error instanceof ApiError ? change.error.forField('currentPassword') : undefined}
          />
          <TextField
            label="New password"
            type="password"
            value={next}
            onChange={setNext}
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            hint={`At least ${MIN_PASSWORD} characters. Your other sessions end when it changes.`}
            error={tooShort}
          />
          <TextField label="New password again" type="password" value={again} onChange={setAgain} autoComplete="new-password" required error={mismatch} />
          <ErrorMessage error={change.error} />
          <button type="submit" className="primary" disabled={change.busy || !!mismatch || !!tooShort}>
            {change.busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      ) : null}
    </>
  );
}
