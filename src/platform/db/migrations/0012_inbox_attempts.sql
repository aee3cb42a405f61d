-- Inbound events are processed right after they are stored; a sweeper retries the ones left unprocessed
-- (crash, transient error). attempts/last_error bound the retries of an event that keeps failing.
ALTER TABLE webhook_inbox ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE webhook_inbox ADD COLUMN last_error text;
CREATE INDEX webhook_inbox_pending_idx ON webhook_inbox (received_at) WHERE processed_at IS NULL;
