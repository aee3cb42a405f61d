-- Auth-capture with risk review: the card used (from the gateway), when an analyst approved a held order.
ALTER TABLE sandbox_payments ADD COLUMN payment_method jsonb;
ALTER TABLE payments ADD COLUMN method_type text;
ALTER TABLE payments ADD COLUMN card_bin text;
ALTER TABLE payments ADD COLUMN card_last4 text;
ALTER TABLE payments ADD COLUMN card_fingerprint text;
ALTER TABLE payments ADD COLUMN authorized_at timestamptz;
ALTER TABLE orders ADD COLUMN review_approved_at timestamptz;
ALTER TABLE orders ADD COLUMN review_approved_by text;
CREATE INDEX orders_on_hold_idx ON orders (hold_reason, updated_at) WHERE status = 'on_hold';
