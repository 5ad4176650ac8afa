import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface ConfirmOptions {
  title: string;
  /** What will happen, in plain words: the dialog exists to say it before it is done. */
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** For what cannot be undone: the admin types this word to enable the button. */
  typeToConfirm?: string;
}

type Confirm = (o: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Confirm>(async () => false);

/** `const confirm = useConfirm(); if (await confirm({...})) …` */
export const useConfirm = () => useContext(ConfirmContext);

/**
 * One modal <dialog> for the whole panel. The native element traps focus, closes on Escape and
 * returns focus to the button that opened it; Cancel has the focus first so Enter never
 * confirms a destructive action by accident.
 */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [opts, setOpts] = useState<ConfirmOptions>();
  const [typed, setTyped] = useState('');
  const resolveRef = useRef<(v: boolean) => void>(undefined);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  const confirm = useCallback<Confirm>((o) => {
    setOpts(o);
    setTyped('');
    return new Promise<boolean>((resolve) => {
      resolveRef.current = resolve;
    });
  }, []);

  useEffect(() => {
    const d = dialogRef.current;
    if (!d) return;
    if (opts && !d.open) {
      d.showModal();
      cancelRef.current?.focus();
    }
  }, [opts]);

  const close = (answer: boolean) => {
    dialogRef.current?.close();
    setOpts(undefined);
    resolveRef.current?.(answer);
    resolveRef.current = undefined;
  };

  const blocked = !!opts?.typeToConfirm && typed !== opts.typeToConfirm;
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <dialog
        ref={dialogRef}
        className="dialog"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onCancel={(e) => {
          e.preventDefault();
          close(false);
        }}
      >
        {opts ? (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              if (!blocked) close(true);
            }}
          >
            <h2 id={titleId}>{opts.title}</h2>
            <div id={bodyId} className="dialog-body">
              {opts.body}
            </div>
            {opts.typeToConfirm ? (
              <div className="field">
                <label htmlFor={`${titleId}-type`}>
                  Type <strong>{opts.typeToConfirm}</strong> to confirm
                </label>
                <input id={`${titleId}-type`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
              </div>
            ) : null}
            <div className="dialog-actions">
              <button type="button" ref={cancelRef} onClick={() => close(false)}>
                Cancel
              </button>
              <button type="submit" className={opts.danger ? 'danger' : 'primary'} disabled={blocked}>
                {opts.confirmLabel}
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
    </ConfirmContext.Provider>
  );
}
