-- Sandbox gateway: the built-in stand-in payment gateway. Its own tables, like an outside service;
-- no other module reads or writes them (Tollgate talks to the sandbox only over HTTP).
CREATE TABLE sandbox_payments (
  id text PRIMARY KEY,
  merchant_ref text NOT NULL UNIQUE,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('open','authorized','succeeded','failed','voided','refunded')),
  capture_mode text NOT NULL CHECK (capture_mode IN ('automatic','manual')),
  description text NOT NULL DEFAULT '',
  return_url text NOT NULL,
  -- What the buyer's bank actually moved: authorized (manual mode), captured, refunded (cumulative).
  authorized_amount bigint NOT NULL DEFAULT 0 CHECK (authorized_amount >= 0),
  captured_amount bigint NOT NULL DEFAULT 0 CHECK (captured_amount >= 0),
  refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= captured_amount),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Idempotency-Key of mutating API calls: the same key replays the result of the first call
-- instead of acting twice; the same key with a different request is refused.
CREATE TABLE sandbox_idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  payment_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Outgoing webhook events: one row per state change, written in the same transaction as the change
-- (an outbox). The delivery loop POSTs pending rows until the merchant answers 2xx.
CREATE TABLE sandbox_events (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES sandbox_payments(id),
  type text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  -- Due time of the next attempt; while an attempt runs it is pushed ahead as a lease.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  given_up_at timestamptz,
  last_status int,
  last_error text
);
CREATE INDEX sandbox_events_pending_idx ON sandbox_events (next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX sandbox_events_payment_idx ON sandbox_events (payment_id, id);
