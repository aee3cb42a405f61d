-- A completed top-up the gateway later refunds (or charges back) is 'refunded'; it keeps the transfer that credited it.
ALTER TABLE pa_topups DROP CONSTRAINT pa_topups_status_check;
ALTER TABLE pa_topups DROP CONSTRAINT pa_topups_check;
ALTER TABLE pa_topups ADD CONSTRAINT pa_topups_status_check CHECK (status IN ('pending', 'completed', 'failed', 'refunded'));
ALTER TABLE pa_topups ADD CONSTRAINT pa_topups_transfer_check CHECK ((status IN ('completed', 'refunded')) = (transfer_id IS NOT NULL));
