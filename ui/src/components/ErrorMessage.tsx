import { ApiError } from '../api/client';

/**
 * An error where it happened, announced by screen readers (role=alert). API errors show their
 * stable code too, which is what an admin searches for or quotes in a ticket.
 */
export function ErrorMessage({ error, prefix }: { error: Error | undefined | null; prefix?: string }) {
  if (!error) return null;
  const code = error instanceof ApiError && error.code !== 'NETWORK' ? error.code : undefined;
  return (
    <div className="error" role="alert">
      {prefix ? <strong>{prefix} </strong> : null}
      {error.message}
      {code ? <span className="error-code"> [{code}]</span> : null}
    </div>
  );
}
