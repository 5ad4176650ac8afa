import { useEffect, useRef, useState } from 'react';

/**
 * A new API token, shown this one time: the API keeps only its hash. Copy puts it on the
 * clipboard; the text is also selectable for browsers that refuse the clipboard API over http.
 */
export function TokenReveal({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.select(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      ref.current?.select();
    }
  };
  return (
    <section className="card token-reveal" aria-labelledby="token-title">
      <h2 id="token-title" className="h3">
        Token "{name}" created
      </h2>
      <p>
        <strong>Copy it now: it is shown only this once.</strong> idsync keeps only a hash of it. Send it as <code>Authorization: Bearer …</code>.
      </p>
      <div className="inline-row">
        <div className="field grow">
          <label htmlFor="new-token">API token</label>
          <input id="new-token" ref={ref} readOnly value={token} className="mono" onFocus={(e) => e.target.select()} />
        </div>
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have saved it
        </button>
      </div>
      <div role="status" className="hint">
        {copied ? 'Copied to the clipboard.' : ''}
      </div>
    </section>
  );
}
