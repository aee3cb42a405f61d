import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { ApiError, checkRuleExpression, errorMessage, type RiskFeature, type RuleCompileError } from '../../api.ts';

export type CheckState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'ok'; references: string[] }
  | { status: 'error'; error: RuleCompileError }
  | { status: 'unavailable'; message: string };

const DEBOUNCE_MS = 300;

/** The rule language's functions (parser.ts), offered next to the features as suggestions. */
export const RULE_FUNCTIONS: RiskFeature[] = [
  { path: 'is_missing', type: 'function' },
  { path: 'lower', type: 'function' },
  { path: 'starts_with', type: 'function' },
  { path: 'ends_with', type: 'function' },
  { path: 'contains', type: 'function' },
  { path: 'len', type: 'function' },
  { path: 'abs', type: 'function' },
  { path: 'min', type: 'function' },
  { path: 'max', type: 'function' },
];

/** Compiles the expression on the server as the analyst types (debounced; stale answers are dropped). */
export function useExpressionCheck(expression: string): CheckState {
  const [state, setState] = useState<CheckState>({ status: 'idle' });
  useEffect(() => {
    if (!expression.trim()) {
      setState({ status: 'idle' });
      return;
    }
    setState((s) => (s.status === 'idle' ? { status: 'checking' } : s));
    const ctrl = new AbortController();
    const t = window.setTimeout(async () => {
      setState({ status: 'checking' });
      try {
        const r = await checkRuleExpression(expression, ctrl.signal);
        if (ctrl.signal.aborted) return;
        if (r.ok) setState({ status: 'ok', references: r.references ?? [] });
        else if (r.error) setState({ status: 'error', error: r.error });
        else setState({ status: 'unavailable', message: 'The check gave no answer.' });
      } catch (e) {
        if (ctrl.signal.aborted || (e instanceof DOMException && e.name === 'AbortError')) return;
        setState({ status: 'unavailable', message: errorMessage(e) });
      }
    }, DEBOUNCE_MS);
    return () => { window.clearTimeout(t); ctrl.abort(); };
  }, [expression]);
  return state;
}

/** A 422 invalid_rule from save/backtest as a compile error (its details carry position, line, column, length). */
export function compileErrorFrom(e: unknown): RuleCompileError | null {
  if (!(e instanceof ApiError) || e.code !== 'invalid_rule') return null;
  const d = e.details as Partial<RuleCompileError> | undefined;
  if (!d || typeof d.position !== 'number' || typeof d.line !== 'number' || typeof d.column !== 'number') return null;
  // "rule does not compile at line 1, column 10: unknown feature …" → the part after the location.
  const m = /at line \d+, column \d+: (.*)$/s.exec(e.message);
  return { message: m ? m[1] : e.message, position: d.position, line: d.line, column: d.column, length: d.length ?? 0 };
}

/** The path-like word that ends at the cursor ("velocity.ca" in "x and velocity.ca|"). */
function wordAt(text: string, cursor: number): { start: number; word: string } {
  let i = cursor;
  while (i > 0 && /[a-z0-9_.]/.test(text[i - 1])) i--;
  return { start: i, word: text.slice(i, cursor) };
}

/** Inserts `text` at the textarea's selection (replacing it) and puts the cursor after it. */
export function insertAtCursor(ta: HTMLTextAreaElement | null, value: string, text: string, onChange: (v: string) => void, replaceFrom?: number): void {
  const start = replaceFrom ?? ta?.selectionStart ?? value.length;
  const end = ta?.selectionEnd ?? value.length;
  const next = value.slice(0, start) + text + value.slice(Math.max(start, end));
  onChange(next);
  const caret = start + text.length;
  requestAnimationFrame(() => {
    if (!ta) return;
    ta.focus();
    ta.setSelectionRange(caret, caret);
  });
}

