import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, createOrder, sentence, type CreateOrderInput, type PublicProduct } from '../api.ts';
import { formatCoins, formatMoney, multiplyMoney } from '../format.ts';
import { deviceId, isEmail, msSincePageLoad, orderSecretKey, storageSet, uuid } from '../util.ts';
import { UserIdStatus } from './UserIdStatus.tsx';
import { useUserLookup } from './useUserLookup.ts';

interface FieldErrors {
  quantity?: string;
  platformUserId?: string;
  email?: string;
}

/** Mirrors the server's order validation so most mistakes are caught before a round trip. */
function validate(product: PublicProduct, quantityText: string, email: string, userId: string): FieldErrors {
  const errors: FieldErrors = {};
  const q = Number(quantityText);
  if (!quantityText.trim() || !Number.isInteger(q) || q < 1 || q > product.maxQuantity) {
    errors.quantity = `Choose a quantity from 1 to ${product.maxQuantity}.`;
  }
  if (product.type === 'topup' && !userId.trim()) errors.platformUserId = `Enter your ${product.platform} user id.`;
  if (!email.trim()) errors.email = 'Enter your e-mail address.';
  else if (!isEmail(email.trim())) errors.email = 'This e-mail address does not look right (example: name@example.com).';
  return errors;
}

const CODE_HINTS: Record<string, string> = {
  out_of_stock: 'Try a smaller quantity or another product.',
  rate_limited: 'Please wait a minute before trying again.',
};

