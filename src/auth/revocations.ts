import { EventEmitter } from 'node:events';

/**
 * Tells long-lived answers (the event stream) at once that a session or token may have ended in
 * this process: logout, a password change, a deleted admin, a revoked token. They then check their
 * own credential against the store. Ends made by another process on the same store (the CLI, a
 * second node) are found by the stream's own periodic check (events.ts).
 */
const emitter = new EventEmitter().setMaxListeners(0);

export function credentialsChanged(): void {
  emitter.emit('changed');
}

export function onCredentialsChanged(fn: () => void): () => void {
  emitter.on('changed', fn);
  return () => emitter.off('changed', fn);
}
