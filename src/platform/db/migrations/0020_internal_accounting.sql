-- The demo internal accounting system ("the company's own system"): a stand-in that Tollgate reaches only
-- over HTTP (src/modules/internal-accounting). Its own tables; no other module reads or writes them.
CREATE TABLE ia_customers (
  id text PRIMARY KEY,
  -- the caller's external key for this customer (Tollgate sends its customer id)
  ref text NOT NULL UNIQUE,
  account_no text NOT NULL UNIQUE,
  -- name and e-mail are personal data: encrypted at rest
  name_enc text,
  email_enc text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ia_contracts (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES ia_customers(id),
  number text NOT NULL UNIQUE,
  service text NOT NULL,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('active','ended')),
  monthly_amount bigint NOT NULL CHECK (monthly_amount >= 0),
  currency text NOT NULL,
  started_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ia_contracts_customer_idx ON ia_contracts (customer_id, started_on);

CREATE TABLE ia_bills (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES ia_customers(id),
  contract_id text REFERENCES ia_contracts(id),
  number text NOT NULL UNIQUE,
  description text NOT NULL,
  period text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  due_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('open','paid')),
  payment_id text,
  issued_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  CHECK ((status = 'paid') = (payment_id IS NOT NULL))
);
CREATE INDEX ia_bills_customer_idx ON ia_bills (customer_id, status, due_on);

-- A payment settles one bill in full. The caller's idempotency key makes a retried POST return the first
-- payment; request_hash tells a replay (same contents) from a reused key (different contents).
CREATE TABLE ia_payments (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  request_hash text NOT NULL,
  bill_id text NOT NULL UNIQUE REFERENCES ia_bills(id),
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  reference text NOT NULL,
  paid_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
