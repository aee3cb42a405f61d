import { useState } from 'react';
import { listAdminProducts, type AdminProduct } from '../api.ts';
import { formatCoins, formatMoney, formatNumber } from '../format.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { ProductForm } from './ProductForm.tsx';
import { KeysForm, ProductEditor } from './ProductEditor.tsx';

export function ProductsSection({ canWrite }: { canWrite: boolean }) {
  const { data, error, loading, reload } = useLoad(() => listAdminProducts(), []);
  const [creating, setCreating] = useState(false);
  const products = data?.data ?? [];

  return (
    <section className="stack" aria-labelledby="products-title">
      <div className="section-head">
        <h1 id="products-title">Products</h1>
        {canWrite && !creating && <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="product-new">New product</button>}
      </div>
      {creating && <ProductForm onCancel={() => setCreating(false)} onCreated={() => { setCreating(false); void reload(); }} />}
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && products.length === 0 && <p className="muted">No products yet.</p>}
      <ul className="admin-list">
        {products.map((p) => <ProductItem key={p.id} product={p} canWrite={canWrite} onChanged={reload} />)}
      </ul>
    </section>
  );
}

function ProductItem({ product: p, canWrite, onChanged }: { product: AdminProduct; canWrite: boolean; onChanged: () => void }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'keys'>('view');
  const lowStock = p.stock && p.stock.available < 10;
  return (
    <li className="card admin-item" data-testid="admin-product" data-product-id={p.id} data-sku={p.sku}>
      <div className="admin-item-head">
        <div>
          <div className="row">
            <strong>{p.name}</strong>
            <span className={`badge ${p.active ? 'badge-success' : 'badge-muted'}`}>{p.active ? 'Active' : 'Inactive'}</span>
          </div>
          <div className="small muted">
            <span className="mono">{p.sku}</span> · {p.type === 'topup' ? `Top-up · ${p.platform} · ${formatCoins(p.coins ?? 0)}` : 'Key'} · {p.fulfilmentDriver} · max {p.maxQuantity}
          </div>
        </div>
        {canWrite && mode === 'view' && (
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => setMode('edit')} data-testid="product-edit">Edit</button>
            {p.type === 'key' && p.fulfilmentDriver === 'key-stock' && (
              <button type="button" className="btn btn-small" onClick={() => setMode('keys')} data-testid="product-add-keys">Add keys</button>
            )}
          </div>
        )}
      </div>
      <div className="row small">
        {p.prices.map((m) => <span key={m.currency} className="chip" data-testid="admin-product-price">{formatMoney(m)}</span>)}
        {p.stock && (
          <span className={lowStock ? 'error-text' : 'muted'} data-testid="admin-product-stock">
            Stock: {formatNumber(p.stock.available)} available · {formatNumber(p.stock.reserved)} reserved · {formatNumber(p.stock.delivered)} delivered
          </span>
        )}
      </div>
      {mode === 'edit' && <ProductEditor product={p} onCancel={() => setMode('view')} onSaved={() => { setMode('view'); onChanged(); }} />}
      {mode === 'keys' && <KeysForm product={p} onCancel={() => setMode('view')} onAdded={onChanged} />}
    </li>
  );
}
