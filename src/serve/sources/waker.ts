/**
 * Wakes the loop early: change notifications call `wake()`; otherwise it waits `ms`. Its own module
 * so that ad-notify-waker.ts implements it without importing active-directory.ts, which imports it.
 */
export interface Waker {
  wait(ms: number, signal: AbortSignal): Promise<void>;
}
