import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';
import './enroll.css';

/**
 * The enrollment page's script (issue 15). The link's token is in the URL fragment, which the
 * browser never sends to a server; it is read once, removed from the address bar (so it is not left
 * in history or a screenshot), and sent in the body of each /api/v1/enroll/* call.
 */
interface Enrolled {
  id: number;
  kind: 'totp' | 'webauthn';
  label: string;
  createdAt: string;
}

const token = decodeURIComponent(location.hash.replace(/^#/, ''));
history.replaceState(null, '', location.pathname);

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const sections = ['choose', 'totp', 'passkey', 'done'];
let pendingId = '';

function show(id: string | null): void {
  for (const s of sections) $(s).hidden = s !== id;
  const heading = id ? $(id).querySelector('h2') : null;
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function status(text: string): void {
  $('status').textContent = text;
}

function fail(message: string): void {
  const e = $('error');
  e.textContent = message;
  e.hidden = false;
}

function clearError(): void {
  $('error').hidden = true;
}

async function call<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
  const r = await fetch(`/api/v1/enroll/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, ...body }),
    credentials: 'omit',
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data?.error?.message ?? `the server answered ${r.status}`);
  return data as T;
}

function renderEnrolled(list: Enrolled[]): void {
  const ul = $('enrolled');
  ul.replaceChildren(
    ...list.map((a) => {
      const li = document.createElement('li');
      li.textContent = `${a.label} (${a.kind === 'totp' ? 'authenticator app' : 'passkey or security key'})`;
      return li;
    }),
  );
  $('enrolled-block').hidden = list.length === 0;
  $('finish-block').hidden = list.length === 0;
}

let enrolled: Enrolled[] = [];

async function start(): Promise<void> {
  if (!token) {
    status('');
    fail('This page needs the link from your enrollment email. Open the link from the email again.');
    return;
  }
  try {
    const s = await call<{ username: string; fullName: string | null; authenticators: Enrolled[]; passkeys: boolean }>('start');
    enrolled = s.authenticators;
    $('greeting').textContent = `Hello ${s.fullName ?? s.username}. Your username is ${s.username}.`;
    const passkeys = s.passkeys && browserSupportsWebAuthn();
    $('start-passkey').hidden = !passkeys;
    $('passkey-unavailable').hidden = passkeys;
    renderEnrolled(enrolled);
    status('');
    show('choose');
  } catch (err) {
    status('');
    fail((err as Error).message);
  }
}

$('start-totp').addEventListener('click', async () => {
  clearError();
  try {
    const t = await call<{ pendingId: string; secret: string; qrDataUrl: string }>('totp');
    pendingId = t.pendingId;
    $<HTMLImageElement>('qr').src = t.qrDataUrl;
    $('totp-secret').textContent = t.secret.replace(/(.{4})/g, '$1 ').trim();
    $<HTMLInputElement>('totp-code').value = '';
    show('totp');
  } catch (err) {
    fail((err as Error).message);
  }
});

$('totp-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError();
  try {
    const r = await call<{ authenticator: Enrolled }>('totp/confirm', {
      pendingId,
      code: $<HTMLInputElement>('totp-code').value.replace(/\s/g, ''),
      label: $<HTMLInputElement>('totp-label').value || undefined,
    });
    enrolled = [...enrolled, r.authenticator];
    renderEnrolled(enrolled);
    status(`${r.authenticator.label} is enrolled.`);
    show('choose');
  } catch (err) {
    fail((err as Error).message);
    $<HTMLInputElement>('totp-code').focus();
  }
});

$('start-passkey').addEventListener('click', () => {
  clearError();
  show('passkey');
});

$('passkey-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError();
  try {
    const o = await call<{ pendingId: string; options: Parameters<typeof startRegistration>[0]['optionsJSON'] }>('webauthn/options');
    const response = await startRegistration({ optionsJSON: o.options });
    const r = await call<{ authenticator: Enrolled }>('webauthn/register', {
      pendingId: o.pendingId,
      response,
      label: $<HTMLInputElement>('passkey-label').value || undefined,
    });
    enrolled = [...enrolled, r.authenticator];
    renderEnrolled(enrolled);
    status(`${r.authenticator.label} is enrolled.`);
    show('choose');
  } catch (err) {
    fail((err as Error).message);
  }
});

for (const b of document.querySelectorAll<HTMLButtonElement>('button.cancel')) {
  b.addEventListener('click', () => {
    clearError();
    show('choose');
  });
}

$('finish').addEventListener('click', async () => {
  clearError();
  try {
    const r = await call<{ recoveryCodes: string[] }>('finish');
    $('codes').replaceChildren(
      ...r.recoveryCodes.map((c) => {
        const li = document.createElement('li');
        li.textContent = c;
        return li;
      }),
    );
    status('');
    show('done');
  } catch (err) {
    fail((err as Error).message);
  }
});

void start();
