import type { MouseEvent } from 'react';
import type { RunSummary } from '../api/types';
import { countsLine, formatDuration, formatTime } from '../format';
import { navigate } from '../router';

/** Outcome colours, stacked bottom to top in this order; the legend uses the same list. */
export const SERIES: { key: string; label: string; cls: string }[] = [
  { key: 'unchanged', label: 'Unchanged', cls: 's-unchanged' },
  { key: 'created', label: 'Created', cls: 's-created' },
  { key: 'updated', label: 'Updated', cls: 's-updated' },
  { key: 'restored', label: 'Restored', cls: 's-restored' },
  { key: 'disabled', label: 'Disabled', cls: 's-disabled' },
  { key: 'trashed', label: 'Trashed', cls: 's-trashed' },
  { key: 'deleted', label: 'Deleted', cls: 's-deleted' },
  { key: 'held', label: 'Held', cls: 's-held' },
  { key: 'other', label: 'Skipped / conflict', cls: 's-other' },
];

const W = 720;
const H = 220;
const PAD = { left: 56, right: 8, top: 10, bottom: 34 };

/** A round axis maximum (1, 2 or 5 times a power of ten) at or above `v`. */
function niceMax(v: number): number {
  if (v <= 0) return 1000;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function segments(r: RunSummary): { cls: string; share: number; key: string }[] {
  const c = r.counts ?? {};
  const values = SERIES.map((s) => ({ key: s.key, cls: s.cls, n: s.key === 'other' ? (c.skipped ?? 0) + (c.conflict ?? 0) : (c[s.key] ?? 0) }));
  const total = values.reduce((a, v) => a + v.n, 0);
  if (!total) return [{ key: 'unchanged', cls: 's-empty', share: 1 }];
  return values.filter((v) => v.n > 0).map((v) => ({ key: v.key, cls: v.cls, share: v.n / total }));
}

/**
 * Run history as a hand-written SVG chart: one bar per run, oldest on the left; its height is
 * the run's duration and its colours stack the share of each outcome among the objects it
 * touched. Failed and interrupted runs get a red cap. Every bar is a link to its run (keyboard
 * focusable, with a title), and the table under the chart lists the same runs as text.
 */
export function RunChart({ runs }: { runs: RunSummary[] }) {
  const data = [...runs].filter((r) => r.status !== 'running').reverse();
  if (data.length === 0) return null;
  const max = niceMax(Math.max(...data.map((r) => r.durationMs ?? 0)));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / data.length;
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const y = (ms: number) => PAD.top + innerH - (ms / max) * innerH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const failed = data.filter((r) => r.status !== 'succeeded').length;
  const summary =
    `Durations of the last ${data.length} finished runs, from ${formatTime(data[0].startedAt)} to ${formatTime(data[data.length - 1].startedAt)}; ` +
    `longest ${formatDuration(Math.max(...data.map((r) => r.durationMs ?? 0)))}; ${failed} failed or interrupted.`;

  const open = (e: MouseEvent, id: number) => {
    e.preventDefault();
    navigate(`/runs/${id}`);
  };

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="group" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        {ticks.map((t) => (
          // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG group of lines and text is not focusable; the axis is decoration.
          <g key={t} className="axis" aria-hidden="true">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {formatDuration(t)}
            </text>
          </g>
        ))}
        {data.map((r, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          const h = Math.max(1, ((r.durationMs ?? 0) / max) * innerH);
          let top = PAD.top + innerH;
          const bad = r.status === 'failed' || r.status === 'interrupted';
          return (
            <a
              key={r.id}
              href={`/runs/${r.id}`}
              onClick={(e) => open(e, r.id)}
              aria-label={`Run ${r.id}, ${r.kind}, ${r.status}, ${formatDuration(r.durationMs)}: ${countsLine(r.counts)}`}
            >
              <title>
                {`Run ${r.id} · ${r.directory} · ${r.kind} · ${r.status}\n` +
                  `${formatTime(r.startedAt)} · ${formatDuration(r.durationMs)}\n${r.error ?? countsLine(r.counts)}`}
              </title>
              <rect className="bar-hit" x={PAD.left + i * slot} y={PAD.top} width={slot} height={innerH} />
              {segments(r).map((s) => {
                const sh = s.share * h;
                top -= sh;
                return <rect key={s.key} className={s.cls} x={x} y={top} width={barW} height={sh} />;
              })}
              {bad ? <rect className="s-failed" x={x - 1} y={y(r.durationMs ?? 0) - 4} width={barW + 2} height={4} /> : null}
            </a>
          );
        })}
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG group of lines and text is not focusable; the axis is decoration. */}
        <g className="axis" aria-hidden="true">
          <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + innerH} y2={PAD.top + innerH} />
          <text x={PAD.left} y={H - 10}>
            {formatTime(data[0].startedAt)}
          </text>
          <text x={W - PAD.right} y={H - 10} textAnchor="end">
            {formatTime(data[data.length - 1].startedAt)}
          </text>
        </g>
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          {SERIES.map((s) => (
            <li key={s.key}>
              <span className={`swatch ${s.cls}`} aria-hidden="true" />
              {s.label}
            </li>
          ))}
          <li>
            <span className="swatch s-failed" aria-hidden="true" />
            Failed or interrupted
          </li>
        </ul>
        <span className="hint">Bar height: duration. Colours: share of each outcome. Select a bar to open its run.</span>
      </figcaption>
    </figure>
  );
}
