import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A router of a few lines on the History API: the panel has a dozen pages and no nested
 * layouts, which does not justify a routing library. Paths are real URLs (static-ui.ts answers
 * every client route with index.html), so reload, back and bookmarks work.
 */
const listeners = new Set<() => void>();

/**
 * A page with unsaved work (the new-directory flow) asks before the panel leaves it: `ask`
 * resolves true to leave. Only moves to another path are asked about; filters and paging that
 * change the query string are not leaving.
 */
let leaveGuard: { path: string; ask: () => Promise<boolean> } | undefined;
export function setLeaveGuard(ask: (() => Promise<boolean>) | undefined): void {
  leaveGuard = ask ? { path: location.pathname + location.search, ask } : undefined;
}

function guarded(to: string, go: () => void): boolean {
  const g = leaveGuard;
  if (!g || to.split('?')[0] === g.path.split('?')[0]) return false;
  void g.ask().then((leave) => {
    if (!leave) return;
    if (leaveGuard === g) leaveGuard = undefined;
    go();
  });
  return true;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (guarded(to, () => navigate(to, opts))) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const fn of listeners) fn();
}

window.addEventListener('popstate', () => {
  // The browser's Back has already moved: put the guarded page back, then ask.
  const to = location.pathname + location.search;
  if (leaveGuard && to !== leaveGuard.path) {
    history.pushState(null, '', leaveGuard.path);
    if (guarded(to, () => navigate(to))) return;
  }
  for (const fn of listeners) fn();
});

export interface Location {
  path: string;
  query: URLSearchParams;
}

function readLocation(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState<Location>(readLocation);
  useEffect(() => {
    const fn = () => setLoc(readLocation());
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }, []);
  return loc;
}

/** Replaces the query string without a history entry (filters, search boxes, paging). */
export function setQuery(values: Record<string, string | number | undefined | null>): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(`${location.pathname}${s ? `?${s}` : ''}`, { replace: true });
}

/**
 * Matches `pattern` (segments like `:name`) against a path; values are decoded.
 * Returns undefined when it does not match.
 */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return undefined;
  }
  return out;
}

/** An ordinary <a href> (so open-in-new-tab and the status bar work) that navigates in place. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
