import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client';
import { DIRECTORY_NAME, SERVER_URL } from '../../api/rules';
import type { ConnectionTest, Directory, DirectoryTypeInfo, RunReport } from '../../api/types';
import { useAnnounce } from '../../components/Announcer';
import { useConfirm } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/Layout';
import { navigate, setLeaveGuard } from '../../router';
import { useAsync } from '../../hooks/useAsync';
import { dnProblem } from './dn';
import { connectionKey, emptyDraft, fromInput, toInput, typeDefaultsFrom, type Draft } from './draft';
import { StepPreview } from './StepPreview';
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
  // New directories only: the first import's plan, before anything is saved (issue 10 item 15).
  { key: 'preview', title: 'Preview and import' },
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
  if (step === 0 && !DIRECTORY_NAME.test(d.name)) e.name = 'Give it a name: 1-63 letters, digits, dot, dash or underscore.';
  if (step === 1) {
    d.servers.forEach((s, i) => {
      if (s.trim() && !SERVER_URL.test(s.trim())) e[`servers[${i}]`] = `"${s.trim()}" is not an LDAP URL: write it like ldaps://dc1.example.com:636.`;
    });
    if (!d.servers.some((s) => s.trim())) e.servers = 'List at least one server.';
  }
  if (step === 2) {
    if (!d.baseDn.trim()) e.baseDn = 'The base DN is required.';
    const bad = dnProblem(d.baseDn);
    if (bad) e.baseDn = bad;
    const badBind = /=/.test(d.bindDn) ? dnProblem(d.bindDn) : undefined;
    if (badBind) e['bind.dn'] = badBind;
    if (d.bindDn.trim() && !d.password && !editing) e['bind.password'] = 'A bind DN needs its password.';
  }
  if (step === 4 && d.groups.length === 0 && d.otherItems.length === 0) e.syncItems = 'Choose at least one group.';
  return e;
}

