-- The customer personal area (issue 4): wallet top-ups, bill payments, comments and feedback threads,
-- receipts (verification codes), payees. Money moves only in the ledger (ledger_transfers); these tables
-- hold what the customer asked for and link it to the ledger transfer that did it.

-- A wallet top-up through a payment gateway: pending until the gateway's capture webhook credits the wallet.
CREATE TABLE pa_topups (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  account_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  gateway text NOT NULL,
  payment_id text,
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  -- what the gateway captured (may differ from amount: then that is what was credited, and an alert raised)
  captured_amount bigint,
  transfer_id text,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  CHECK ((status = 'completed') = (transfer_id IS NOT NULL))
);
CREATE INDEX pa_topups_customer_idx ON pa_topups (customer_id, id DESC);

-- A bill of the internal accounting system paid by the customer. The bill posting (bill_postings, gateway
-- module) shares the id; this row keeps the customer's side: how it was paid and the ledger transfers.
CREATE TABLE pa_bill_payments (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  bill_id text NOT NULL,
  description text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  method text NOT NULL CHECK (method IN ('wallet', 'gateway')),
  -- awaiting_payment (card payment not captured yet) → queued (wallet debited, posting queued) → refunded
  -- (the internal system refused it for good: the wallet got the money back) | failed (card payment failed)
  status text NOT NULL CHECK (status IN ('awaiting_payment', 'queued', 'refunded', 'failed')),
  -- the ledger client id of the debit (bill:<billId>, bill:<billId>:<n> after a refunded attempt)
  client_id text NOT NULL UNIQUE,
  transfer_id text,
  refund_transfer_id text,
  payment_id text,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- one live payment per bill: paying the same bill twice (or concurrently) finds the first one
CREATE UNIQUE INDEX pa_bill_payments_live_idx ON pa_bill_payments (bill_id) WHERE status IN ('awaiting_payment', 'queued');
CREATE INDEX pa_bill_payments_customer_idx ON pa_bill_payments (customer_id, id DESC);

-- Bills the customer was shown (from the internal system, through the guarded gateway): while the internal
-- system is down, a bill seen recently can still be paid (the posting waits in the outbox).
CREATE TABLE pa_bills_seen (
  bill_id text PRIMARY KEY,
  customer_id text NOT NULL,
  contract_id text,
  description text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  due_on text NOT NULL,
  status text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pa_bills_seen_customer_idx ON pa_bills_seen (customer_id);

-- Lifecycle history of top-ups and bill payments (from, to, actor, reason).
CREATE TABLE pa_history (
  id bigserial PRIMARY KEY,
  entity_id text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pa_history_entity_idx ON pa_history (entity_id, id);

-- Feedback threads: general feedback, or the comments on one transaction (kind 'comments', one thread per
-- customer and transaction). Support staff read and answer both in the console.
CREATE TABLE pa_threads (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('feedback', 'comments')),
  subject text,
  transaction_id text,
  status text NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
  messages int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'feedback' OR transaction_id IS NOT NULL)
);
CREATE UNIQUE INDEX pa_threads_comments_idx ON pa_threads (customer_id, transaction_id) WHERE kind = 'comments';
CREATE INDEX pa_threads_customer_idx ON pa_threads (customer_id, id DESC);
CREATE INDEX pa_threads_status_idx ON pa_threads (status, updated_at DESC);

CREATE TABLE pa_messages (
  id text PRIMARY KEY,
  thread_id text NOT NULL REFERENCES pa_threads(id),
  author text NOT NULL CHECK (author IN ('customer', 'staff')),
  -- the staff member's actor id for staff replies
  staff_actor text,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pa_messages_thread_idx ON pa_messages (thread_id, id);

-- Receipts issued: the verification code (an HMAC over the receipt's fields) → what it certifies. No
-- personal data: the public verify endpoint answers from this row alone.
CREATE TABLE pa_receipts (
  code text PRIMARY KEY,
  transfer_id text NOT NULL,
  customer_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  reference text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  issued_for timestamptz NOT NULL,
  company text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (transfer_id, customer_id)
);

-- People a customer sends money to (other customers).
CREATE TABLE pa_payees (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  payee_customer_id text NOT NULL,
  -- the name the customer gave them (personal data: encrypted with the field cipher)
  name_enc text,
  -- masked e-mail or phone, for display
  label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, payee_customer_id)
);
