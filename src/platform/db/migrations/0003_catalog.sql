-- Catalog: products and their prices; key stock. Orders snapshot what they sold and never read back.
CREATE TABLE products (
  id text PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  type text NOT NULL CHECK (type IN ('topup','key')),
  platform text,
  coins bigint CHECK (coins IS NULL OR coins > 0),
  fulfilment_driver text NOT NULL CHECK (fulfilment_driver IN ('key-stock','demo-platform-api','demo-platform-browser','manual')),
  active boolean NOT NULL DEFAULT true,
  max_quantity int NOT NULL DEFAULT 10 CHECK (max_quantity > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'topup' AND coins IS NOT NULL AND platform IS NOT NULL) OR (type = 'key' AND coins IS NULL))
);

CREATE TABLE product_prices (
  product_id text NOT NULL REFERENCES products(id),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount bigint NOT NULL CHECK (amount > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (product_id, currency)
);

CREATE TABLE key_codes (
  id text PRIMARY KEY,
  product_id text NOT NULL REFERENCES products(id),
  code_enc text NOT NULL,
  code_hash text NOT NULL,
  status text NOT NULL DEFAULT 'available' CHECK (status IN ('available','reserved','delivered','void')),
  order_id text,
  reserved_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, code_hash)
);
CREATE INDEX key_codes_available_idx ON key_codes (product_id, id) WHERE status = 'available';
CREATE INDEX key_codes_order_idx ON key_codes (order_id);
