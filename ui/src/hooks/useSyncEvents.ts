import { useEffect, useRef, useState } from 'react';
import { API } from '../api/client';
import type { FinishedEvent, ProgressEvent } from '../api/types';

export interface LiveRun {
  directory: string;
  kind: string;
  /** The latest event of each phase seen so far, in order, so the panel can show the steps done. */
  phases: ProgressEvent[];
  current: ProgressEvent;
  startedAt: number;
  finished?: FinishedEvent;
  /** For a failed run: the phase it was in when it failed (the last one reported). */
  failedIn?: ProgressEvent['phase'];
}

/**
 * Follows syncs live over Server-Sent Events (GET /api/v1/events, src/api/routes/events.ts):
 * `progress` events while a run works, `finished` when it ends. EventSource reconnects by itself after a network blip;
 * `connected` says whether the stream is up, so the page can say when it is not live.
 */
export function useSyncEvents(directory?: string, onFinished?: (r: FinishedEvent) => void) {
  const [live, setLive] = useState<Record<string, LiveRun>>({});
  const [connected, setConnected] = useState(false);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  useEffect(() => {
    const es = new EventSource(`${API}/events`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    const mine = (d: string) => !directory || d === directory;

    es.addEventListener('progress', (m: MessageEvent<string>) => {
      // The payload is the progress event flattened: { directory, kind, phase, read?, … }.
      const { directory: dname, kind, ...event } = JSON.parse(m.data) as { directory: string; kind: string } & ProgressEvent;
      const e = { directory: dname, kind, event: event as ProgressEvent };
      if (!mine(e.directory)) return;
      setLive((all) => {
        const prev = all[e.directory];
        // A connect event (or a run after a finished one) starts a new live run.
        const fresh = !prev || prev.finished || e.event.phase === 'connect';
        const phases = fresh ? [] : prev.phases.filter((p) => p.phase !== e.event.phase);
        return {
          ...all,
          [e.directory]: {
            directory: e.directory,
            kind: e.kind,
            phases: [...phases, e.event],
            current: e.event,
            startedAt: fresh ? Date.now() : prev.startedAt,
          },
        };
      });
    });

    es.addEventListener('finished', (m: MessageEvent<string>) => {
      const e = JSON.parse(m.data) as FinishedEvent;
      if (!mine(e.directory)) return;
      setLive((all) => {
        const prev = all[e.directory];
        // A failed run never reached "done": keep the phase it failed in, so nothing after it is ticked.
        const failed = e.status === 'failed';
        const current: ProgressEvent = failed ? (prev && !prev.finished ? prev.current : { phase: 'connect' }) : { phase: 'done' };
        return {
          ...all,
          [e.directory]: {
            directory: e.directory,
            kind: e.kind,
            phases: prev?.phases ?? [],
            current,
            startedAt: prev?.startedAt ?? Date.now(),
            finished: e,
            failedIn: failed ? current.phase : undefined,
          },
        };
      });
      finishedRef.current?.(e);
    });

    return () => es.close();
  }, [directory]);

  return { live, connected };
}
