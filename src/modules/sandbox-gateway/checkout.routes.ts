import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../../platform/errors.ts';
import type { SandboxService } from './sandbox.service.ts';
import { checkoutPage, finalPage, notFoundPage } from './checkout.html.ts';

const ID = /^sbx_[0-9a-z]{26}$/;

function html(reply: FastifyReply, status: number, body: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    // No scripts at all; the page may not be framed (a Pay button must never be clickjacked).
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .send(body);
}

/** Hosted payment page: GET shows it, POST (form: action=pay|decline) acts and redirects to the merchant. */
export async function checkoutRoutes(app: FastifyInstance, opts: { service: SandboxService }): Promise<void> {
  const { service } = opts;

  app.get<{ Params: { id: string } }>('/checkout/:id', async (req, reply) => {
    const p = ID.test(req.params.id) ? await service.getPayment(req.params.id).catch(() => null) : null;
    if (!p) return html(reply, 404, notFoundPage());
    return html(reply, 200, p.status === 'open' ? checkoutPage(p) : finalPage(p));
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> | undefined }>('/checkout/:id', async (req, reply) => {
    if (!ID.test(req.params.id)) return html(reply, 404, notFoundPage());
    const action = req.body?.action;
    if (action !== 'pay' && action !== 'decline') return reply.redirect(`${req.params.id}`, 303);
    try {
      const { payment, changed } = await service.completeCheckout(req.params.id, action, req.body?.cardNumber?.trim() || req.body?.card);
      // The first click moves the payment and sends the buyer back; a later click only shows the final state.
      if (changed) return reply.redirect(payment.returnUrl, 303);
      return html(reply, 200, finalPage(payment));
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return html(reply, 404, notFoundPage());
      if (isAppError(err) && err.code === 'validation_failed') {
        const p = await service.getPayment(req.params.id);
        return html(reply, 422, checkoutPage(p, err.message));
      }
      throw err;
    }
  });
}
