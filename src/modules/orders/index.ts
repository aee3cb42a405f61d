export { createOrdersService, EMAIL_JOB, type OrdersService } from './orders.service.ts';
export { ordersRoutes } from './orders.routes.ts';
export { ORDER_TRANSITIONS, TERMINAL, type OrderStatus } from './orders.states.ts';
