import { useId, useState, type FormEvent } from 'react';
import { parseMajor, toMajorText } from '../../format.ts';
import { useAction } from '../../ui/useAction.ts';
import { patchCardControls, type CardControls, type CardView, type ControlsPatch } from './cardsApi.ts';
import { ApiErrorNotice, errorField, money, splitList } from './cardsUi.tsx';

type Text = Record<'perTransaction' | 'daily' | 'monthly' | 'allowedMcc' | 'blockedMcc' | 'allowedMerchants' | 'countries' | 'hoursFrom' | 'hoursTo' | 'hoursTz' | 'timezone', string>;
const LIMITS = ['perTransaction', 'daily', 'monthly'] as const;

function toText(c: CardControls, currency: string): Text {
  const amt = (v?: number) => (v === undefined ? '' : toMajorText(v, currency));
  return {
    perTransaction: amt(c.perTransaction), daily: amt(c.daily), monthly: amt(c.monthly),
    allowedMcc: (c.allowedMcc ?? []).join(', '), blockedMcc: (c.blockedMcc ?? []).join(', '), allowedMerchants: (c.allowedMerchants ?? []).join('\n'),
    countries: (c.countries ?? []).join(', '), hoursFrom: c.hours?.from ?? '', hoursTo: c.hours?.to ?? '', hoursTz: c.hours?.tz ?? '', timezone: c.timezone ?? '',
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The card's own controls, editable. An empty field removes the card's value (the program's applies again, shown
 * under the field). Only what changed is sent; the server validates and its errors name the field.
 */
export function ControlsEditor({ card, canWrite, onSaved }: { card: CardView; canWrite: boolean; onSaved: (c: CardView) => void }) {
  const [text, setText] = useState<Text>(() => toText(card.controls, card.currency));
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const id = useId();
  const cur = card.currency;
  const inherited = card.program ? toText(Object.fromEntries(Object.entries(card.effectiveControls).filter(([k]) => !(k in card.controls))) as CardControls, cur) : null;
  const set = (k: keyof Text) => (e: { target: { value: string } }) => { setText((t) => ({ ...t, [k]: e.target.value })); setSaved(false); };

  const amounts = Object.fromEntries(LIMITS.map((k) => [k, text[k].trim() ? parseMajor(text[k], cur) : undefined])) as Record<(typeof LIMITS)[number], number | null | undefined>;
  const amountBad = LIMITS.filter((k) => amounts[k] === null);
  const hoursBad = !!text.hoursFrom !== !!text.hoursTo;
  const clientBad = amountBad.length > 0 || hoursBad;

  function patch(): ControlsPatch {
    const next: CardControls = {};
    for (const k of LIMITS) if (amounts[k] !== undefined && amounts[k] !== null) next[k] = amounts[k]!;
    const mcc = (s: string) => splitList(s);
    if (text.allowedMcc.trim()) next.allowedMcc = mcc(text.allowedMcc);
    if (text.blockedMcc.trim()) next.blockedMcc = mcc(text.blockedMcc);
    const merchants = text.allowedMerchants.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
    if (merchants.length) next.allowedMerchants = merchants;
    if (text.countries.trim()) next.countries = splitList(text.countries, true);
    if (text.hoursFrom && text.hoursTo) next.hours = { from: text.hoursFrom, to: text.hoursTo, ...(text.hoursTz.trim() ? { tz: text.hoursTz.trim() } : {}) };
    if (text.timezone.trim()) next.timezone = text.timezone.trim();
    const out: ControlsPatch = {};
    const keys = new Set([...Object.keys(card.controls), ...Object.keys(next)]) as Set<keyof CardControls>;
    for (const k of keys) {
      if (next[k] === undefined) out[k] = null;
      else if (!same(next[k], card.controls[k])) (out as Record<string, unknown>)[k] = next[k];
    }
    return out;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (clientBad) return;
    const p = patch();
    if (Object.keys(p).length === 0) { setSaved(true); return; }
    setSaved(false);
    await run(async () => {
      const c = await patchCardControls(card.id, p);
      setText(toText(c.controls, c.currency));
      setSaved(true);
      onSaved(c);
    });
  }

  const bad = errorField(error);
  const inv = (k: string) => bad === k || undefined;
  const hint = (k: keyof Text) => inherited && inherited[k] ? <span className="inherited" data-testid={`inherited-${k}`}>From the program: {inherited[k].replace(/\n/g, ', ')}</span> : null;
  const field = (k: keyof Text, label: string, opts: { placeholder?: string; invalid?: boolean; mode?: 'decimal' | 'text'; type?: string } = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${k}`}>{label}</label>
      <input id={`${id}-${k}`} type={opts.type ?? 'text'} inputMode={opts.mode} placeholder={opts.placeholder} value={text[k]} onChange={set(k)} disabled={!canWrite}
        aria-invalid={opts.invalid || inv(k.startsWith('hours') ? 'hours' : k)} data-testid={`control-${k}`} />
      {hint(k)}
    </div>
  );

  const closed = card.status === 'closed';
  return (
    <form className="card stack controls-form" onSubmit={submit} data-testid="controls-form" noValidate>
      <div className="section-head"><h2>Controls</h2>{card.program && <span className="muted small">Empty fields use the program “{card.program.name}”.</span>}</div>
      <fieldset>
        <legend>Limits ({cur})</legend>
        <div className="form-grid">
          {field('perTransaction', 'Per transaction', { mode: 'decimal', placeholder: 'no limit', invalid: amountBad.includes('perTransaction') })}
          {field('daily', 'Daily', { mode: 'decimal', placeholder: 'no limit', invalid: amountBad.includes('daily') })}
          {field('monthly', 'Monthly', { mode: 'decimal', placeholder: 'no limit', invalid: amountBad.includes('monthly') })}
          {field('timezone', 'Time zone of “today” and “this month”', { placeholder: 'UTC (e.g. Africa/Johannesburg)' })}
        </div>
        {amountBad.length > 0 && <span className="field-error" data-testid="controls-amount-error">Enter amounts like 5000 or 5000.00.</span>}
        <p className="small muted">Spent today {money(card.spend.today.amount, card.spend.today.currency)} · this month {money(card.spend.thisMonth.amount, card.spend.thisMonth.currency)}</p>
      </fieldset>
      <fieldset>
        <legend>Where</legend>
        <div className="form-grid">
          {field('allowedMcc', 'Allowed merchant categories (MCC)', { placeholder: 'any, e.g. 5411, 5311' })}
          {field('blockedMcc', 'Blocked merchant categories (MCC)', { placeholder: 'none, e.g. 7995' })}
          {field('countries', 'Countries (ISO-2)', { placeholder: 'any, e.g. ZA, NA' })}
          <div className="field">
            <label htmlFor={`${id}-allowedMerchants`}>Allowed merchants <span className="muted">(one per line)</span></label>
            <textarea id={`${id}-allowedMerchants`} rows={2} value={text.allowedMerchants} onChange={set('allowedMerchants')} disabled={!canWrite} aria-invalid={inv('allowedMerchants')} data-testid="control-allowedMerchants" />
            {hint('allowedMerchants')}
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>When (active hours)</legend>
        <div className="form-grid">
          {field('hoursFrom', 'From', { type: 'time', invalid: hoursBad })}
          {field('hoursTo', 'To', { type: 'time', invalid: hoursBad })}
          {field('hoursTz', 'Time zone of the hours', { placeholder: 'the card’s time zone' })}
        </div>
        {hoursBad && <span className="field-error" data-testid="controls-hours-error">Set both From and To, or leave both empty.</span>}
      </fieldset>
      <ApiErrorNotice error={error} testId="controls-error" />
      {saved && !error && <div className="notice notice-success" role="status" data-testid="controls-saved">Controls saved.</div>}
      {canWrite && !closed && (
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || clientBad} data-testid="controls-save">{busy ? 'Saving…' : 'Save controls'}</button>
        </div>
      )}
      {closed && <p className="muted small">A closed card's controls cannot change.</p>}
    </form>
  );
}
