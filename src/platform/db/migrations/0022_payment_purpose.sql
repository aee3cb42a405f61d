-- A payment pays for something: an order (the storefront), a wallet top-up or a bill (the personal area).
-- order_id keeps its name for the storefront's queries; it holds the id of whatever `purpose` says is paid for.
ALTER TABLE payments ADD COLUMN purpose text NOT NULL DEFAULT 'order' CHECK (purpose IN ('order', 'topup', 'bill'));
