import { useId, useState, type FormEvent } from 'react';
import { createProduct, type FulfilmentDriver, type NewProduct, type ProductType } from '../api.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useAction } from '../ui/useAction.ts';
import { PricesEditor, parsePriceRows, type PriceRow } from './PricesEditor.tsx';

const DRIVERS: Record<ProductType, FulfilmentDriver[]> = {
  topup: ['demo-platform-api', 'demo-platform-browser', 'manual'],
  key: ['key-stock', 'manual'],
};

export function ProductForm({ onCreated, onCancel }: { onCreated: () => void; onCancel: () => void }) {
  const [type, setType] = useState<ProductType>('topup');
  const [sku, setSku] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [platform, setPlatform] = useState('demo');
  const [coins, setCoins] = useState('');
  const [driver, setDriver] = useState<FulfilmentDriver>('demo-platform-api');
  const [maxQuantity, setMaxQuantity] = useState('10');
  const [prices, setPrices] = useState<PriceRow[]>([{ currency: 'IDR', amount: '' }]);
  const { busy, error, setError, run } = useAction();
  const id = useId();

  function changeType(t: ProductType) {
    setType(t);
    setDriver(DRIVERS[t][0]);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const parsed = parsePriceRows(prices);
    if (typeof parsed === 'string') return setError(new Error(parsed));
    const maxQ = Number(maxQuantity);
    if (!Number.isInteger(maxQ) || maxQ < 1 || maxQ > 100) return setError(new Error('Max quantity must be a whole number from 1 to 100.'));
    const body: NewProduct = { sku: sku.trim(), name: name.trim(), description: description.trim(), type, fulfilmentDriver: driver, maxQuantity: maxQ, prices: parsed };
    if (type === 'topup') {
      const c = Number(coins);
      if (!Number.isInteger(c) || c < 1) return setError(new Error('Coins must be a whole number of at least 1.'));
      if (!platform.trim()) return setError(new Error('Enter the platform key (e.g. demo).'));
      body.coins = c;
      body.platform = platform.trim();
    }
    if (await run(() => createProduct(body))) onCreated();
  }

  return (
    <form className="card stack" onSubmit={submit} data-testid="product-form">
      <h2>New product</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} value={type} onChange={(e) => changeType(e.target.value as ProductType)} data-testid="product-type">
            <option value="topup">Top-up (coins to a platform user)</option>
            <option value="key">Key / code</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-sku`}>SKU</label>
          <input id={`${id}-sku`} required value={sku} onChange={(e) => setSku(e.target.value)} data-testid="product-sku" />
        </div>
        <div className="field span-2">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} data-testid="product-name-input" />
        </div>
        <div className="field span-2">
          <label htmlFor={`${id}-desc`}>Description</label>
          <textarea id={`${id}-desc`} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="product-description" />
        </div>
        {type === 'topup' && (
          <>
            <div className="field">
              <label htmlFor={`${id}-platform`}>Platform</label>
              <input id={`${id}-platform`} value={platform} onChange={(e) => setPlatform(e.target.value)} data-testid="product-platform" />
            </div>
            <div className="field">
              <label htmlFor={`${id}-coins`}>Coins per unit</label>
              <input id={`${id}-coins`} inputMode="numeric" value={coins} onChange={(e) => setCoins(e.target.value)} data-testid="product-coins-input" />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor={`${id}-driver`}>Fulfilment</label>
          <select id={`${id}-driver`} value={driver} onChange={(e) => setDriver(e.target.value as FulfilmentDriver)} data-testid="product-driver">
            {DRIVERS[type].map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-maxq`}>Max quantity per order</label>
          <input id={`${id}-maxq`} inputMode="numeric" value={maxQuantity} onChange={(e) => setMaxQuantity(e.target.value)} data-testid="product-max-quantity" />
        </div>
      </div>
      <PricesEditor rows={prices} onChange={setPrices} idPrefix={`${id}-p`} />
      <ErrorNotice error={error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="product-create">{busy ? 'Creating…' : 'Create product'}</button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
