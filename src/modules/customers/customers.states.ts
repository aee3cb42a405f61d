import type { TransitionTable } from '../../platform/states.ts';
import type { CustomerStatus } from './customers.schema.ts';

/**
 * Customer status: staff block and unblock (audited); every move is appended to customer_status_history.
 * Blocking ends the customer's sessions and refuses new logins.
 */
export const CUSTOMER_TRANSITIONS: TransitionTable<CustomerStatus> = {
  active: ['blocked'],
  blocked: ['active'],
};
