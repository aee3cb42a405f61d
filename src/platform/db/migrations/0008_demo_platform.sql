-- Demo platform: a stand-in for the external video/game platform. Its own tables; Tollgate code never reads them.
-- User ids: 6-32 chars of [a-z0-9_.], starting and ending with a letter or digit (e.g. "alice.gamer").
CREATE TABLE demo_platform_users (
  user_id text PRIMARY KEY CHECK (user_id ~ '^[a-z0-9][a-z0-9_.]{4,30}[a-z0-9]$'),
  display_name text NOT NULL,
  coins bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
  is_seller boolean NOT NULL DEFAULT false,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demo_platform_users_name_idx ON demo_platform_users (lower(display_name));

-- note: the free-text note/reference typed by the sender (Tollgate puts its order reference here).
-- idempotency_key: namespaced ("api:<key>" for the partner API, "ui:<form token>" for the web form); UNIQUE
-- makes a replayed request find the first transfer instead of sending twice, also under concurrency.
CREATE TABLE demo_platform_transfers (
  id text PRIMARY KEY,
  from_user_id text NOT NULL REFERENCES demo_platform_users(user_id),
  to_user_id text NOT NULL REFERENCES demo_platform_users(user_id),
  coins bigint NOT NULL CHECK (coins > 0),
  note text NOT NULL DEFAULT '',
  idempotency_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_user_id <> to_user_id)
);
CREATE INDEX demo_platform_transfers_note_idx ON demo_platform_transfers (from_user_id, note);
CREATE INDEX demo_platform_transfers_from_idx ON demo_platform_transfers (from_user_id, created_at DESC);

-- token_hash: sha256 of the session cookie value (the cookie itself is never stored).
CREATE TABLE demo_platform_sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES demo_platform_users(user_id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX demo_platform_sessions_expires_idx ON demo_platform_sessions (expires_at);
