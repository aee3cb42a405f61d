/**
 * Customers and their authentication (issue 4). What other modules may use:
 *
 * - `createCustomersService(deps)` → the service: signup/login/verify…, `requireStepUp(auth, purpose, { amountMinor })`,
 *   `getCustomer(id)`, `setExternalRef(id, ref, trx?)`, `findByExternalRef(ref)`, `authenticate(token, meta)`.
 * - `customersRoutes(service)` (public `/v1/auth/*`, `/v1/me/*`) and `customersAdminRoutes(service, guards)` (console).
 * - `makeCustomerGuard(service).requireCustomer`: the preHandler of `/v1/me/*` routes; it sets
 *   `req.customer = { customerId, sessionId, stepUpAt }` (read it with `customerOf(req)`).
 */
export { createCustomersService, type CustomersService, type CustomersDeps } from './customers.service.ts';
export { customersRoutes } from './customers.routes.ts';
export { customersAdminRoutes } from './customers.admin.routes.ts';
export { makeCustomerGuard, customerOf, customerToken, type CustomerGuard } from './customers.auth.ts';
export { deriveCustomerKeys, maskPhone, maskEmail, normalizeEmail, normalizePhone } from './customers.pii.ts';
export { CUSTOMER_TRANSITIONS } from './customers.states.ts';
export { RULES as AUTH_RULES } from './customers.core.ts';
export type { CustomerAuth, CustomerStatus, Method, StepUpPurpose } from './customers.schema.ts';
