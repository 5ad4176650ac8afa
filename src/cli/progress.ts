import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../sync/report.js';

/**
 * A progress bar on a terminal, nothing otherwise (pipes, CI logs). The total for the user phase
 * is the number of users the store held after the previous run, so the bar is an estimate the
 * first time and close to exact afterwards.
 */
export function progressReporter(label: string): { onProgress: (e: ProgressEvent) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} {phase} [{bar}] {value}/{total} {unit}`, stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const update = (value: number, total: number, phase: string, unit: string) => {
    if (!started) {
      bar.start(Math.max(total, 1), value, { phase, unit });
      started = true;
    } else {
      if (total > 0) bar.setTotal(Math.max(total, value));
      bar.update(value, { phase, unit });
    }
  };
  return {
    onProgress(e) {
      switch (e.phase) {
        case 'groups':
          update(e.read, e.read, 'reading groups', 'groups');
          break;
        case 'users':
          update(e.read, e.expected && e.expected > e.read ? e.expected : e.read, 'reading users ', 'users');
          break;
        case 'memberships':
          update(e.done, e.total, 'memberships   ', 'groups');
          break;
        default:
          break;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