export function ExpressionEditor({
  id,
  value,
  onChange,
  check,
  features,
  textareaRef,
  disabled,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  check: CheckState;
  features: RiskFeature[];
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  disabled?: boolean;
}) {
  const backdrop = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const error = check.status === 'error' ? check.error : null;

  // Grow with the text so the textarea never scrolls (the highlight layer behind it stays aligned).
  useLayoutEffect(() => {
    const ta = textareaRef.current;
    if (!ta) return;
    ta.style.height = 'auto';
    ta.style.height = `${ta.scrollHeight + 2}px`;
  }, [value, textareaRef]);

  const suggestions = useMemo(() => {
    if (cursor === null || disabled) return [];
    const { word } = wordAt(value, cursor);
    if (word.length < 2) return [];
    const all = [...features, ...RULE_FUNCTIONS];
    if (all.some((f) => f.path === word)) return [];
    const starts = all.filter((f) => f.path.startsWith(word));
    const contains = all.filter((f) => !f.path.startsWith(word) && f.path.includes(word));
    return [...starts, ...contains].slice(0, 8);
  }, [value, cursor, features, disabled]);

  function trackCursor() {
    const ta = textareaRef.current;
    setCursor(ta && ta.selectionStart === ta.selectionEnd ? ta.selectionStart : null);
  }

  function pick(f: RiskFeature) {
    if (cursor === null) return;
    const { start } = wordAt(value, cursor);
    insertAtCursor(textareaRef.current, value, f.type === 'function' ? `${f.path}(` : f.path, onChange, start);
    setCursor(null);
  }

  function showError() {
    const ta = textareaRef.current;
    if (!ta || !error) return;
    ta.focus();
    ta.setSelectionRange(error.position, error.position + Math.max(1, error.length));
  }

  const describedBy = `${id}-status`;
  return (
    <div className="expr" data-testid="expr">
      <div className={`expr-box ${error ? 'has-error' : ''} ${check.status === 'ok' ? 'is-ok' : ''}`}>
        <div className="expr-backdrop" ref={backdrop} aria-hidden="true">
          <Highlighted text={value} error={error} />
        </div>
        <textarea
          id={id}
          ref={textareaRef}
          className="expr-input"
          value={value}
          rows={3}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          placeholder='e.g. velocity.card.count_1h > 5 and amount.usd < 2'
          data-testid="rule-expression"
          onChange={(e) => { onChange(e.target.value); setCursor(e.target.selectionStart); }}
          onKeyUp={trackCursor}
          onClick={trackCursor}
          onBlur={(e) => { if (!(e.relatedTarget as HTMLElement | null)?.closest('.expr-suggest')) setCursor(null); }}
          onScroll={(e) => { if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop; }}
        />
      </div>

      {suggestions.length > 0 && (
        <div className="expr-suggest" data-testid="expr-suggestions" role="group" aria-label="Suggestions">
          {suggestions.map((f) => (
            <button key={f.path} type="button" className="chip chip-btn" data-testid="expr-suggestion" data-path={f.path}
              onMouseDown={(e) => e.preventDefault()} onClick={() => pick(f)}>
              <span className="mono">{f.path}</span> <span className="chip-type">{f.type}</span>
            </button>
          ))}
        </div>
      )}

      <div id={describedBy} aria-live="polite" className="expr-status">
        {check.status === 'checking' && <span className="muted small" data-testid="expr-checking"><span className="spinner" aria-hidden="true" /> Checking…</span>}
        {check.status === 'ok' && (
          <span className="field-ok small" data-testid="expr-ok">
            ✓ Compiles{check.references.length > 0 && <> · reads <span className="mono">{check.references.join(', ')}</span></>}
          </span>
        )}
        {check.status === 'unavailable' && <span className="muted small">Cannot check right now: {check.message}</span>}
        {error && <CompileErrorView source={value} error={error} onShow={showError} />}
      </div>
    </div>
  );
}

/** The expression again, transparent, with the error range marked; it sits exactly behind the textarea. */
function Highlighted({ text, error }: { text: string; error: RuleCompileError | null }) {
  if (!error) return <>{text}{'\u200b'}</>;
  const start = Math.min(error.position, text.length);
  const end = Math.min(text.length, start + error.length);
  const atEnd = end === start;
  return (
    <>
      {text.slice(0, start)}
      <mark className={`expr-mark ${atEnd ? 'expr-mark-point' : ''}`} data-testid="expr-mark">{atEnd ? ' ' : text.slice(start, end)}</mark>
      {text.slice(end)}
      {'\u200b'}
    </>
  );
}

/** Compiler-style report: the message with line/column, then the line with a caret row under the error. */
export function CompileErrorView({ source, error, onShow }: { source: string; error: RuleCompileError; onShow?: () => void }) {
  const lines = source.split('\n');
  // A tab counts as one column on the server; show it as one space so the caret lines up.
  const lineText = (lines[error.line - 1] ?? '').replace(/\r$/, '').replace(/\t/g, ' ');
  const gutter = String(error.line);
  const caretLen = Math.max(1, Math.min(error.length, Math.max(1, lineText.length - error.column + 1)));
  return (
    <div className="expr-error" role="alert" data-testid="expr-error" data-line={error.line} data-column={error.column} data-position={error.position}>
      <div className="expr-error-msg">
        <strong data-testid="expr-error-location">Line {error.line}, column {error.column}:</strong> <span data-testid="expr-error-message">{error.message}</span>
      </div>
      <pre className="expr-excerpt" aria-hidden="true">
        <span className="expr-gutter">{gutter} | </span>{lineText}{'\n'}
        <span className="expr-gutter">{' '.repeat(gutter.length)} | </span>{' '.repeat(Math.max(0, error.column - 1))}<span className="expr-caret">{'^'.repeat(caretLen)}</span>
      </pre>
      {onShow && <button type="button" className="linklike small" onClick={onShow} data-testid="expr-error-show">Select it in the editor</button>}
    </div>
  );
}