export function CheckoutForm({ product, onBack }: { product: PublicProduct; onBack: () => void }) {
  const isTopup = product.type === 'topup';
  const [quantity, setQuantity] = useState('1');
  const [email, setEmail] = useState('');
  const [userId, setUserId] = useState('');
  const [touched, setTouched] = useState<Record<keyof FieldErrors, boolean>>({ quantity: false, platformUserId: false, email: false });
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [redirecting, setRedirecting] = useState(false);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const attempt = useRef<{ fingerprint: string; key: string; durationMs: number } | null>(null);
  const lookup = useUserLookup(isTopup ? product.platform : null, userId);
  const ids = { qty: useId(), uid: useId(), email: useId() };

  const errors = validate(product, quantity, email, userId);
  const show = (f: keyof FieldErrors) => (submitted || touched[f]) && errors[f];
  const qty = Number(quantity);
  const validQty = Number.isInteger(qty) && qty >= 1 && qty <= product.maxQuantity;
  const total = multiplyMoney(product.price, validQty ? qty : 1);
  const userOk = !isTopup || lookup.result.state === 'found';
  const payDisabled = busy || redirecting || (isTopup && !userOk);

  function setQty(n: number) {
    setQuantity(String(Math.min(product.maxQuantity, Math.max(1, n))));
    setTouched((t) => ({ ...t, quantity: true }));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0 || !userOk || busy) return;
    const input: CreateOrderInput = {
      email: email.trim(),
      items: [{ productId: product.id, quantity: qty }],
      ...(isTopup ? { platformUserId: userId.trim() } : {}),
      deviceId: deviceId(),
    };
    // One idempotency key per submission attempt; a retry of the very same request reuses it.
    const fingerprint = JSON.stringify(input);
    if (!attempt.current || attempt.current.fingerprint !== fingerprint) attempt.current = { fingerprint, key: uuid(), durationMs: msSincePageLoad() };
    setBusy(true);
    setServerError(null);
    try {
      // the retry of an attempt sends exactly the same body (Idempotency-Key semantics)
      const order = await createOrder({ ...input, checkoutDurationMs: attempt.current.durationMs }, attempt.current.key);
      storageSet(localStorage, orderSecretKey(order.id), order.clientSecret);
      setRedirecting(true);
      if (order.payment?.checkoutUrl) window.location.assign(order.payment.checkoutUrl);
      else window.location.assign(`/orders/${encodeURIComponent(order.id)}`);
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(0, 'network_error', 'Something went wrong. Please try again.');
      if (!apiErr.retryable) attempt.current = null;
      if (apiErr.code === 'invalid_platform_user') lookup.markNotFound();
      setServerError(apiErr);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="checkout" aria-labelledby="checkout-title">
      <button type="button" className="btn btn-ghost back" onClick={onBack} data-testid="back-to-products">
        ← All products
      </button>
      <div className="card checkout-card">
        <h1 id="checkout-title" className="checkout-title">{product.name}</h1>
        <p className="muted">
          {isTopup && product.coins != null ? `${formatCoins(product.coins)} · ` : ''}
          {formatMoney(product.price)} each
        </p>
        {product.description && <p className="product-desc">{product.description}</p>}

        <form onSubmit={submit} noValidate data-testid="checkout-form" className="stack">
          <div className="field">
            <label htmlFor={ids.qty}>Quantity</label>
            <div className="stepper">
              <button type="button" className="btn stepper-btn" aria-label="Decrease quantity" onClick={() => setQty((validQty ? qty : 1) - 1)} disabled={validQty && qty <= 1}>−</button>
              <input
                id={ids.qty}
                type="number"
                inputMode="numeric"
                min={1}
                max={product.maxQuantity}
                step={1}
                value={quantity}
                data-testid="quantity-input"
                aria-invalid={!!show('quantity')}
                aria-describedby={`${ids.qty}-hint`}
                onChange={(e) => setQuantity(e.target.value)}
                onBlur={() => setTouched((t) => ({ ...t, quantity: true }))}
              />
              <button type="button" className="btn stepper-btn" aria-label="Increase quantity" onClick={() => setQty((validQty ? qty : 0) + 1)} disabled={validQty && qty >= product.maxQuantity}>+</button>
            </div>
            <p id={`${ids.qty}-hint`} className={show('quantity') ? 'field-error' : 'hint'} data-testid={show('quantity') ? 'quantity-error' : undefined}>
              {show('quantity') || `Up to ${product.maxQuantity} per order.`}
            </p>
          </div>

          {isTopup && (
            <div className="field">
              <label htmlFor={ids.uid}>Platform user id <span className="muted">({product.platform})</span></label>
              <input
                id={ids.uid}
                type="text"
                autoComplete="off"
                maxLength={64}
                autoCapitalize="off"
                spellCheck={false}
                value={userId}
                placeholder="Paste your user id"
                data-testid="platform-user-id-input"
                aria-invalid={lookup.result.state === 'not_found' || !!show('platformUserId')}
                aria-describedby={`${ids.uid}-status`}
                onChange={(e) => setUserId(e.target.value)}
                onBlur={() => setTouched((t) => ({ ...t, platformUserId: true }))}
              />
              <div id={`${ids.uid}-status`}>
                {show('platformUserId') && lookup.result.state === 'idle' ? (
                  <p className="field-error" data-testid="user-id-status" data-state="missing">{errors.platformUserId}</p>
                ) : (
                  <UserIdStatus result={lookup.result} platform={product.platform ?? ''} onRetry={lookup.retry} />
                )}
              </div>
            </div>
          )}

          <div className="field">
            <label htmlFor={ids.email}>E-mail</label>
            <input
              id={ids.email}
              type="email"
              inputMode="email"
              autoComplete="email"
              value={email}
              placeholder="you@example.com"
              data-testid="email-input"
              aria-invalid={!!show('email')}
              aria-describedby={`${ids.email}-hint`}
              onChange={(e) => setEmail(e.target.value)}
              onBlur={() => setTouched((t) => ({ ...t, email: true }))}
            />
            <p id={`${ids.email}-hint`} className={show('email') ? 'field-error' : 'hint'} data-testid={show('email') ? 'email-error' : undefined}>
              {show('email') || 'We send your receipt and order link here.'}
            </p>
          </div>

          <div className="summary" data-testid="checkout-summary">
            <div className="summary-row">
              <span>{validQty ? qty : 1} × {formatMoney(product.price)}</span>
              <strong data-testid="checkout-total">{formatMoney(total)}</strong>
            </div>
            {isTopup && product.coins != null && (
              <div className="summary-row muted small">
                <span>Coins delivered</span>
                <span>{formatCoins(product.coins * (validQty ? qty : 1))}</span>
              </div>
            )}
          </div>

          {serverError && (
            <div className="notice notice-error" role="alert" data-testid="checkout-error" data-code={serverError.code}>
              <strong>{sentence(serverError.message)}</strong>
              {CODE_HINTS[serverError.code] && <div className="small">{CODE_HINTS[serverError.code]}</div>}
              {serverError.retryable && <div className="small">You can press Pay again safely — you won't be charged twice.</div>}
            </div>
          )}

          <button type="submit" className="btn btn-primary btn-block btn-large" disabled={payDisabled} data-testid="pay-button">
            {redirecting ? 'Opening payment page…' : busy ? 'Creating order…' : `Pay ${formatMoney(total)}`}
          </button>
          {isTopup && !userOk && (
            <p className="hint center" data-testid="pay-hint">Enter a valid {product.platform} user id to continue.</p>
          )}
        </form>
      </div>
    </section>
  );
}
