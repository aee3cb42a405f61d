-- Double-entry ledger (issue 4): accounts with running balances, immutable transfers, holds.
-- Every transfer debits one account and credits another of the same currency; balances are the sums of
-- the transfers, kept on the account row and updated in the transaction that writes the transfers.
-- Transfers carry no foreign keys to accounts or holds: the service reads and locks every account (and hold)
-- a transfer names in the same transaction before writing it, accounts are never deleted, and a foreign-key
-- check per row would cost a quarter of the database's CPU on the batched path (measured).
-- ledger.reconcile() recomputes every balance from the transfers.

CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,                                   -- lac_…
  owner_type text NOT NULL CHECK (owner_type IN ('customer','system')),
  owner_id text NOT NULL DEFAULT '',                     -- the customer id; '' for system accounts
  code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),  -- 'wallet' for customers; gateway_clearing, fees, …
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  normal_side text NOT NULL CHECK (normal_side IN ('debit','credit')),
  debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
  credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
  allow_overdraft boolean NOT NULL DEFAULT false,
  overdraft_limit bigint NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0 AND overdraft_limit <= 9007199254740991),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0 AND debits_posted <= 9007199254740991),
  credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0 AND credits_posted <= 9007199254740991),
  debits_pending bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0 AND debits_pending <= 9007199254740991),
  credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0 AND credits_pending <= 9007199254740991),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_type, owner_id, currency, code),
  -- The limits, enforced by the database too (the service checks first and answers with a clear error;
  -- this is the net under it).
  CONSTRAINT ledger_accounts_debit_limit CHECK (NOT debits_must_not_exceed_credits
    OR debits_posted + debits_pending <= credits_posted + CASE WHEN allow_overdraft THEN overdraft_limit ELSE 0 END),
  CONSTRAINT ledger_accounts_credit_limit CHECK (NOT credits_must_not_exceed_debits
    OR credits_posted + credits_pending <= debits_posted)
) WITH (fillfactor = 75); -- room on each page: balance updates stay HOT (no index writes)
CREATE INDEX ledger_accounts_owner_idx ON ledger_accounts (owner_id, owner_type);
CREATE INDEX ledger_accounts_code_idx ON ledger_accounts (code, currency);

CREATE TABLE ledger_transfers (
  id text PRIMARY KEY,                                   -- ltr_…
  client_id text NOT NULL,                               -- the caller's idempotency id
  type text NOT NULL CHECK (type IN ('posted','pending','post_pending','void_pending','expire_pending')),
  debit_account_id text NOT NULL,
  credit_account_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0 AND amount <= 9007199254740991),
  currency text NOT NULL,
  kind text NOT NULL,
  description text NOT NULL,
  metadata jsonb,
  pending_id text,                                       -- post/void/expire: the hold they resolve (ltr_ id)
  timeout_seconds integer,                               -- pending: how long the hold lives
  expires_at timestamptz,                                -- pending: when the sweep releases it
  link_id text,                                          -- legs of one linked (all-or-nothing) group share it
  link_size integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_transfers_client_id_key UNIQUE (client_id),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((type IN ('post_pending','void_pending','expire_pending')) = (pending_id IS NOT NULL)),
  CHECK ((type = 'pending') = (expires_at IS NOT NULL))
);
-- Each hold is resolved (posted, voided or expired) exactly once.
CREATE UNIQUE INDEX ledger_transfers_pending_once ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;
-- An account's history, newest first, with a stable (created_at, id) cursor.
CREATE INDEX ledger_transfers_debit_idx ON ledger_transfers (debit_account_id, created_at, id);
CREATE INDEX ledger_transfers_credit_idx ON ledger_transfers (credit_account_id, created_at, id);

-- Transfers are immutable: corrections and hold resolutions are new transfers.
CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_transfers is append-only';
END;
$$;
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE OR DELETE ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfers_immutable();

-- The open holds: an index over the pending transfers for the resolution check and the expiry sweep
-- (the transfers themselves never change; the state here is derived from which transfer resolved the hold).
CREATE TABLE ledger_holds (
  transfer_id text PRIMARY KEY REFERENCES ledger_transfers(id),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','posted','voided','expired')),
  expires_at timestamptz NOT NULL,
  resolved_by text REFERENCES ledger_transfers(id),
  resolved_at timestamptz,
  CHECK ((state = 'pending') = (resolved_by IS NULL))
);
CREATE INDEX ledger_holds_due_idx ON ledger_holds (expires_at) WHERE state = 'pending';
