/**
 * The one way the panel talks to the admin API: same origin, the session cookie sent by the
 * browser, and the CSRF token on every state-changing request. The token is read from the
 * readable `idsync_csrf` cookie each time (not kept in memory) so it survives a reload and a
 * second tab, and matches whatever session the browser holds now.
 */
export const API = '/api/v1';
const CSRF_COOKIE = 'idsync_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

/** An error answer of the API: `{ error: { code, message, field?, issues? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues?: { field: string; message: string }[],
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** The message for one form field, when the API named it. */
  forField(field: string): string | undefined {
    const hit = this.issues?.find((i) => i.field === field);
    if (hit) return hit.message;
    return this.field === field ? this.message : undefined;
  }
}

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === CSRF_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Listeners told when the session is gone (401), so the app can show the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Login and setup answer 401 for a wrong password; that is not a lost session. */
  noSessionCheck?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const t = csrfToken();
    if (t) headers[CSRF_HEADER] = t;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(`${API}${path}`, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'idsync cannot be reached: is `idsync serve` running?');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; field?: string; issues?: { field: string; message: string }[] } } | undefined)?.error;
    const retry = Number(res.headers.get('Retry-After')) || undefined;
    const err = new ApiError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? `${method} ${path} failed with HTTP ${res.status}`,
      e?.field,
      e?.issues,
      retry,
    );
    if (res.status === 401 && !opts.noSessionCheck) for (const fn of unauthorizedListeners) fn();
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
};

/** A path segment from a name that may hold anything (usernames with dots, DNs). */
export const seg = (s: string | number) => encodeURIComponent(String(s));
