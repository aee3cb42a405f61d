import type { OrdersDeps } from './orders.deps.ts';
import { createLifecycle } from './orders.lifecycle.ts';
import { orderViews } from './orders.views.ts';
import { createOrder, verifyPlatformUser, type CreateOrderInput, type RequestMeta } from './use-cases/create-order.ts';
import { registerReactions } from './use-cases/react-to-events.ts';
import { operatorActions } from './use-cases/operator-actions.ts';
import { sweeps } from './use-cases/sweeps.ts';

export type { OrdersDeps } from './orders.deps.ts';
export type { CreateOrderInput, RequestMeta } from './use-cases/create-order.ts';
export { EMAIL_JOB } from './orders.lifecycle.ts';

/** The orders module's use cases, one file each under use-cases/, sharing the lifecycle helpers. */
export function createOrdersService(d: OrdersDeps) {
  const life = createLifecycle(d);
  registerReactions(d, life);
  return {
    create: (input: CreateOrderInput, meta: RequestMeta) => createOrder(d, life, input, meta),
    verifyPlatformUser: (platform: string, userId: string) => verifyPlatformUser(d, platform, userId),
    ...orderViews(d),
    ...sweeps(d, life),
    ...operatorActions(d, life),
  };
}
export type OrdersService = ReturnType<typeof createOrdersService>;
