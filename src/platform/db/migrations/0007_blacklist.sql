CREATE TABLE blacklist (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('platform_user','email','ip','phone')),
  value text NOT NULL,
  reason text NOT NULL,
  expires_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  removed_by text
);
CREATE INDEX blacklist_lookup_idx ON blacklist (kind, value) WHERE removed_at IS NULL;
