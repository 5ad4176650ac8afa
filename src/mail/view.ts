import type { MailRow } from '../store/mail-outbox.js';

/** An outbox row as the CLI and the API show it: never a body (an alert's text is not secret, but an enrollment's has none stored anyway). */
export function outboxView(r: MailRow) {
  return {
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    template: r.template,
    event: r.event,
    recipient: r.recipient,
    subject: r.subject,
    state: r.state,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}
