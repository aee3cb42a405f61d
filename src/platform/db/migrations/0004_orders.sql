-- Orders: what was bought (lines are snapshots), by whom, for which platform user; one-way lifecycle.
CREATE TABLE orders (
  id text PRIMARY KEY,
  status text NOT NULL,
  email text NOT NULL,
  platform text,
  platform_user_id text,
  platform_user_name text,
  currency text NOT NULL,
  total_amount bigint NOT NULL CHECK (total_amount >= 0),
  client_secret_hash text NOT NULL,
  hold_reason text,
  ip text,
  user_agent text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_status_idx ON orders (status, created_at DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC);
CREATE INDEX orders_email_idx ON orders (email);
CREATE INDEX orders_platform_user_idx ON orders (platform_user_id);
CREATE INDEX orders_expiry_idx ON orders (expires_at) WHERE status = 'pending_payment';

CREATE TABLE order_lines (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders(id),
  product_id text NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  fulfilment_driver text NOT NULL,
  coins bigint,
  quantity int NOT NULL CHECK (quantity > 0),
  unit_amount bigint NOT NULL,
  currency text NOT NULL,
  line_amount bigint NOT NULL
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);

CREATE TABLE order_history (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders(id),
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_history_order_idx ON order_history (order_id, at);
