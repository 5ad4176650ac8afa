import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { GroupHit, GroupSearch } from '../api/types';
import { useDebounced } from '../hooks/useDebounced';
import { ErrorMessage } from './ErrorMessage';

interface Props {
  /** Searches the directory (server-side, size-limited: instant with 10,000+ groups). */
  search: (text: string, signal: AbortSignal) => Promise<GroupSearch>;
  selected: GroupHit[];
  onAdd: (g: GroupHit) => void;
  label?: string;
}

/**
 * Type-ahead over a directory's groups, as an ARIA 1.2 combobox: typing searches after a pause
 * (one request per pause, older answers discarded), arrow keys move through the suggestions,
 * Enter adds the highlighted group, Escape closes the list. Only a page of matches is ever
 * fetched, so the directory's size does not matter; "narrow the search" says when more match.
 */
export function GroupPicker({ search, selected, onAdd, label = 'Search groups' }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [result, setResult] = useState<GroupSearch>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error>();
  const query = useDebounced(text.trim(), 250);
  const searchRef = useRef(search);
  searchRef.current = search;

  useEffect(() => {
    if (!open && !query) return;
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    searchRef.current(query, ctl.signal).then(
      (r) => {
        if (ctl.signal.aborted) return;
        setResult(r);
        setActive(r.groups.length ? 0 : -1);
        setLoading(false);
      },
      (e: Error) => {
        if (ctl.signal.aborted || e.name === 'AbortError') return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [query, open]);

  const chosen = new Set(selected.map((g) => g.dn.toLowerCase()));
  const hits = result?.groups ?? [];
  const add = (g: GroupHit) => {
    if (!chosen.has(g.dn.toLowerCase())) onAdd(g);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && hits[active]) {
        e.preventDefault();
        add(hits[active]);
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const status = loading
    ? 'Searching…'
    : error
      ? ''
      : result
        ? hits.length === 0
          ? 'No group matches.'
          : `${hits.length} group${hits.length === 1 ? '' : 's'}${result.truncated ? ' shown; more match, type more to narrow the search' : ''}. ` +
            'Use the arrow keys and Enter to add.'
        : '';

  return (
    <div className="combobox">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        role="combobox"
        type="search"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={open && hits.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-describedby={`${id}-status`}
        placeholder="Part of a group name, or a full DN"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKey}
      />
      <div id={`${id}-status`} className="hint" role="status" aria-live="polite">
        {status}
      </div>
      <ErrorMessage error={error} />
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA 1.2 combobox pattern; focus stays in the input (aria-activedescendant). */}
      <ul id={listId} role="listbox" aria-label="Matching groups" className="combobox-list" hidden={!open || hits.length === 0}>
        {hits.map((g, i) => {
          const isChosen = chosen.has(g.dn.toLowerCase());
          return (
            // biome-ignore lint/a11y/useFocusableInteractive: options are not focused; the input points at the active one with aria-activedescendant.
            <li
              key={g.dn}
              id={`${id}-opt-${i}`}
              // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the combobox's listbox (ARIA 1.2).
              role="option"
              aria-selected={i === active}
              aria-disabled={isChosen || undefined}
              className={`${i === active ? 'active' : ''}${isChosen ? ' chosen' : ''}`}
              // mousedown, not click: the input keeps its focus, so the list stays open for the next pick.
              onMouseDown={(e) => {
                e.preventDefault();
                add(g);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="combobox-name">{g.name}</span>
              <span className="combobox-dn mono small">{g.dn}</span>
              {isChosen ? <span className="small muted"> (chosen)</span> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
