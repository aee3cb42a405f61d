import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from './Notice.tsx';
import { useAction } from './useAction.ts';

/**
 * A button that opens a small confirm form (optionally with a required reason/note) before running an action.
 * Used for every consequential console action. `children` (more fields: a checkbox, a hint) go under the reason.
 */
export function ReasonAction(props: {
  label: string;
  confirmLabel?: string;
  prompt?: string;
  reasonLabel?: string;
  reasonRequired?: boolean;
  askReason?: boolean;
  danger?: boolean;
  testId: string;
  onConfirm: (reason: string) => Promise<unknown>;
  onDone?: () => void;
  children?: ReactNode;
}) {
  const { askReason = true, reasonRequired = true } = props;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useAction();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (askReason && reasonRequired && !reason.trim()) return;
    if (!(await run(() => props.onConfirm(reason.trim())))) return;
    setOpen(false);
    setReason('');
    props.onDone?.();
  }

  if (!open) {
    return (
      <button type="button" className={`btn ${props.danger ? 'btn-danger-outline' : ''}`} data-testid={props.testId} onClick={() => setOpen(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <form className="confirm-box" onSubmit={submit} data-testid={`${props.testId}-form`}>
      {props.prompt && <p className="confirm-prompt">{props.prompt}</p>}
      {askReason && (
        <div className="field">
          <label htmlFor={id}>{props.reasonLabel ?? 'Reason'}{reasonRequired ? '' : ' (optional)'}</label>
          <textarea
            id={id}
            rows={2}
            value={reason}
            required={reasonRequired}
            autoFocus
            data-testid={`${props.testId}-reason`}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
      )}
      {props.children}
      <ErrorNotice error={error} />
      <div className="row">
        <button
          type="submit"
          className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
          disabled={busy || (askReason && reasonRequired && !reason.trim())}
          data-testid={`${props.testId}-confirm`}
          autoFocus={!askReason}
        >
          {busy ? 'Working…' : (props.confirmLabel ?? `Confirm: ${props.label}`)}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => { setOpen(false); setError(null); }} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
