import type { OrderView } from '../api.ts';
import { formatCoins, formatMoney } from '../format.ts';
import { CopyButton } from '../ui/CopyButton.tsx';

/** Lines with their totals and, once delivered, the codes or coins. Shared by the public order page and the console. */
export function OrderItems({ order }: { order: OrderView }) {
  const recipient = order.platformUserName ?? order.platformUserId ?? 'your account';
  return (
    <div className="order-items">
      <ul className="lines" data-testid="order-lines">
        {order.lines.map((line) => {
          const fs = order.fulfilments.filter((f) => f.lineId === line.id);
          const codes = fs.flatMap((f) => f.delivered?.codes ?? []);
          const coins = fs.reduce((n, f) => n + (f.delivered?.coins ?? 0), 0);
          return (
            <li key={line.id} className="line" data-testid="order-line" data-line-id={line.id}>
              <div className="line-head">
                <div>
                  <div className="line-name">{line.name}</div>
                  <div className="muted small">
                    {line.quantity} × {formatMoney(line.unitPrice)}
                    {line.type === 'topup' && line.coins != null && ` · ${formatCoins(line.coins * line.quantity)}`}
                  </div>
                </div>
                <div className="line-total">{formatMoney(line.lineTotal)}</div>
              </div>
              {line.type === 'key' && codes.length > 0 && (
                <div className="codes" data-testid="delivered-codes">
                  <div className="small muted">Your {codes.length === 1 ? 'code' : 'codes'}:</div>
                  <ul>
                    {codes.map((c, i) => (
                      <li key={`${c}-${i}`} className="code-row">
                        <code className="code" data-testid="delivered-code">{c}</code>
                        <CopyButton text={c} testId="copy-code" />
                      </li>
                    ))}
                  </ul>
                  {codes.length > 1 && <CopyButton text={codes.join('\n')} label="Copy all" testId="copy-all-codes" />}
                </div>
              )}
              {line.type === 'topup' && coins > 0 && (
                <p className="delivered-coins" data-testid="delivered-coins">
                  ✓ {formatCoins(coins)} sent to <strong>{recipient}</strong>
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <div className="total-row">
        <span>Total</span>
        <strong data-testid="order-total">{formatMoney(order.total)}</strong>
      </div>
    </div>
  );
}
