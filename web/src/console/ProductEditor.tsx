import { useId, useState, type FormEvent } from 'react';
import { addKeys, updateProduct, type AdminProduct } from '../api.ts';
import { ErrorNotice, Notice } from '../ui/Notice.tsx';
import { useAction } from '../ui/useAction.ts';
import { PricesEditor, parsePriceRows, toPriceRows, type PriceRow } from './PricesEditor.tsx';

/** PATCH name/description/active/prices. Changing a price never changes past orders (lines are snapshots). */
export function ProductEditor({ product, onSaved, onCancel }: { product: AdminProduct; onSaved: () => void; onCancel: () => void }) {
  const [name, setName] = useState(product.name);
  const [description, setDescription] = useState(product.description);
  const [active, setActive] = useState(product.active);
  const [maxQuantity, setMaxQuantity] = useState(String(product.maxQuantity));
  const [prices, setPrices] = useState<PriceRow[]>(toPriceRows(product.prices));
  const { busy, error, setError, run } = useAction();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = parsePriceRows(prices);
    if (typeof parsed === 'string') return setError(new Error(parsed));
    const patch: Parameters<typeof updateProduct>[1] = {};
    if (name.trim() !== product.name) patch.name = name.trim();
    if (description.trim() !== product.description) patch.description = description.trim();
    if (active !== product.active) patch.active = active;
    const maxQ = Number(maxQuantity);
    if (!Number.isInteger(maxQ) || maxQ < 1 || maxQ > 100) return setError(new Error('Max quantity must be a whole number from 1 to 100.'));
    if (maxQ !== product.maxQuantity) patch.maxQuantity = maxQ;
    const same = parsed.length === product.prices.length && parsed.every((p) => product.prices.some((q) => q.currency === p.currency && q.amount === p.amount));
    if (!same) patch.prices = parsed;
    if (Object.keys(patch).length === 0) return onCancel();
    if (await run(() => updateProduct(product.id, patch))) onSaved();
  }

  return (
    <form className="stack editor" onSubmit={submit} data-testid="product-editor">
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} data-testid="edit-name" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-desc`}>Description</label>
        <textarea id={`${id}-desc`} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="edit-description" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-maxq`}>Max quantity per order</label>
        <input id={`${id}-maxq`} inputMode="numeric" value={maxQuantity} onChange={(e) => setMaxQuantity(e.target.value)} data-testid="edit-max-quantity" />
      </div>
      <label className="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="edit-active" /> Active (listed in the storefront)
      </label>
      <PricesEditor rows={prices} onChange={setPrices} idPrefix={`${id}-p`} />
      <ErrorNotice error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="edit-save">{busy ? 'Saving…' : 'Save'}</button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

export function KeysForm({ product, onAdded, onCancel }: { product: AdminProduct; onAdded: () => void; onCancel: () => void }) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<{ added: number; duplicates: number } | null>(null);
  const id = useId();
  const codes = [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (codes.length === 0) return;
    const ok = await run(async () => setResult(await addKeys(product.id, codes)));
    if (!ok) return;
    setText('');
    onAdded();
  }

  return (
    <form className="stack editor" onSubmit={submit} data-testid="keys-form">
      <div className="field">
        <label htmlFor={id}>Key codes, one per line</label>
        <textarea id={id} rows={6} className="mono" value={text} onChange={(e) => { setText(e.target.value); setResult(null); }} data-testid="keys-textarea" spellCheck={false} />
        <p className="hint">{codes.length} unique {codes.length === 1 ? 'code' : 'codes'} ready. Codes are stored encrypted; duplicates are skipped.</p>
      </div>
      {result && (
        <Notice tone="success" testId="keys-result">
          Added {result.added}. {result.duplicates > 0 ? `${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} skipped.` : 'No duplicates.'}
        </Notice>
      )}
      <ErrorNotice error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || codes.length === 0} data-testid="keys-submit">{busy ? 'Adding…' : `Add ${codes.length || ''} codes`}</button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>Close</button>
      </div>
    </form>
  );
}