/** Whether a field (an error's key) differs between two drafts. */
function changed(a: Draft, b: Draft, field: string): boolean {
  const top = field.split(/[.[]/)[0];
  const key = top === 'bind' ? (field === 'bind.password' ? 'password' : 'bindDn') : top;
  return JSON.stringify((a as unknown as Record<string, unknown>)[key]) !== JSON.stringify((b as unknown as Record<string, unknown>)[key]);
}

/** Errors the step itself computes (not the API's): they disappear once fixed. */
function isLocalField(step: number, field: string): boolean {
  if (step === 0) return field === 'name';
  if (step === 1) return field.startsWith('servers');
  if (step === 2) return field === 'baseDn' || field === 'bind.password' || field === 'bind.dn';
  if (step === 4) return field === 'syncItems';
  return false;
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
  const confirm = useConfirm();
  /** The last connection test and the connection settings it tested (Next waits for a passing one). */
  const [tested, setTested] = useState<{ key: string; result: ConnectionTest }>();
  const [plan, setPlan] = useState<RunReport>();
  const [planError, setPlanError] = useState<Error>();
  const [planning, setPlanning] = useState(false);
  /** What the form held when it opened: leaving with anything else asks first. */
  const baseline = useRef(JSON.stringify(emptyDraft()));
  // What an empty attribute field means comes from the server's profiles, never a copy here.
  const types = useAsync((signal) => api.get<{ items: DirectoryTypeInfo[] }>('/directory-types', undefined, signal), []);
  const defaults = useMemo(() => (types.data ? typeDefaultsFrom(types.data.items) : undefined), [types.data]);

  useEffect(() => {
    if (!editName) return;
    api.get<Directory>(`/directories/${seg(editName)}`).then((d) => {
      setLoaded(d);
      if (d.config) {
        const loadedDraft = fromInput(d.config);
        baseline.current = JSON.stringify(loadedDraft);
        setDraft(loadedDraft);
      }
    }, setSaveError);
  }, [editName]);

  const lastStep = editing ? STEPS.length - 2 : STEPS.length - 1;
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  // Errors follow the fields: a fixed URL loses its error as it is typed, not at the next Next.
  // The API's refusals (from a save) stay until their field changes.
  const lastDraft = useRef(draft);
  // biome-ignore lint/correctness/useExhaustiveDependencies: errors follow draft changes; the step and mode are read as they are then.
  useEffect(() => {
    const before = lastDraft.current;
    lastDraft.current = draft;
    if (before === draft) return;
    setErrors((old) => {
      if (!Object.keys(old).length) return old;
      const local = missing(step, draft, editing);
      const kept = Object.fromEntries(Object.entries(old).filter(([k]) => k in local || !changed(before, draft, k)));
      for (const k of Object.keys(kept)) if (k in local) kept[k] = local[k];
      for (const k of Object.keys(kept)) if (!(k in local) && isLocalField(step, k)) delete kept[k];
      return kept;
    });
  }, [draft]);

  // The draft's connection settings: a test counts only for the values it tested.
  const connKey = defaults ? connectionKey(draft) : '';
  const testPassed = !!tested && tested.key === connKey && tested.result.ok;
  // Editing without a new password cannot test the draft (the password is not in it); the stored
  // directory's own test is on its page.
  const needsTest = !editing || !!draft.password;
  const stepErrors = missing(step, draft, editing);
  const blocked =
    STEPS[step]?.key === 'bind'
      ? stepErrors.baseDn
        ? 'Fix the base DN first.'
        : needsTest && !testPassed
          ? tested && tested.key === connKey
            ? 'The connection test failed: fix the settings and test again before going on.'
            : 'Test the connection before going on.'
          : undefined
      : undefined;

  const dirty = !saving && JSON.stringify(draft) !== baseline.current;
  useEffect(() => {
    if (!dirty) return;
    setLeaveGuard(() =>
      confirm({
        title: editing ? `Leave without saving ${editName}?` : 'Leave without adding the directory?',
        body: <p>{editing ? 'Your changes are not saved and will be lost.' : 'Nothing is saved yet: what you entered in these steps will be lost.'}</p>,
        confirmLabel: 'Leave and discard',
        danger: true,
      }),
    );
    // A reload or a closed tab gets the browser's own question.
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => {
      setLeaveGuard(undefined);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [dirty, confirm, editing, editName]);
  const go = (to: number) => {
    setStep(to);
    // The step's heading gets the focus, so a screen reader announces where the admin is now.
    window.setTimeout(() => headingRef.current?.focus(), 0);
  };

  const next = (e: FormEvent) => {
    e.preventDefault();
    const errs = missing(step, draft, editing);
    setErrors(errs);
    if (Object.keys(errs).length || blocked) return;
    if (step < lastStep) {
      if (STEPS[step + 1].key === 'preview') void preview();
      return go(step + 1);
    }
    void save();
  };

  const preview = async () => {
    setPlan(undefined);
    setPlanError(undefined);
    setPlanning(true);
    try {
      setPlan(await api.post<RunReport>('/directory-drafts/dry-run', toInput(draft, defaults!)));
    } catch (err) {
      setPlanError(err as Error);
    } finally {
      setPlanning(false);
    }
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const input = toInput(draft, defaults!);
      const d = editing ? await api.put<Directory>(`/directories/${seg(editName)}`, input) : await api.post<Directory>('/directories', input);
      announce(editing ? `Saved ${d.name}` : `Directory ${d.name} created; the first import is running`);
      setLeaveGuard(undefined);
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
  const shown = editing ? STEPS.filter((x) => x.key !== 'preview') : STEPS;
  const primary =
    step < lastStep ? (STEPS[step + 1].key === 'preview' ? 'Preview the import' : 'Next') : saving ? 'Saving…' : editing ? 'Save changes' : 'Create and import';
  const primaryDisabled = saving || !!blocked || (current.key === 'preview' && (planning || !plan || plan.status === 'failed'));
  return (
    <>
      <PageHeader
        title={editing ? `Edit ${editName}` : 'Add a directory'}
        back={{ to: editing ? `/directories/${encodeURIComponent(editName)}` : '/directories', label: editing ? editName : 'Directories' }}
      />
      <nav aria-label="Steps" className="steps">
        <ol>
          {shown.map((s, i) => (
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
          Step {step + 1} of {shown.length}: {current.title}
        </h2>
        {current.key === 'type' ? <StepType {...props} /> : null}
        {current.key === 'connection' ? <StepConnection {...props} /> : null}
        {current.key === 'attributes' ? <StepAttributes {...props} usernameLocked={!!loaded?.usernameLocked} /> : null}
        {current.key === 'groups' ? <StepGroups {...props} /> : null}
        {current.key === 'review' ? <StepReview {...props} /> : null}
        {current.key === 'bind' ? (
          <StepBind
            {...props}
            tested={tested?.key === connKey ? tested.result : undefined}
            onTested={(result) => setTested({ key: connectionKey(draft), result })}
          />
        ) : null}
        {current.key === 'preview' ? <StepPreview plan={plan} error={planError} busy={planning} /> : null}
        <ErrorMessage error={saveError} prefix={step === lastStep ? 'Not saved:' : undefined} />
        <div className="wizard-actions">
          {step > 0 ? (
            <button type="button" onClick={() => go(step - 1)}>
              Back
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={primaryDisabled} aria-describedby={blocked ? 'next-blocked' : undefined}>
            {primary}
          </button>
          {blocked ? (
            <span id="next-blocked" className="hint">
              {blocked}
            </span>
          ) : null}
        </div>
      </form>
    </>
  );
}
