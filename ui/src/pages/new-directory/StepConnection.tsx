import { useId, useState, type ChangeEvent } from 'react';
import { Checkbox, SelectField, TextArea } from '../../components/Field';
import { impliedTransport } from './draft';
import type { StepProps } from './StepProps';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export function StepConnection({ draft, set, errors }: StepProps) {
  const id = useId();
  const [caError, setCaError] = useState<string>();
  const example = draft.type === 'active-directory' ? 'ldaps://dc1.corp.example.com:636' : 'ldaps://ldap.example.com:636';

  const setServer = (i: number, v: string) => set({ servers: draft.servers.map((s, j) => (j === i ? v : s)) });

  // The CA never leaves the browser as a file: it is read here and sent inline as PEM text (the
  // API takes no file paths, so an admin cannot point idsync at files on the server).
  const onCaFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    if (f.size > 256 * 1024) return setCaError('That file is larger than a CA bundle should be (256 KB).');
    const text = await f.text();
    if (!PEM.test(text)) return setCaError(`${f.name} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Export the CA as Base-64 encoded X.509.`);
    setCaError(undefined);
    set({ ca: text, caFileName: f.name });
  };

  // The hint states the transport that will be used: the chosen one, or the one the URL implies.
  const TRANSPORT_TEXT = {
    ldaps: 'LDAPS: TLS from the start.',
    starttls: 'StartTLS: the connection is upgraded to TLS before the bind.',
    clear: 'Clear text: nothing is encrypted, including the bind password.',
  };
  const transportHint = draft.transport
    ? TRANSPORT_TEXT[draft.transport]
    : draft.servers[0]?.trim()
      ? `From the first URL: ${TRANSPORT_TEXT[impliedTransport(draft.servers[0])]}`
      : '';
  const tls = draft.transport !== 'clear';
  return (
    <>
      <fieldset>
        <legend>Servers</legend>
        <p className="hint" id={`${id}-servers-hint`}>
          LDAP URLs, tried in order: the first that answers is used, the others are backups. Example: <code>{example}</code>
        </p>
        {draft.servers.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a server row is its position (Server 1, 2…); its inputs are controlled by the draft.
          <div className="inline-row" key={i}>
            <div className="field grow">
              <label htmlFor={`${id}-server-${i}`}>Server {i + 1}</label>
              <input
                id={`${id}-server-${i}`}
                type="text"
                inputMode="url"
                value={s}
                placeholder={example}
                onChange={(e) => setServer(i, e.target.value)}
                aria-describedby={`${id}-servers-hint${errors[`servers[${i}]`] ? ` ${id}-server-${i}-err` : ''}`}
                aria-invalid={errors[`servers[${i}]`] ? true : undefined}
                autoComplete="off"
                spellCheck={false}
              />
              {errors[`servers[${i}]`] ? (
                <div className="field-error" id={`${id}-server-${i}-err`} role="alert">
                  {errors[`servers[${i}]`]}
                </div>
              ) : null}
            </div>
            {draft.servers.length > 1 ? (
              <button
                type="button"
                className="link-button"
                onClick={() => set({ servers: draft.servers.filter((_, j) => j !== i) })}
                aria-label={`Remove server ${i + 1}`}
              >
                Remove
              </button>
            ) : null}
          </div>
        ))}
        {errors.servers ? (
          <div className="field-error" role="alert">
            {errors.servers}
          </div>
        ) : null}
        <button type="button" onClick={() => set({ servers: [...draft.servers, ''] })}>
          Add a backup server
        </button>
      </fieldset>

      <SelectField
        label="Transport"
        value={draft.transport}
        onChange={(v) => set({ transport: v as typeof draft.transport })}
        options={[
          { value: '', label: 'From the URL (ldaps:// → LDAPS, ldap:// → StartTLS)' },
          { value: 'ldaps', label: 'LDAPS (TLS from the start, port 636)' },
          { value: 'starttls', label: 'StartTLS (port 389, upgraded to TLS)' },
          { value: 'clear', label: 'Clear text (not encrypted: the password crosses the network)' },
        ]}
        hint={transportHint}
        error={errors.transport}
      />
      {draft.transport === 'clear' ? (
        <p className="warning" role="note">
          Clear text sends the bind password unencrypted. Use it only on a trusted test network.
        </p>
      ) : null}

      {/* Without TLS there is no certificate to check: the CA settings would only mislead. */}
      {tls ? (
        <fieldset>
          <legend>Certificate authority</legend>
          <p className="hint">
            Leave empty to trust the system's CAs. For a private CA (an AD CS enterprise CA, a self-signed slapd), upload its certificate in PEM form.
          </p>
          <div className="field">
            <label htmlFor={`${id}-ca-file`}>CA certificate file (.pem, .crt)</label>
            <input
              id={`${id}-ca-file`}
              type="file"
              accept=".pem,.crt,.cer,application/x-pem-file,application/x-x509-ca-cert"
              onChange={(e) => void onCaFile(e)}
              aria-describedby={`${id}-ca-status`}
            />
            <div id={`${id}-ca-status`} className="hint" role="status">
              {draft.ca
                ? `Loaded${draft.caFileName ? ` ${draft.caFileName}` : ''}: ${(draft.ca.match(/BEGIN CERTIFICATE/g) ?? []).length} certificate(s).`
                : 'No CA loaded.'}
            </div>
            {caError ? (
              <div className="field-error" role="alert">
                {caError}
              </div>
            ) : null}
          </div>
          <details>
            <summary>Or paste the PEM text</summary>
            <TextArea
              label="CA certificate (PEM)"
              value={draft.ca}
              onChange={(v) => set({ ca: v, caFileName: '' })}
              rows={6}
              className="mono"
              spellCheck={false}
              error={errors.ca}
            />
          </details>
          {draft.ca ? (
            <button type="button" className="link-button" onClick={() => set({ ca: '', caFileName: '' })}>
              Remove the CA
            </button>
          ) : null}
          <Checkbox
            label="Check that the certificate names the server"
            checked={draft.verifyHostname}
            onChange={(v) => set({ verifyHostname: v })}
            hint="Turn off only when servers are reached by an address their certificate does not list. The certificate chain is verified either way."
          />
        </fieldset>
      ) : null}
    </>
  );
}
