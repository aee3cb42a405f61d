-- Sandbox gateway: the built-in stand-in payment gateway. Its own tables, like an outside service.
CREATE TABLE sandbox_payments (
  id text PRIMARY KEY,
  merchant_ref text NOT NULL UNIQUE,
  amount bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('open','authorized','succeeded','failed','voided','refunded')),
  capture_mode text NOT NULL,
  description text NOT NULL DEFAULT '',
  return_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_events (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES sandbox_payments(id),
  type text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
