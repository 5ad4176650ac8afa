import type { Directory } from '../api/types';
import { rdnValue, readableWarning } from '../format';

function safeguardText(s: Directory['safeguard']): string {
  if (!s.enabled) return 'off: removals are never held';
  const limits = [s.maxRemovals !== null ? `${s.maxRemovals} removals` : '', s.maxRemovalPercent !== null ? `${s.maxRemovalPercent} % of users` : ''].filter(
    Boolean,
  );
  return limits.length ? `removals held above ${limits.join(' or ')}` : 'on, with no limit set';
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** The effective configuration (defaults filled in) of a directory; never the password. */
export function DirectoryConfigSummary({ d }: { d: Directory }) {
  const a = d.attributes;
  return (
    <section className="card" aria-labelledby="config-title">
      <h2 id="config-title" className="h3">
        Configuration
      </h2>
      <dl className="summary">
        <dt>Servers</dt>
        <dd className="mono">{d.servers.join(', ')}</dd>
        <dt>Transport</dt>
        <dd>
          {d.transport}
          {d.customCa ? ', private CA' : ', system CAs'}
          {d.verifyHostname ? '' : ', host name not checked'}
        </dd>
        <dt>Bind</dt>
        <dd className="mono">{d.bind ? `${d.bind.dn} ${d.bind.passwordSet ? '(password set)' : '(no password)'}` : 'anonymous'}</dd>
        <dt>Base DN</dt>
        <dd className="mono">{d.baseDn}</dd>
        <dt>Sync items</dt>
        <dd>
          <ol className="plain-list">
            {d.syncItems.map((i, n) =>
              'group' in i ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: a read-only list in the configuration's order, replaced whole.
                <li key={n}>
                  group <strong>{rdnValue(i.group)}</strong> <span className="mono small muted">{i.group}</span>
                </li>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: a read-only list in the configuration's order, replaced whole.
                <li key={n}>
                  container <span className="mono small">{i.container}</span> ({i.scope}){i.filter ? <span className="mono small"> {i.filter}</span> : null}
                </li>
              ),
            )}
          </ol>
        </dd>
        <dt>Username attribute</dt>
        <dd>
          <span className="mono">{a.username}</span>{' '}
          {d.usernameLocked ? (
            <span className="badge badge-muted" title="Locked after the first sync">
              locked
            </span>
          ) : null}
        </dd>
        <dt>Other attributes</dt>
        <dd className="small">
          full name <span className="mono">{a.fullName}</span>, first <span className="mono">{a.firstName}</span>, last{' '}
          <span className="mono">{a.lastName}</span>, email <span className="mono">{a.email}</span>
          {a.aliases.length ? (
            <>
              , aliases <span className="mono">{a.aliases.join(', ')}</span>
            </>
          ) : null}
          , member <span className="mono">{a.member.join(', ')}</span>
        </dd>
        <dt>Phones and notes</dt>
        <dd className="small">
          phones {d.importPhones ? `imported${d.defaultCountry ? ` (numbers without a country code: ${d.defaultCountry})` : ''}` : 'not imported'}, notes{' '}
          {d.importNotes ? 'imported' : 'not imported'}
        </dd>
        <dt>Reading</dt>
        <dd className="small">
          pages of {d.pageSize} entries{d.memberRangeSize !== null ? `, members in ranges of ${d.memberRangeSize}` : ''}; timeouts: connect{' '}
          {seconds(d.timeouts.connectMs)}, answer {seconds(d.timeouts.operationMs)}
        </dd>
        <dt>Trash</dt>
        <dd>{d.trashDays} days</dd>
        <dt>Safeguard</dt>
        <dd>{safeguardText(d.safeguard)}</dd>
        <dt>Change tracking</dt>
        <dd>
          {d.continuous.changes}, full sync every {d.continuous.fullSyncHours} h
        </dd>
      </dl>
      {d.warnings.map((w) => (
        <p key={w} className="warning">
          {readableWarning(w, d)}
        </p>
      ))}
    </section>
  );
}
