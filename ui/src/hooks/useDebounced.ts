import { useEffect, useState } from 'react';

/** The value once it has stopped changing for `ms` (type-ahead: one request per pause, not per key). */
export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}
