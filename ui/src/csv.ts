import { api } from './api/client';
import type { Page } from './api/types';

/**
 * CSV export (issue 10 item 19), built in the browser from the same paged lists the pages show,
 * with the same filters, so an export is exactly what the admin is looking at, all pages of it.
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (= + - @ at the start) gets
 * a leading apostrophe (OWASP "CSV injection"): directory data is not trusted.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : Array.isArray(v) || typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Every item of a paged list, 500 at a time. */
export async function fetchAll<T>(path: string, query: Record<string, string | number | undefined>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const page = await api.get<Page<T>>(path, { ...query, limit: 500, offset: out.length });
    out.push(...page.items);
    if (!page.items.length || out.length >= page.total) return out;
  }
}

/** Hands the text to the browser as a file download. */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const stamp = () => new Date().toISOString().slice(0, 10);
