import { createContext, useContext } from 'react';
import { atLeast, type Me, type Role } from './api/types';

export interface Session {
  me: Me;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the logged-in app');
  return s;
}

/**
 * Whether the admin's role allows an action. The API enforces roles; the panel only hides or
 * disables what would be refused, so nobody clicks a button to get a 403.
 */
export function useCan(minimum: Role): boolean {
  return atLeast(useSession().me.role, minimum);
}
