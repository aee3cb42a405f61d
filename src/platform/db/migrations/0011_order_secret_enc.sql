-- The order's client secret, encrypted, so the order e-mail can carry a link that opens the order page.
ALTER TABLE orders ADD COLUMN client_secret_enc text;
