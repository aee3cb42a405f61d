-- Company cards (seed 002): cardholders (PII encrypted), programs, cards with controls and a status history,
-- authorization decisions (one row per processor authorization id), after-transaction events, spend
-- assignments (card spend ↔ orders) for the reconciliation report. Never a full card number: BIN + last4 only.
CREATE TABLE cardholders (
  id text PRIMARY KEY,
  name_enc text NOT NULL,
  email_enc text,
  phone_enc text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE card_programs (
  id text PRIMARY KEY,
  name text NOT NULL,
  controls jsonb NOT NULL DEFAULT '{}'::jsonb,
  fallback text NOT NULL CHECK (fallback IN ('approve','decline')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX card_programs_name_idx ON card_programs (lower(name));

CREATE TABLE cards (
  id text PRIMARY KEY,
  cardholder_id text NOT NULL REFERENCES cardholders(id),
  program_id text REFERENCES card_programs(id),
  processor_card_id text NOT NULL,
  bin text NOT NULL CHECK (bin ~ '^[0-9]{6,8}$'),
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month int NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year int NOT NULL,
  currency text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','frozen','closed')),
  controls jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cards_processor_card_idx ON cards (processor_card_id);
CREATE INDEX cards_cardholder_idx ON cards (cardholder_id);

CREATE TABLE card_status_history (
  id text PRIMARY KEY,
  card_id text NOT NULL REFERENCES cards(id),
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_status_history_card_idx ON card_status_history (card_id, at);

-- Spend assignments: "this shopper shops for this order in this window, for about this much".
CREATE TABLE card_assignments (
  id text PRIMARY KEY,
  external_order_ref text NOT NULL,
  cardholder_id text NOT NULL REFERENCES cardholders(id),
  expected_amount bigint NOT NULL CHECK (expected_amount >= 0),
  currency text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (window_end > window_start)
);
CREATE UNIQUE INDEX card_assignments_ref_idx ON card_assignments (external_order_ref);
CREATE INDEX card_assignments_holder_idx ON card_assignments (cardholder_id, window_start);

-- One row per processor authorization id (the PRIMARY KEY is the idempotency key: "webhook called twice").
CREATE TABLE card_authorizations (
  id text PRIMARY KEY,
  card_ref text NOT NULL,
  card_id text REFERENCES cards(id),
  cardholder_id text,
  assignment_id text REFERENCES card_assignments(id),
  amount bigint NOT NULL,
  currency text NOT NULL,
  merchant_name text,
  merchant_mcc text,
  merchant_city text,
  merchant_country text,
  approved boolean NOT NULL,
  reason text NOT NULL,
  stage text NOT NULL CHECK (stage IN ('card','controls','rules','fallback')),
  score int NOT NULL DEFAULT 0,
  decision_id text,
  late_decision_id text,
  fallback boolean NOT NULL DEFAULT false,
  decision_ms int,
  source text NOT NULL DEFAULT 'tollgate',
  status text NOT NULL CHECK (status IN ('approved','declined','cleared','reversed','refunded')),
  final_amount bigint,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The decision's spend query: this month's approved authorizations of one card (index-only when vacuumed).
CREATE INDEX card_authorizations_spend_idx ON card_authorizations (card_id, created_at) INCLUDE (amount, final_amount, status) WHERE approved;
CREATE INDEX card_authorizations_assignment_idx ON card_authorizations (assignment_id) WHERE assignment_id IS NOT NULL;
CREATE INDEX card_authorizations_holder_idx ON card_authorizations (cardholder_id, occurred_at);
CREATE INDEX card_authorizations_created_idx ON card_authorizations (created_at DESC);

-- After-transaction events (cleared, reversed, refunded), idempotent per processor event id.
CREATE TABLE card_transactions (
  id text PRIMARY KEY,
  authorization_id text NOT NULL,
  type text NOT NULL CHECK (type IN ('cleared','reversed','refunded')),
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  occurred_at timestamptz NOT NULL,
  outcome text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_transactions_auth_idx ON card_transactions (authorization_id);
