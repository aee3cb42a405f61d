import type { TransitionTable } from '../../platform/states.ts';

/** Lifecycle of a sandbox payment (the gateway's view, not Tollgate's). */
export type SandboxStatus = 'open' | 'authorized' | 'succeeded' | 'failed' | 'voided' | 'refunded';

export const SANDBOX_TRANSITIONS: TransitionTable<SandboxStatus> = {
  // open: the buyer has not acted yet. Pay → succeeded (automatic) or authorized (manual); Decline → failed;
  // the merchant may void an open payment so a late buyer can no longer pay it.
  open: ['succeeded', 'authorized', 'failed', 'voided'],
  authorized: ['succeeded', 'voided'],
  succeeded: ['refunded'],
  // refunded → refunded: a further partial refund while some captured money is left.
  refunded: ['refunded'],
  failed: [],
  voided: [],
};

export type SandboxEventType = 'payment.succeeded' | 'payment.failed' | 'payment.authorized' | 'payment.voided' | 'payment.refunded';

export const EVENT_FOR_STATUS: Record<Exclude<SandboxStatus, 'open'>, SandboxEventType> = {
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
  authorized: 'payment.authorized',
  voided: 'payment.voided',
  refunded: 'payment.refunded',
};
