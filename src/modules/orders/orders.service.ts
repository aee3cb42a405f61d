import type { OrdersDeps } from './orders.deps.ts';
import { createLifecycle } from './orders.lifecycle.ts';
import { orderViews } from './orders.views.ts';
import { createOrder, verifyPlatformUser, type CreateOrderInput, type RequestMeta } from './use-cases/create-order.ts';
import { registerReactions } from './use-cases/react-to-events.ts';
import { operatorActions } from './use-cases/operator-actions.ts';
import { sweeps } from './use-cases/sweeps.ts';
import { riskCheck } from './use-cases/risk-check.ts';
import { riskReview } from './use-cases/risk-review.ts';

export type { OrdersDeps } from './orders.deps.ts';
export type { CreateOrderInput, RequestMeta } from './use-cases/create-order.ts';
export { EMAIL_JOB } from './orders.lifecycle.ts';
export { RISK_CHECK_JOB } from './use-cases/risk-check.ts';

/** The orders module's use cases, one file each under use-cases/, sharing the lifecycle helpers. */
export function createOrdersService(d: OrdersDeps) {
  const life = createLifecycle(d);
  const checks = riskCheck(d, life);
  registerReactions(d, life, checks);
  return {
    runRiskCheck: checks.run,
    ...riskReview(d, life),
    create: (input: CreateOrderInput, meta: RequestMeta) => createOrder(d, life, input, meta),
    verifyPlatformUser: (platform: string, userId: string) => verifyPlatformUser(d, platform, userId),
    ...orderViews(d),
    ...sweeps(d, life),
    ...operatorActions(d, life),
  };
}
export type OrdersService = ReturnType<typeof createOrdersService>;
