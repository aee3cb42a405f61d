-- Fulfilment: one record per order line delivery, driven by jobs; proof of delivery kept.
CREATE TABLE fulfilments (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  order_line_id text NOT NULL UNIQUE,
  driver text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','in_progress','delivered','failed')),
  job_id text,
  reference text NOT NULL UNIQUE,
  proof jsonb,
  delivered_payload_enc text,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fulfilments_order_idx ON fulfilments (order_id);
