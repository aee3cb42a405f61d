import { useId, type ReactNode } from 'react';

/**
 * A labelled form field: `<div class="field"><label/>control</div>`; the control gets the label's id through
 * the render function. `error` (when set) is shown under the control.
 */
export function Field({ label, className, error, children }: { label: ReactNode; className?: string; error?: ReactNode; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {error ? <span className="field-error">{error}</span> : null}
    </div>
  );
}

export type SelectOption = string | { value: string; label: string };

/** A labelled <select> whose first option, `all` ("All" unless given; null for none), stands for "no filter" (''). */
export function SelectField({ label, value, onChange, options, all = 'All', testId, className }: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: readonly SelectOption[];
  all?: string | null;
  testId?: string;
  className?: string;
}) {
  return (
    <Field label={label} className={className}>
      {(id) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          {all !== null && <option value="">{all}</option>}
          {options.map((o) => (typeof o === 'string'
            ? <option key={o} value={o}>{o}</option>
            : <option key={o.value} value={o.value}>{o.label}</option>))}
        </select>
      )}
    </Field>
  );
}

/** "From" and "To" day pickers (local yyyy-mm-dd) that cannot cross; test ids `${testId}-from` / `${testId}-to`. */
export function DateRangeFields({ from, to, onChange, testId }: { from: string; to: string; onChange: (key: 'from' | 'to', day: string) => void; testId: string }) {
  return (
    <>
      <Field label="From">
        {(id) => <input id={id} type="date" value={from} max={to || undefined} onChange={(e) => onChange('from', e.target.value)} data-testid={`${testId}-from`} />}
      </Field>
      <Field label="To">
        {(id) => <input id={id} type="date" value={to} min={from || undefined} onChange={(e) => onChange('to', e.target.value)} data-testid={`${testId}-to`} />}
      </Field>
    </>
  );
}
