export { createOrdersService, EMAIL_JOB, RISK_CHECK_JOB, type OrdersService } from './orders.service.ts';
export { ordersRoutes, reviewRoutes } from './orders.routes.ts';
export { ORDER_TRANSITIONS, TERMINAL, type OrderStatus } from './orders.states.ts';
