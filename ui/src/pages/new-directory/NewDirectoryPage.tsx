import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client';
import type { Directory, DirectoryTypeInfo } from '../../api/types';
import { useAnnounce } from '../../components/Announcer';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Layout';
import { navigate } from '../../router';
import { useAsync } from '../../hooks/useAsync';
import { emptyDraft, fromInput, toInput, typeDefaultsFrom, type Draft } from './draft';
import { StepAttributes } from './StepAttributes';
import { StepBind } from './StepBind';
import { StepConnection } from './StepConnection';
import { StepGroups } from './StepGroups';
import { StepReview } from './StepReview';
import { StepType } from './StepType';

const STEPS = [
  { key: 'type', title: 'Type and name' },
  { key: 'connection', title: 'Servers and TLS' },
  { key: 'bind', title: 'Credentials and base DN' },
  { key: 'attributes', title: 'Attributes' },
  { key: 'groups', title: 'Groups' },
  { key: 'review', title: 'Safeguard and review' },
] as const;

/** Which step shows the error of an API field, so a refused save lands where it can be fixed. */
function stepOf(field: string): number {
  if (field === 'name' || field === 'type') return 0;
  if (/^(servers|transport|ca|verifyHostname)/.test(field)) return 1;
  if (/^(bind|baseDn)/.test(field)) return 2;
  if (/^(attributes|importPhones|importNotes)/.test(field)) return 3;
  if (/^(syncItems|groups)/.test(field)) return 4;
  return 5;
}

/** What the admin must fill in before moving on (the API validates everything again on save). */
function missing(step: number, d: Draft, editing: boolean): Record<string, string> {
  const e: Record<string, string> = {};
  if (step === 0 && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(d.name)) e.name = 'Give it a name: 1-63 letters, digits, dot, dash or underscore.';
  if (step === 1) {
    d.servers.forEach((s, i) => {
      if (s.trim() && !/^ldaps?:\/\/[^/\s]+/i.test(s.trim())) e[`servers[${i}]`] = 'Must be an LDAP URL such as ldaps://dc1.example.com:636.';
    });
    if (!d.servers.some((s) => s.trim())) e.servers = 'List at least one server.';
  }
  if (step === 2) {
    if (!d.baseDn.trim()) e.baseDn = 'The base DN is required.';
    if (d.bindDn.trim() && !d.password && !editing) e['bind.password'] = 'A bind DN needs its password.';
  }
  if (step === 4 && d.groups.length === 0 && d.otherItems.length === 0) e.syncItems = 'Choose at least one group.';
  return e;
}

/**
 * The guided "new directory" flow (and editing an existing API directory with the same steps).
 * Steps are a form each; Next checks the step, Save sends the whole configuration and, if the
 * API refuses a field, returns to the step that has it with the message beside the field.
 */
export function NewDirectoryPage({ editName }: { editName?: string }) {
  const editing = editName !== undefined;
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<Error>();
  const [saving, setSaving] = useState(false);
  const [loaded, setLoaded] = useState<Directory>();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const announce = useAnnounce();
  // What an empty attribute field means comes from the server's profiles, never a copy here.
  const types = useAsync((signal) => api.get<{ items: DirectoryTypeInfo[] }>('/directory-types', undefined, signal), []);
  const defaults = useMemo(() => (types.data ? typeDefaultsFrom(types.data.items) : undefined), [types.data]);

  useEffect(() => {
    if (!editName) return;
    api.get<Directory>(`/directories/${seg(editName)}`).then((d) => {
      setLoaded(d);
      if (d.config) setDraft(fromInput(d.config));
    }, setSaveError);
  }, [editName]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const go = (to: number) => {
    setStep(to);
    // The step's heading gets the focus, so a screen reader announces where the admin is now.
    window.setTimeout(() => headingRef.current?.focus(), 0);
  };

  const next = (e: FormEvent) => {
    e.preventDefault();
    const errs = missing(step, draft, editing);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    if (step < STEPS.length - 1) return go(step + 1);
    void save();
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const input = toInput(draft, defaults!);
      const d = editing ? await api.put<Directory>(`/directories/${seg(editName)}`, input) : await api.post<Directory>('/directories', input);
      announce(editing ? `Saved ${d.name}` : `Directory ${d.name} created`);
      navigate(`/directories/${encodeURIComponent(d.name)}`);
    } catch (err) {
      setSaveError(err as Error);
      if (err instanceof ApiError && err.field) {
        const errs: Record<string, string> = {};
        for (const i of err.issues ?? [{ field: err.field, message: err.message }]) errs[i.field] = i.message;
        setErrors(errs);
        go(stepOf(err.field));
      }
    } finally {
      setSaving(false);
    }
  };

  if (editing && loaded && loaded.managedBy === 'file') {
    return (
      <>
        <PageHeader title={`Edit ${editName}`} back={{ to: `/directories/${encodeURIComponent(editName)}`, label: editName }} />
        <p>This directory is defined in the configuration file; change it there and restart idsync serve.</p>
      </>
    );
  }

  if (!defaults) {
    return (
      <>
        <PageHeader title={editing ? `Edit ${editName}` : 'Add a directory'} back={{ to: '/directories', label: 'Directories' }} />
        {types.error ? <ErrorMessage error={types.error} prefix="Cannot load the directory types:" /> : <p aria-busy="true">Loading…</p>}
      </>
    );
  }

  const props = { draft, set, errors, editing, defaults };
  const current = STEPS[step];
  return (
    <>
      <PageHeader title={editing ? `Edit ${editName}` : 'Add a directory'} back={{ to: editing ? `/directories/${encodeURIComponent(editName)}` : '/directories', label: editing ? editName : 'Directories' }} />
      <nav aria-label="Steps" className="steps">
        <ol>
          {STEPS.map((s, i) => (
            <li key={s.key} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : undefined}>
              {/* Going back is always allowed; forward only through Next, which checks each step. */}
              {i < step ? (
                <button type="button" className="link-button" onClick={() => go(i)}>
                  {i + 1}. {s.title}
                </button>
              ) : (
                <span>
                  {i + 1}. {s.title}
                </span>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <form onSubmit={next} noValidate className="wizard" aria-labelledby="step-title">
        <h2 id="step-title" ref={headingRef} tabIndex={-1}>
          Step {step + 1} of {STEPS.length}: {current.title}
        </h2>
        {current.key === 'type' ? <StepType {...props} /> : null}
        {current.key === 'connection' ? <StepConnection {...props} /> : null}
        {current.key === 'bind' ? <StepBind {...props} /> : null}
        {current.key === 'attributes' ? <StepAttributes {...props} usernameLocked={!!loaded?.usernameLocked} /> : null}
        {current.key === 'groups' ? <StepGroups {...props} /> : null}
        {current.key === 'review' ? <StepReview {...props} /> : null}
        <ErrorMessage error={saveError} prefix={step === STEPS.length - 1 ? 'Not saved:' : undefined} />
        <div className="wizard-actions">
          {step > 0 ? (
            <button type="button" onClick={() => go(step - 1)}>
              Back
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={saving}>
            {step < STEPS.length - 1 ? 'Next' : saving ? 'Saving…' : editing ? 'Save changes' : 'Create directory'}
          </button>
        </div>
      </form>
    </>
  );
}
