import { useEffect } from 'react';

/** Calls `fn` every `ms` while the tab is visible (a hidden tab does not poll the server). */
export function usePolling(fn: () => void, ms: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const t = window.setInterval(() => {
      if (document.visibilityState === 'visible') fn();
    }, ms);
    return () => window.clearInterval(t);
  }, [fn, ms, enabled]);
}
