export { createPaymentsService, PAYMENTS_QUEUE, type PaymentsService } from './payments.service.ts';
export { webhookRoutes } from './payments.routes.ts';
export { PAYMENT_TRANSITIONS, type PaymentStatus } from './payments.states.ts';
export type { Payment, PaymentPurpose } from './payments.repo.ts';
export type { PaymentGateway, GatewayEvent } from './gateway.ts';
export { GatewayUnavailable, GatewayRefused } from './gateway.ts';
