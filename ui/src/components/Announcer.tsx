import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

type Announce = (message: string) => void;
const AnnounceContext = createContext<Announce>(() => {});

/** `announce('Directory created')`: a short confirmation, visible and read by screen readers. */
export const useAnnounce = () => useContext(AnnounceContext);

/**
 * A polite live region for the outcome of actions ("Sync started", "Restored alice"). It is
 * always in the page, so screen readers pick up its changes; the text fades after a while.
 */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [msg, setMsg] = useState<{ text: string; n: number }>();
  const announce = useCallback<Announce>((text) => {
    setMsg((m) => {
      const n = (m?.n ?? 0) + 1;
      window.setTimeout(() => setMsg((cur) => (cur?.n === n ? undefined : cur)), 5000);
      return { text, n };
    });
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="toast" role="status" aria-live="polite" aria-atomic="true" data-visible={msg ? 'true' : 'false'}>
        {msg?.text ?? ''}
      </div>
    </AnnounceContext.Provider>
  );
}
