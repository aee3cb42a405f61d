import { useEffect } from 'react';
import { listProducts } from '../api.ts';
import { navigate, useSearch } from '../router.tsx';
import { ErrorNotice } from '../ui/Notice.tsx';
import { useLoad } from '../ui/useLoad.ts';
import { CheckoutForm } from './CheckoutForm.tsx';
import { ProductCard } from './ProductCard.tsx';

export function Storefront() {
  const { data: products, error, loading, reload } = useLoad(() => listProducts(), []);
  const selectedId = useSearch().get('product');
  const selected = products?.find((p) => p.id === selectedId) ?? null;

  useEffect(() => {
    document.title = selected ? `${selected.name} · Tollgate` : 'Tollgate · Top-ups & game keys';
  }, [selected]);

  return (
    <div className="page-public">
      <header className="site-header">
        <div className="wrap site-header-inner">
          <a href="/" className="brand" onClick={(e) => { e.preventDefault(); navigate('/'); }}>
            <span className="brand-mark" aria-hidden="true">T</span> Tollgate
          </a>
          <span className="muted small">Instant top-ups &amp; game keys</span>
        </div>
      </header>
      <main className="wrap main">
        {selected ? (
          <CheckoutForm key={selected.id} product={selected} onBack={() => navigate('/')} />
        ) : (
          <>
            <section className="hero">
              <h1>Top up in seconds</h1>
              <p className="muted">Pick a product, enter where it should go, pay — delivery is automatic. No account needed.</p>
            </section>
            {error ? (
              <div className="stack">
                <ErrorNotice error={error} testId="products-error" />
                <button type="button" className="btn" onClick={() => void reload()}>Try again</button>
              </div>
            ) : loading && !products ? (
              <p className="muted" aria-busy="true">Loading products…</p>
            ) : products && products.length === 0 ? (
              <p className="muted" data-testid="no-products">Nothing for sale right now. Please check back soon.</p>
            ) : (
              <ul className="product-grid" data-testid="product-list">
                {products?.map((p) => (
                  <ProductCard key={p.id} product={p} onBuy={() => navigate(`/?product=${encodeURIComponent(p.id)}`)} />
                ))}
              </ul>
            )}
          </>
        )}
      </main>
      <footer className="wrap site-footer muted small">
        Payments are processed by our payment provider. Your order link is e-mailed to you.
      </footer>
    </div>
  );
}
