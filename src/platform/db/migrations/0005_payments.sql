-- Payments: separate table and lifecycle from orders; one order may see several payments over time.
CREATE TABLE payments (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  gateway text NOT NULL,
  gateway_ref text,
  status text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  captured_amount bigint,
  captured_currency text,
  checkout_url text,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_idx ON payments (order_id);
CREATE UNIQUE INDEX payments_gateway_ref_idx ON payments (gateway, gateway_ref) WHERE gateway_ref IS NOT NULL;

CREATE TABLE payment_history (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES payments(id),
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  reason text,
  event_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_history_payment_idx ON payment_history (payment_id, at);
