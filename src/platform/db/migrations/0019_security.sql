-- Security monitor: detected attack patterns (one row per continuing pattern from one source, updated while
-- it goes on) and IP/subnet blocks enforced by the HTTP hook (refreshed into memory every second).
CREATE TABLE security_events (
  id text PRIMARY KEY,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info','warning','critical')),
  -- what the detector counted by: 'ip:1.2.3.4', 'subnet:1.2.3.0/24', 'customer:cus_…', 'subject:…'
  source text NOT NULL,
  ip text,
  subnet text,
  customer_id text,
  subject text,
  count int NOT NULL CHECK (count > 0),
  evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
  alert_id text,
  block_id text,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX security_events_created_idx ON security_events (created_at DESC, id DESC);
CREATE INDEX security_events_source_idx ON security_events (kind, source, last_seen_at DESC);
CREATE INDEX security_events_ip_idx ON security_events (ip, created_at DESC);

CREATE TABLE ip_blocks (
  id text PRIMARY KEY,
  -- normalized network address and prefix ('203.0.113.0/24', '2001:db8::/64'); one address is /32 or /128
  cidr text NOT NULL,
  family smallint NOT NULL CHECK (family IN (4, 6)),
  -- 'public': the customer-facing surface; 'all': staff routes (/v1/admin, /v1/staff, /console) too
  scope text NOT NULL DEFAULT 'public' CHECK (scope IN ('public','all')),
  reason text NOT NULL,
  created_by text NOT NULL,
  event_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  removed_at timestamptz,
  removed_by text
);
CREATE INDEX ip_blocks_active_idx ON ip_blocks (created_at DESC) WHERE removed_at IS NULL;
