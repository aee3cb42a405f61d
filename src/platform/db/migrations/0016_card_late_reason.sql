-- A fallback answer's late decision is described beside the answer given (which a replay must repeat unchanged).
ALTER TABLE card_authorizations ADD COLUMN late_reason text;
