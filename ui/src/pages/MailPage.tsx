import { useEffect, useState } from 'react';
import { api, seg } from '../api/client';
import type { MailOutbox, MailTemplateInput, MailTemplates, Page, PendingEnrollment } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextArea, TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { formatRelative, formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { Link } from '../router';
import { useCan } from '../session';

/**
 * Mail (issue 15): pending enrollments with resend, the outbox with each message's state and last
 * error (an SMTP outage shows here, and the "mail failing" alert links here), and the enrollment
 * templates. No enrollment link is ever shown: the server keeps none to show.
 */
export function MailPage() {
  return (
    <>
      <PageHeader title="Mail" />
      <p className="subtitle">
        Enrollment emails for a second factor, reminders and alerts go through an outbox: nothing is lost while the mail server is down, and each message's last
        error is shown below.
      </p>
      <PendingEnrollments />
      <Outbox />
      <Templates />
    </>
  );
}

function PendingEnrollments() {
  const canResend = useCan('user_manager');
  const announce = useAnnounce();
  const [search, setSearch] = useState('');
  const pending = useAsync(
    (signal) => api.get<Page<PendingEnrollment>>('/enrollments', { limit: 200, offset: 0, ...(search ? { search } : {}) }, signal),
    [search],
  );
  const resend = useAction(async (p: PendingEnrollment) => {
    await api.post(`/enrollments/${seg(p.username)}/resend`);
    announce(`The enrollment link of ${p.username} is queued again; it still expires ${formatTime(p.expiresAt)}`);
    pending.reload();
  });
  return (
    <section aria-labelledby="pending-h">
      <h2 id="pending-h">Pending enrollments{pending.data ? ` (${pending.data.total})` : ''}</h2>
      <TextField label="Search by username or email" type="search" value={search} onChange={setSearch} />
      <ErrorMessage error={pending.error} />
      <ErrorMessage error={resend.error} prefix="Not resent:" />
      {pending.data?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Users sent an enrollment link they have not used, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Email</th>
                <th scope="col">Link expires</th>
                <th scope="col">First sent</th>
                <th scope="col">Reminders</th>
                <th scope="col">Last email</th>
                {canResend ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {pending.data.items.map((p) => (
                <tr key={p.linkId}>
                  <th scope="row">
                    <Link to={`/users/${encodeURIComponent(p.username)}`}>{p.username}</Link>
                    {p.fullName ? <div className="small muted">{p.fullName}</div> : null}
                  </th>
                  <td data-label="Email">{p.email ?? '—'}</td>
                  <td data-label="Link expires" title={formatTime(p.expiresAt)}>
                    {formatRelative(p.expiresAt)}
                  </td>
                  <td data-label="First sent">{p.firstSentAt ? formatTime(p.firstSentAt) : 'not yet'}</td>
                  <td data-label="Reminders">
                    {p.remindersSent}
                    {p.resends ? ` (+${p.resends} resent)` : ''}
                  </td>
                  <td data-label="Last email" className="small">
                    {p.mailState ?? '—'}
                    {p.mailError ? <div className="field-error">{p.mailError}</div> : null}
                  </td>
                  {canResend ? (
                    <td className="row-actions">
                      <button type="button" className="small" onClick={() => void resend.run(p)} disabled={resend.busy}>
                        Resend
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : pending.data ? (
        <p>No pending enrollments.</p>
      ) : null}
    </section>
  );
}

function Outbox() {
  const canRetry = useCan('administrator');
  const announce = useAnnounce();
  const outbox = useAsync((signal) => api.get<MailOutbox>('/mail/outbox', { limit: 100, offset: 0 }, signal), []);
  const retry = useAction(async (id: number) => {
    await api.post(`/mail/outbox/${seg(id)}/retry`);
    announce(`Message ${id} is due again`);
    outbox.reload();
  });
  const d = outbox.data;
  return (
    <section aria-labelledby="outbox-h">
      <h2 id="outbox-h">Outbox</h2>
      <ErrorMessage error={outbox.error} />
      <ErrorMessage error={retry.error} prefix="Not retried:" />
      {d ? (
        <p>
          {d.counts.pending} waiting, {d.counts.sent} sent, {d.counts.failed} failed, {d.counts.cancelled} cancelled.
          {d.smtpConfigured ? null : <strong> No SMTP server is configured: emails wait here until one is.</strong>}{' '}
          <button type="button" className="small" onClick={() => outbox.reload()}>
            Refresh
          </button>
        </p>
      ) : null}
      {d?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Emails and alert webhook calls, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">What</th>
                <th scope="col">To</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                {canRetry ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {d.items.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.id}</th>
                  <td data-label="What">
                    {m.kind}
                    {m.template ? ` (${m.template})` : ''}
                    {m.event ? ` (${m.event})` : ''}
                    {m.subject ? <div className="small muted">{m.subject}</div> : null}
                  </td>
                  <td data-label="To">{m.recipient}</td>
                  <td data-label="State">
                    {m.state}
                    {m.state === 'pending' && m.attempts ? <div className="small muted">next {formatRelative(m.nextAttemptAt)}</div> : null}
                    {m.sentAt ? <div className="small muted">{formatTime(m.sentAt)}</div> : null}
                  </td>
                  <td data-label="Attempts">{m.attempts}</td>
                  <td data-label="Last error" className="small">
                    {m.lastError ?? '—'}
                  </td>
                  {canRetry ? (
                    <td className="row-actions">
                      {m.state === 'failed' || (m.state === 'pending' && m.attempts > 0) ? (
                        <button type="button" className="small" onClick={() => void retry.run(m.id)} disabled={retry.busy}>
                          Retry now
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : d ? (
        <p>The outbox is empty.</p>
      ) : null}
    </section>
  );
}

function Templates() {
  const canEdit = useCan('administrator');
  const templates = useAsync((signal) => api.get<MailTemplates>('/mail/templates', undefined, signal), []);
  return (
    <section aria-labelledby="templates-h">
      <h2 id="templates-h">Enrollment email templates</h2>
      <ErrorMessage error={templates.error} />
      {templates.data ? (
        <>
          <p>
            Placeholders:{' '}
            {templates.data.placeholders.map((p) => (
              <code key={p}>{p} </code>
            ))}
            . Both bodies must contain <code>{'<enrollment-link>'}</code>.
          </p>
          <TemplateForm kind="enrollment" title="First email and resend" initial={templates.data.templates.enrollment} canEdit={canEdit} />
          <TemplateForm kind="reminder" title="Reminders" initial={templates.data.templates.reminder} canEdit={canEdit} />
        </>
      ) : null}
    </section>
  );
}

function TemplateForm(props: { kind: 'enrollment' | 'reminder'; title: string; initial: MailTemplateInput & { custom: boolean }; canEdit: boolean }) {
  const announce = useAnnounce();
  const [t, setT] = useState<MailTemplateInput & { custom: boolean }>(props.initial);
  useEffect(() => setT(props.initial), [props.initial]);
  const save = useAction(async (body: MailTemplateInput | { reset: true }) => {
    const saved = await api.put<MailTemplateInput & { custom: boolean }>(`/mail/templates/${seg(props.kind)}`, body);
    setT(saved);
    announce(`${props.title} template saved`);
  });
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run({ subject: t.subject, text: t.text, html: t.html });
      }}
    >
      <h3>
        {props.title} {t.custom ? <span className="small muted">(edited)</span> : <span className="small muted">(built-in)</span>}
      </h3>
      <ErrorMessage error={save.error} prefix="Not saved:" />
      <TextField label="Subject" value={t.subject} onChange={(subject) => setT({ ...t, subject })} disabled={!props.canEdit} />
      <TextArea label="Plain text" rows={8} value={t.text} onChange={(text) => setT({ ...t, text })} disabled={!props.canEdit} />
      <TextArea label="HTML" rows={8} value={t.html} onChange={(html) => setT({ ...t, html })} disabled={!props.canEdit} />
      {props.canEdit ? (
        <div className="actions">
          <button type="submit" disabled={save.busy}>
            Save
          </button>{' '}
          {t.custom ? (
            <button type="button" onClick={() => void save.run({ reset: true })} disabled={save.busy}>
              Back to the built-in text
            </button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
