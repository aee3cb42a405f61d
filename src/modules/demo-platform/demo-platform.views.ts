import { errorBox, formatCoins, html, layout, type Html } from './demo-platform.html.ts';
import type { DemoTransfer, DemoUser } from './demo-platform.service.ts';
import { MAX_NOTE_LENGTH, MAX_TRANSFER_COINS } from './demo-platform.service.ts';

/**
 * Server-rendered pages of the seller web UI. Stable hooks for scripts (Tollgate's browser driver, tests):
 * login: #user-id #password #login-submit; seller: #balance[data-coins], #recipient-search + #recipient-search-submit,
 * #recipient[data-user-id], #amount #note #send-submit, #history-q + #history-filter-submit,
 * #history tr[data-testid=transfer-row][data-transfer-id][data-note][data-to-user-id][data-coins];
 * confirmation: #confirmation [data-testid=transfer-id|transfer-recipient|transfer-coins|transfer-note];
 * any business error: #error[data-code].
 */
export interface PageError {
  code: string;
  message: string;
}

const userHeader = (prefix: string, user: DemoUser, csrf: string) => html`
<form method="post" action="${prefix}/logout" class="row" style="align-items:center">
  <span id="seller-id" data-testid="seller-id">@${user.userId}</span>
  <input type="hidden" name="csrf" value="${csrf}">
  <button id="logout" class="link" type="submit">Log out</button>
</form>`;

export function loginPage(prefix: string, opts: { userId?: string; error?: PageError } = {}): string {
  return layout('Log in', html`
<section>
  <h2>Log in to your account</h2>
  ${errorBox(opts.error)}
  <form id="login-form" method="post" action="${prefix}/login">
    <label for="user-id">User id</label>
    <input id="user-id" name="userId" autocomplete="username" autocapitalize="none" required value="${opts.userId ?? ''}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <p><button id="login-submit" type="submit">Log in</button></p>
  </form>
</section>`);
}

export interface SellerPageModel {
  prefix: string;
  user: DemoUser;
  csrf: string;
  formToken: string;
  recipientQuery?: string;
  recipient?: DemoUser;
  error?: PageError;
  coins?: string;
  note?: string;
  historyQuery?: string;
  transfers: DemoTransfer[];
}

function sendSection(m: SellerPageModel): Html {
  const r = m.recipient;
  return html`
<section id="send">
  <h2>Send coins</h2>
  ${errorBox(m.error)}
  <form id="recipient-search-form" method="get" action="${m.prefix}/seller" class="row">
    <div>
      <label for="recipient-search">Recipient user id</label>
      <input id="recipient-search" name="to" autocapitalize="none" autocomplete="off" placeholder="e.g. alice.gamer" value="${m.recipientQuery ?? ''}">
    </div>
    <button id="recipient-search-submit" type="submit">Find</button>
  </form>
  ${r
    ? html`
  <div id="recipient" class="recipient" data-testid="recipient" data-user-id="${r.userId}">
    Sending to <strong data-testid="recipient-name">${r.displayName}</strong> <span class="muted">@${r.userId}</span>
  </div>
  <form id="send-form" method="post" action="${m.prefix}/seller/transfers">
    <input type="hidden" name="toUserId" value="${r.userId}">
    <input type="hidden" name="csrf" value="${m.csrf}">
    <input type="hidden" name="formToken" value="${m.formToken}">
    <label for="amount">Amount (coins)</label>
    <input id="amount" name="coins" type="number" inputmode="numeric" min="1" max="${MAX_TRANSFER_COINS}" step="1" required value="${m.coins ?? ''}">
    <label for="note">Note / reference</label>
    <input id="note" name="note" maxlength="${MAX_NOTE_LENGTH}" autocomplete="off" value="${m.note ?? ''}">
    <p><button id="send-submit" type="submit">Send coins</button></p>
  </form>`
    : html`<p class="muted">Find a recipient by user id to send coins.</p>`}
</section>`;
}

function historySection(m: SellerPageModel): Html {
  return html`
<section>
  <h2>Transfer history</h2>
  <form id="history-filter" method="get" action="${m.prefix}/seller" class="row">
    <div>
      <label for="history-q">Filter by note</label>
      <input id="history-q" name="q" autocomplete="off" value="${m.historyQuery ?? ''}">
    </div>
    <button id="history-filter-submit" type="submit">Filter</button>
  </form>
  <div class="scroll"><table id="history" data-testid="history">
    <thead><tr><th>Date</th><th>To</th><th class="num">Coins</th><th>Note</th><th>Transfer id</th></tr></thead>
    <tbody>${m.transfers.map((t) => html`
      <tr data-testid="transfer-row" data-transfer-id="${t.transferId}" data-note="${t.note}" data-to-user-id="${t.toUserId}" data-coins="${t.coins}">
        <td class="muted">${t.createdAt.slice(0, 16).replace('T', ' ')}</td>
        <td>${t.toDisplayName} <span class="muted">@${t.toUserId}</span></td>
        <td class="num">${formatCoins(t.coins)}</td>
        <td data-testid="transfer-note">${t.note}</td>
        <td class="muted" data-testid="transfer-id">${t.transferId}</td>
      </tr>`)}
    </tbody>
  </table></div>
  ${m.transfers.length === 0 ? html`<p id="history-empty" class="muted">No transfers${m.historyQuery ? ' match this filter' : ' yet'}.</p>` : ''}
</section>`;
}

export function sellerPage(m: SellerPageModel): string {
  return layout('Seller', html`
<section>
  <h2>Balance</h2>
  <div class="balance"><span id="balance" data-testid="balance" data-coins="${m.user.coins}">${formatCoins(m.user.coins)}</span> coins</div>
</section>
${sendSection(m)}
${historySection(m)}`, userHeader(m.prefix, m.user, m.csrf));
}

export function confirmationPage(prefix: string, user: DemoUser, csrf: string, t: DemoTransfer): string {
  return layout('Transfer sent', html`
<section id="confirmation" data-testid="confirmation">
  <p class="ok">Coins sent.</p>
  <dl>
    <dt>Transfer id</dt><dd data-testid="transfer-id">${t.transferId}</dd>
    <dt>Recipient</dt><dd data-testid="transfer-recipient" data-user-id="${t.toUserId}">${t.toDisplayName} (@${t.toUserId})</dd>
    <dt>Amount</dt><dd data-testid="transfer-coins" data-coins="${t.coins}">${formatCoins(t.coins)}</dd>
    <dt>Note</dt><dd data-testid="transfer-note">${t.note}</dd>
    <dt>Date</dt><dd>${t.createdAt}</dd>
  </dl>
  <p><a id="back" href="${prefix}/seller">Back to my account</a></p>
</section>`, userHeader(prefix, user, csrf));
}

export function messagePage(title: string, error: PageError, prefix: string): string {
  return layout(title, html`<section>${errorBox(error)}<p><a href="${prefix}/seller">Back</a></p></section>`);
}
