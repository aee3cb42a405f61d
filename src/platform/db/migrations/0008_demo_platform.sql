-- Demo platform: a stand-in for the external video/game platform. Its own tables; Tollgate code never reads them.
CREATE TABLE demo_platform_users (
  user_id text PRIMARY KEY,
  display_name text NOT NULL,
  coins bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
  is_seller boolean NOT NULL DEFAULT false,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE demo_platform_transfers (
  id text PRIMARY KEY,
  from_user_id text NOT NULL REFERENCES demo_platform_users(user_id),
  to_user_id text NOT NULL REFERENCES demo_platform_users(user_id),
  coins bigint NOT NULL CHECK (coins > 0),
  note text NOT NULL DEFAULT '',
  idempotency_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demo_platform_transfers_note_idx ON demo_platform_transfers (note);

CREATE TABLE demo_platform_sessions (
  token text PRIMARY KEY,
  user_id text NOT NULL REFERENCES demo_platform_users(user_id),
  created_at timestamptz NOT NULL DEFAULT now()
);
