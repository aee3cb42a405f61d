import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import { format } from '../../platform/money.ts';
import { maskEmail } from '../customers/index.ts';
import type { PersonalAreaDeps } from './personal-area.deps.ts';
import type { Caller, PersonalAreaCore } from './personal-area.core.ts';
import type { Txn } from './personal-area.schema.ts';
import * as repo from './personal-area.repo.ts';

/**
 * Receipts for completed payments in and out: printable HTML and a PDF (pdfkit), each carrying a verification
 * code anyone can check at the public `GET /v1/receipts/verify?code=`.
 *
 * The code is an HMAC-SHA256, under a key derived from ENCRYPTION_KEY with HKDF (label 'receipt'), over the
 * receipt's fields (transfer, customer, direction, reference, amount, currency, date, company); its first 60 bits
 * are written as 12 Crockford base32 characters in groups of four (XXXX-XXXX-XXXX): short, typeable, and
 * without the key impossible to forge. The issued receipt is remembered by code so that verification can
 * answer what it certifies — without any personal data — after recomputing the HMAC over the stored fields.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U

export function deriveReceiptKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'receipt', 32));
}

function fields(r: repo.ReceiptRow): string {
  return ['tollgate-receipt-v1', r.transferId, r.customerId, r.direction, r.reference, String(r.amount), r.currency, r.issuedFor.toISOString(), r.company].join('\n');
}

/** The 12-character code (no dashes) for these fields. */
export function receiptCode(key: Buffer, r: Omit<repo.ReceiptRow, 'code'>): string {
  const mac = createHmac('sha256', key).update(fields({ ...r, code: '' })).digest();
  let bits = 0n;
  for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(mac[i]);
  bits >>= 4n; // 60 bits
  let out = '';
  for (let i = 0; i < 12; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** "abcd-efgh-jkmn", "ABCDEFGHJKMN", with spaces, O for 0, I/L for 1 → the canonical 12 characters, or null. */
export function normalizeCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(s) ? s : null;
}

export const groupCode = (c: string) => `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8, 12)}`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const KIND_NAMES: Record<string, string> = {
  topup: 'Wallet top-up', bill_payment: 'Bill payment', refund: 'Refund', transfer: 'Transfer', payment: 'Payment', fee: 'Fee',
  card_hold: 'Card payment', card_settlement: 'Card payment', payout: 'Payout', chargeback: 'Chargeback', reversal: 'Reversal',
  interest: 'Interest', adjustment: 'Adjustment', correction: 'Correction',
};

export interface ReceiptDoc {
  code: string; grouped: string; verifyUrl: string; company: { name: string; details: string }; customer: string;
  txn: Txn; issuedAt: Date;
}

export function receipts(d: PersonalAreaDeps, k: PersonalAreaCore) {
  const key = deriveReceiptKey(d.encryptionKey);
  const company = () => ({ name: d.settings.companyName, details: d.settings.companyDetails });

  /** The receipt of one of the customer's completed transactions (issued once; the same code every time). */
  async function issue(c: Caller, transactionId: string): Promise<ReceiptDoc> {
    const { txn } = await k.ownTxn(c, transactionId);
    if (txn.status === 'pending') throw new AppError('conflict', 'a receipt is available once the payment has completed; this one is still pending');
    if (txn.status !== 'posted') throw new AppError('conflict', `there is no receipt for a payment that was ${txn.status}`);
    const fieldsOf = {
      transferId: txn.id, customerId: c.auth.customerId, direction: txn.direction, reference: txn.reference, amount: txn.amount.amount,
      currency: txn.amount.currency, issuedFor: new Date(txn.createdAt), company: company().name,
    };
    const saved = await repo.saveReceipt(d.db, { code: receiptCode(key, fieldsOf), ...fieldsOf });
    const customer = await d.customers.getCustomer(c.auth.customerId);
    return {
      code: saved.code, grouped: groupCode(saved.code), verifyUrl: `${d.settings.publicUrl}/v1/receipts/verify?code=${groupCode(saved.code)}`,
      company: company(), customer: customer ? maskEmail(customer.email) : c.auth.customerId, txn, issuedAt: d.clock.now(),
    };
  }

  async function verify(code: string): Promise<{ valid: true; receipt: { reference: string; amount: { amount: number; currency: string }; date: Date; company: string } } | { valid: false }> {
    const n = normalizeCode(code);
    if (!n) return { valid: false };
    const r = await repo.receiptByCode(d.db, n);
    if (!r) return { valid: false };
    const expected = Buffer.from(receiptCode(key, r));
    if (!timingSafeEqual(expected, Buffer.from(r.code))) return { valid: false }; // the stored row was altered
    return { valid: true, receipt: { reference: r.reference, amount: { amount: r.amount, currency: r.currency }, date: r.issuedFor, company: r.company } };
  }

  function rows(doc: ReceiptDoc): Array<[string, string]> {
    const t = doc.txn;
    return [
      ['Reference', t.reference],
      ['Date', `${new Date(t.createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC`],
      ['Type', `${KIND_NAMES[t.kind] ?? t.kind} (money ${t.direction === 'in' ? 'in' : 'out'})`],
      ['Description', t.description],
      ['Amount', format(t.amount)],
      ['Status', 'Completed'],
      ['Customer', doc.customer],
      ['Transaction', t.id],
    ];
  }

  function html(doc: ReceiptDoc): string {
    const e = escapeHtml;
    const body = rows(doc).map(([k2, v]) => `<tr><th>${e(k2)}</th><td>${e(v)}</td></tr>`).join('\n');
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Receipt ${e(doc.txn.reference)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111;max-width:640px;margin:2rem auto;padding:0 1rem}
header{border-bottom:2px solid #111;margin-bottom:1rem}h1{font-size:1.4rem;margin:.2rem 0}.company{color:#444;font-size:.9rem}
table{width:100%;border-collapse:collapse}th{text-align:left;color:#555;font-weight:500;width:35%;padding:.35rem 0;vertical-align:top}td{padding:.35rem 0}
tr{border-bottom:1px solid #eee}.amount{font-size:1.6rem;font-weight:600;margin:1rem 0}
.verify{margin-top:1.5rem;padding:1rem;border:1px dashed #999;font-size:.9rem}.code{font:600 1.2rem ui-monospace,monospace;letter-spacing:.08em}
.actions{margin-top:1.5rem}@media print{.actions{display:none}body{margin:0}}
</style></head>
<body>
<header><h1>${e(doc.company.name)}</h1><div class="company">${e(doc.company.details)}</div></header>
<h2>Payment receipt</h2>
<div class="amount">${doc.txn.direction === 'out' ? '−' : '+'}${e(format(doc.txn.amount))}</div>
<table>
${body}
</table>
<div class="verify">Verification code: <span class="code">${e(doc.grouped)}</span><br>
Check this receipt at <a href="${e(doc.verifyUrl)}">${e(doc.verifyUrl)}</a></div>
<p class="actions"><a href="receipt.pdf">Download PDF</a> · print this page with your browser (Ctrl/⌘+P)</p>
</body></html>`;
  }

  async function pdf(doc: ReceiptDoc): Promise<Buffer> {
    const { default: PDFDocument } = await import('pdfkit');
    const p = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Receipt ${doc.txn.reference}`, Author: doc.company.name, Subject: 'Payment receipt' } });
    const chunks: Buffer[] = [];
    p.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve, reject) => {
      p.on('end', () => resolve(Buffer.concat(chunks)));
      p.on('error', reject);
    });
    // the standard PDF fonts cover Latin-1 (WinAnsi); anything else is shown as '?'
    const w = (s: string) => s.replace(/[^\u0020-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u20ac\n]/g, '?');
    p.font('Helvetica-Bold').fontSize(18).text(w(doc.company.name));
    p.font('Helvetica').fontSize(9).fillColor('#444').text(w(doc.company.details));
    p.moveDown(1.2).fillColor('#000').font('Helvetica-Bold').fontSize(14).text('Payment receipt');
    p.moveDown(0.5).fontSize(22).text(`${doc.txn.direction === 'out' ? '-' : '+'}${w(format(doc.txn.amount))}`);
    p.moveDown(0.8).fontSize(10);
    for (const [label, value] of rows(doc)) {
      const y = p.y;
      p.font('Helvetica').fillColor('#555').text(label, 56, y, { width: 130 });
      p.font('Helvetica').fillColor('#000').text(w(value), 190, y, { width: 350 });
      p.moveDown(0.4);
    }
    p.moveDown(1.5).x = 56;
    p.font('Helvetica').fontSize(10).fillColor('#000').text('Verification code', 56);
    p.font('Courier-Bold').fontSize(16).text(doc.grouped, 56);
    p.font('Helvetica').fontSize(9).fillColor('#444').text(`Check this receipt at ${doc.verifyUrl}`, 56, undefined, { link: doc.verifyUrl });
    p.moveDown(0.5).text(`Issued ${doc.issuedAt.toISOString().slice(0, 10)} by ${w(doc.company.name)}.`, 56);
    p.end();
    return done;
  }

  return { issue, verify, html, pdf };
}
