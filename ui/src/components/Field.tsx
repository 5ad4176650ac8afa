import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** Shown after the label, e.g. "locked" or "default: sAMAccountName". */
  badge?: ReactNode;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}

/**
 * A label, the control, its hint and its error, wired together for assistive technology: the
 * label names the control, the hint and error describe it, aria-invalid marks it.
 */
export function Field({ label, hint, error, badge, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {badge ? <span className="field-badge"> {badge}</span> : null}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errId} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

type TextProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  badge?: ReactNode;
  value: string;
  onChange: (v: string) => void;
};

export function TextField({ label, hint, error, badge, value, onChange, ...input }: TextProps) {
  return (
    <Field label={label} hint={hint} error={error} badge={badge}>
      {(a) => <input {...input} {...a} value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

type AreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  value: string;
  onChange: (v: string) => void;
};

export function TextArea({ label, hint, error, value, onChange, ...area }: AreaProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => <textarea {...area} {...a} value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
};

export function SelectField({ label, hint, error, value, onChange, options, ...sel }: SelectProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => (
        <select {...sel} {...a} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Checkbox({
  label,
  checked,
  onChange,
  hint,
  disabled,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (v: boolean) => void;
  hint?: ReactNode;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field field-check">
      <input
        type="checkbox"
        id={id}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}
