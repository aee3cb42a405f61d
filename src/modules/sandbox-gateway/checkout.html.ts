import { format } from '../../platform/money.ts';
import { TEST_CARDS } from './test-cards.ts';
import type { SandboxPayment } from './sandbox.repo.ts';

/** Server-rendered hosted payment page of the sandbox gateway: no scripts, phone-friendly, clearly a test. */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `select,input{display:block;width:100%;padding:10px;border:1px solid #cbd5e1;border-radius:8px;font-size:16px;margin:4px 0 12px;box-sizing:border-box;background:#fff}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
.banner{background:#fde68a;color:#78350f;text-align:center;font-weight:600;font-size:14px;padding:10px 12px;border-bottom:1px solid #f59e0b}
main{max-width:420px;margin:24px auto;padding:0 16px}
.card{background:#fff;border-radius:14px;box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06);padding:24px}
.label{font-size:13px;color:#6b7280;text-transform:uppercase;letter-spacing:.04em;margin:0}
.desc{font-size:18px;margin:4px 0 16px;word-wrap:break-word}
.amount{font-size:34px;font-weight:700;margin:4px 0 20px;font-variant-numeric:tabular-nums}
.ref{font-size:12px;color:#9ca3af;margin:16px 0 0;word-break:break-all}
form{display:flex;flex-direction:column;gap:10px;margin:0}
button{appearance:none;border:0;border-radius:10px;font:inherit;font-weight:600;padding:14px 16px;cursor:pointer;width:100%}
#pay{background:#4f46e5;color:#fff}
#pay:hover{background:#4338ca}
#decline{background:#fff;color:#b91c1c;border:1px solid #fca5a5}
#decline:hover{background:#fef2f2}
.status{display:inline-block;border-radius:999px;padding:4px 12px;font-weight:600;font-size:14px}
.ok{background:#dcfce7;color:#166534}.bad{background:#fee2e2;color:#991b1b}.neutral{background:#e5e7eb;color:#374151}
a.back{display:block;text-align:center;margin-top:20px;color:#4f46e5;font-weight:600;text-decoration:none;padding:12px;border:1px solid #c7d2fe;border-radius:10px}
.note{font-size:13px;color:#6b7280;margin-top:14px;text-align:center}
`;

function page(title: string, inner: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)} · Sandbox gateway</title>
<style>${STYLE}</style>
</head>
<body>
<div class="banner" role="note">Sandbox gateway — test payments. No real money moves.</div>
<main><div class="card">
${inner}
</div></main>
</body>
</html>`;
}

const STATUS_TEXT: Record<SandboxPayment['status'], { text: string; cls: string }> = {
  open: { text: 'Awaiting payment', cls: 'neutral' },
  authorized: { text: 'Payment authorized', cls: 'ok' },
  succeeded: { text: 'Payment succeeded', cls: 'ok' },
  failed: { text: 'Payment declined', cls: 'bad' },
  voided: { text: 'Payment cancelled', cls: 'neutral' },
  refunded: { text: 'Payment refunded', cls: 'neutral' },
};

/** The open payment: description, amount, Pay (#pay) and Decline (#decline). The form posts to this same URL. */
export function checkoutPage(p: SandboxPayment, error?: string): string {
  const amount = format({ amount: p.amount, currency: p.currency });
  const options = TEST_CARDS.map((c, i) => `<option value="${esc(c.key)}"${i === 0 ? ' selected' : ''}>${esc(c.label)}</option>`).join('');
  return page(`Pay ${amount}`, `
<p class="label">You are paying</p>
<p class="desc">${esc(p.description || 'Order')}</p>
<p class="label">Amount</p>
<p class="amount">${esc(amount)}</p>
${error ? `<p class="note" id="error" role="alert">${esc(error)}</p>` : ''}
<form method="post">
  <label class="label" for="card">Test card</label>
  <select id="card" name="card">${options}</select>
  <label class="label" for="cardNumber">…or another test card number</label>
  <input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="off" maxlength="23" placeholder="e.g. 4000 2212 3456 7890">
  <button id="pay" type="submit" name="action" value="pay">Pay ${esc(amount)}</button>
  <button id="decline" type="submit" name="action" value="decline">Decline</button>
</form>
<p class="note">${p.captureMode === 'manual' ? 'Pay places a hold; the merchant captures it later.' : 'Pay charges the amount at once.'}</p>
<p class="ref">Payment ${esc(p.id)}</p>`);
}

/** A payment that is no longer open: its final state and the way back to the merchant. */
export function finalPage(p: SandboxPayment): string {
  const s = STATUS_TEXT[p.status];
  const amount = format({ amount: p.amount, currency: p.currency });
  return page(s.text, `
<p><span id="status" class="status ${s.cls}" data-status="${esc(p.status)}">${esc(s.text)}</span></p>
<p class="desc">${esc(p.description || 'Order')}</p>
<p class="amount">${esc(amount)}</p>
<a class="back" id="return" href="${esc(p.returnUrl)}">Return to the shop</a>
<p class="ref">Payment ${esc(p.id)}</p>`);
}

export function notFoundPage(): string {
  return page('Payment not found', `<p class="desc">This payment does not exist.</p>`);
}
