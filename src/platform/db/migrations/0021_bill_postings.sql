-- Bill payments owed to the internal accounting system (an outbox): written in the same transaction that
-- debits the customer's wallet; a job posts each one to the internal system with the posting id as the
-- idempotency key, so a retry never pays a bill twice.
CREATE TABLE bill_postings (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  -- the internal system's bill id
  bill_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reference text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued','posted','failed')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  internal_payment_id text,
  posted_at timestamptz,
  failed_at timestamptz,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'posted') = (internal_payment_id IS NOT NULL AND posted_at IS NOT NULL))
);
-- One live payment per bill: a second "pay" of the same bill while one is queued or posted is refused.
CREATE UNIQUE INDEX bill_postings_live_bill_idx ON bill_postings (bill_id) WHERE status <> 'failed';
CREATE INDEX bill_postings_customer_idx ON bill_postings (customer_id, created_at DESC);
CREATE INDEX bill_postings_status_idx ON bill_postings (status, created_at DESC);

CREATE TABLE bill_posting_history (
  id text PRIMARY KEY,
  posting_id text NOT NULL REFERENCES bill_postings(id),
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bill_posting_history_posting_idx ON bill_posting_history (posting_id, at);
