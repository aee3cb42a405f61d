-- Customers (issue 4): sign-up, login with a second factor (SMS, TOTP, passkey, recovery codes), sessions,
-- step-up, lockout. Personal data is encrypted with the FieldCipher ("v1:<keyId>:…", so keys can rotate);
-- e-mail and phone also get a keyed blind index (HMAC-SHA256 of the normalized value) for lookup and
-- uniqueness. One-time codes, recovery codes and session tokens are stored as keyed hashes only.
-- Every time comparison takes "now" from the application's clock (a parameter), never now(), so tests can
-- move time; the column defaults are only for rows written without one.
CREATE TABLE customers (
  id text PRIMARY KEY,
  email_bidx text NOT NULL,
  email_enc text NOT NULL,
  phone_bidx text NOT NULL,
  phone_enc text NOT NULL,
  phone_verified_at timestamptz,
  name_enc text,
  address_enc text,
  document_enc text,
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','blocked')),
  -- the customer's id in the company's internal accounting system (set by the module that links them)
  external_ref text,
  totp_secret_enc text,
  totp_confirmed_at timestamptz,
  -- the last TOTP time step accepted: a code is single use (codes at or before it are refused)
  totp_last_step bigint,
  -- an enrolment waiting for its first valid code
  totp_pending_enc text,
  totp_pending_attempts int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email_bidx_idx ON customers (email_bidx);
CREATE UNIQUE INDEX customers_phone_bidx_idx ON customers (phone_bidx);
CREATE UNIQUE INDEX customers_external_ref_idx ON customers (external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX customers_created_idx ON customers (created_at DESC, id DESC);

CREATE TABLE customer_status_history (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_status_history_customer_idx ON customer_status_history (customer_id, at);

CREATE TABLE customer_sessions (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  -- SHA-256 of the opaque token; the token itself is never stored
  token_hash text NOT NULL,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- the last fresh second factor on this session (login or step-up)
  step_up_at timestamptz,
  ended_at timestamptz,
  end_reason text
);
CREATE UNIQUE INDEX customer_sessions_token_idx ON customer_sessions (token_hash);
CREATE INDEX customer_sessions_customer_idx ON customer_sessions (customer_id, created_at DESC);

-- One second-factor challenge: a login, the sign-up phone check, a step-up, a phone change, a passkey
-- registration. At most 5 verification attempts (counted atomically), completed once.
CREATE TABLE customer_challenges (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  purpose text NOT NULL CHECK (purpose IN ('signup','login','step_up','change_phone','passkey_register')),
  session_id text REFERENCES customer_sessions(id),
  methods jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- the SMS code (keyed hash) and when it stops working
  code_hash text,
  code_expires_at timestamptz,
  sms_sent int NOT NULL DEFAULT 0,
  last_sms_at timestamptz,
  -- WebAuthn challenge (base64url) of the passkey ceremony started for this challenge
  webauthn_challenge text,
  -- change_phone: the new number (encrypted) and its blind index
  new_phone_enc text,
  new_phone_bidx text,
  attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ip text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  completed_at timestamptz,
  completed_method text
);
CREATE INDEX customer_challenges_customer_idx ON customer_challenges (customer_id, created_at DESC);

CREATE TABLE customer_passkeys (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  credential_id text NOT NULL,
  public_key text NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports jsonb NOT NULL DEFAULT '[]'::jsonb,
  name text NOT NULL,
  device_type text,
  backed_up boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE UNIQUE INDEX customer_passkeys_credential_idx ON customer_passkeys (credential_id);
CREATE INDEX customer_passkeys_customer_idx ON customer_passkeys (customer_id);

CREATE TABLE customer_recovery_codes (
  customer_id text NOT NULL REFERENCES customers(id),
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, code_hash)
);

-- Failure counter with escalating lockout, per account ('cus_…') and, for logins that match no account,
-- per login name ('login:<blind index>'): both behave the same, so a lockout tells nothing about existence.
CREATE TABLE customer_auth_failures (
  subject text PRIMARY KEY,
  failures int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_failure_at timestamptz NOT NULL
);

-- The dev SMS outbox (SMS_PROVIDER=outbox): what would have been sent, encrypted, shown in the console.
CREATE TABLE sms_outbox (
  id text PRIMARY KEY,
  to_enc text NOT NULL,
  body_enc text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sms_outbox_created_idx ON sms_outbox (created_at DESC, id DESC);
