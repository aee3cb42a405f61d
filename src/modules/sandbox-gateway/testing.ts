/**
 * Test helper: acts on the hosted payment page like a person would — opens it, checks the button is
 * there, and submits the form. `baseUrl` is the sandbox's base URL (e.g. http://127.0.0.1:3000/sandbox).
 * Returns the response status, and where the gateway redirected (the merchant's returnUrl) if it did.
 */
export async function sandboxPay(baseUrl: string, sbxId: string, action: 'pay' | 'decline', card?: string): Promise<{ status: number; location: string | null; html: string }> {
  const url = `${baseUrl.replace(/\/$/, '')}/checkout/${encodeURIComponent(sbxId)}`;
  const page = await fetch(url);
  const pageHtml = await page.text();
  if (page.status !== 200) throw new Error(`sandbox checkout page answered ${page.status}`);
  if (!pageHtml.includes(`id="${action}"`)) return { status: page.status, location: null, html: pageHtml }; // already final: nothing to click
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action, ...(card ? (/^\d/.test(card) ? { cardNumber: card } : { card }) : {}) }).toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}
