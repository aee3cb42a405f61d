import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORDER_TRANSITIONS, type OrderStatus } from './orders.states.ts';
import { PAYMENT_TRANSITIONS, type PaymentStatus } from '../payments/payments.states.ts';
import { assertTransition, canTransition } from '../../platform/states.ts';
import { AppError } from '../../platform/errors.ts';

const ORDER_ALLOWED: Array<[OrderStatus, OrderStatus]> = [
  ['pending_payment', 'paid'], ['pending_payment', 'on_hold'], ['pending_payment', 'expired'], ['pending_payment', 'cancelled'],
  ['paid', 'fulfilling'], ['paid', 'on_hold'], ['paid', 'refunded'],
  ['on_hold', 'paid'], ['on_hold', 'refunded'], ['on_hold', 'cancelled'],
  ['fulfilling', 'fulfilled'], ['fulfilling', 'failed'],
  ['failed', 'fulfilling'], ['failed', 'refunded'],
];

test('order transitions: exactly the documented moves are allowed, every other move is a 409 illegal_transition', () => {
  const states = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
  for (const from of states) {
    for (const to of states) {
      const allowed = ORDER_ALLOWED.some(([a, b]) => a === from && b === to);
      assert.equal(canTransition(ORDER_TRANSITIONS, from, to), allowed, `${from} -> ${to}`);
      if (!allowed) {
        assert.throws(() => assertTransition('order', ORDER_TRANSITIONS, from, to), (e: unknown) => e instanceof AppError && e.code === 'illegal_transition' && e.status === 409);
      } else {
        assert.doesNotThrow(() => assertTransition('order', ORDER_TRANSITIONS, from, to));
      }
    }
  }
});

test('terminal order states have no way out; nothing goes back to pending_payment', () => {
  for (const s of ['fulfilled', 'expired', 'cancelled', 'refunded'] as OrderStatus[]) assert.deepEqual(ORDER_TRANSITIONS[s], []);
  for (const s of Object.keys(ORDER_TRANSITIONS) as OrderStatus[]) assert.ok(!ORDER_TRANSITIONS[s].includes('pending_payment'));
});

const PAYMENT_ALLOWED: Array<[PaymentStatus, PaymentStatus]> = [
  ['pending', 'authorized'], ['pending', 'captured'], ['pending', 'failed'], ['pending', 'voided'],
  ['authorized', 'captured'], ['authorized', 'voided'], ['authorized', 'failed'],
  ['failed', 'authorized'], ['failed', 'captured'], ['failed', 'voided'],
  ['captured', 'refunded'],
];

test('payment transitions: captured money leaves only by refund; voided and refunded are final', () => {
  const states = Object.keys(PAYMENT_TRANSITIONS) as PaymentStatus[];
  for (const from of states) {
    for (const to of states) {
      const allowed = PAYMENT_ALLOWED.some(([a, b]) => a === from && b === to);
      assert.equal(canTransition(PAYMENT_TRANSITIONS, from, to), allowed, `${from} -> ${to}`);
      if (!allowed) assert.throws(() => assertTransition('payment', PAYMENT_TRANSITIONS, from, to), /cannot move/);
    }
  }
});
