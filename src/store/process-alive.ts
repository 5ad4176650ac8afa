/**
 * Whether a process with this pid exists on this machine. Signal 0 only checks; EPERM means it
 * exists under another user. Used where a row names the process that wrote it (a running run, a
 * lease, a running serve) to tell a live holder from one that was killed.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
