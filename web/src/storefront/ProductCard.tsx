import type { PublicProduct } from '../api.ts';
import { formatCoins, formatMoney } from '../format.ts';

export function ProductCard({ product, onBuy }: { product: PublicProduct; onBuy: () => void }) {
  const soldOut = product.inStock === false;
  return (
    <li className="card product-card" data-testid="product-card" data-product-id={product.id} data-sku={product.sku}>
      <div className="product-top">
        <span className="chip">{product.type === 'topup' ? `Top-up · ${product.platform ?? ''}` : 'Game key'}</span>
        {soldOut && <span className="chip chip-muted">Sold out</span>}
      </div>
      <h2 className="product-name" data-testid="product-name">{product.name}</h2>
      {product.type === 'topup' && product.coins != null && (
        <p className="product-coins" data-testid="product-coins">{formatCoins(product.coins)}</p>
      )}
      {product.description && <p className="product-desc">{product.description}</p>}
      <div className="product-bottom">
        <span className="price" data-testid="product-price">{formatMoney(product.price)}</span>
        <button type="button" className="btn btn-primary" data-testid="buy-button" onClick={onBuy} disabled={soldOut}>
          {soldOut ? 'Sold out' : 'Buy'}
        </button>
      </div>
    </li>
  );
}
