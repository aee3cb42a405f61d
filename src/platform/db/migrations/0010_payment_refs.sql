-- Other gateway ids a payment is known by (Stripe: the PaymentIntent pi_… besides the Checkout Session cs_…),
-- learned from events that carry both; lets later events that only carry the secondary id find the payment.
CREATE TABLE payment_refs (
  gateway text NOT NULL,
  ref text NOT NULL,
  payment_id text NOT NULL REFERENCES payments(id),
  PRIMARY KEY (gateway, ref)
);
