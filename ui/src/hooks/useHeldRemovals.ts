import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Approval } from '../api/types';
import { useLocation } from '../router';
import { usePolling } from './usePolling';

/**
 * The approvals that wait (issue 10 item 19: held removals are shown wherever the admin is, not
 * only on the Approvals page). Reloaded on every navigation and every 20 s; a failure to load
 * shows nothing rather than an error on every page.
 */
export function useHeldRemovals(): Approval[] {
  const { path } = useLocation();
  const [pending, setPending] = useState<Approval[]>([]);
  const load = useCallback(() => {
    api.get<{ items: Approval[] }>('/approvals').then(
      (r) => setPending(r.items.filter((a) => a.status === 'pending')),
      () => undefined,
    );
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: path is the trigger: each navigation reads the held removals again.
  useEffect(load, [path, load]);
  usePolling(load, 20_000);
  return pending;
}
