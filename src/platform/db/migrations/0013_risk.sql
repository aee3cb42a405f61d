-- Risk engine: versioned rules, ruleset snapshots, stored decisions (explainable and replayable),
-- allow/block lists (the core's blacklist becomes the block list), per-entity rule snoozes.
CREATE TABLE risk_rules (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  version int NOT NULL,
  expression text NOT NULL,
  events text[] NOT NULL,
  action text NOT NULL CHECK (action IN ('block','review','allow','score')),
  score int NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
  side_actions text[] NOT NULL DEFAULT '{}',
  mode text NOT NULL CHECK (mode IN ('active','shadow')),
  enabled boolean NOT NULL DEFAULT true,
  builtin text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX risk_rules_name_idx ON risk_rules (lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE risk_rule_versions (
  rule_id text NOT NULL REFERENCES risk_rules(id),
  version int NOT NULL,
  name text NOT NULL,
  expression text NOT NULL,
  events text[] NOT NULL,
  action text NOT NULL,
  score int NOT NULL,
  side_actions text[] NOT NULL,
  mode text NOT NULL,
  enabled boolean NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, version)
);

-- Every change to any rule makes a new ruleset version: the exact rules a decision was made with.
CREATE TABLE risk_rulesets (
  version int PRIMARY KEY,
  rules jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE risk_decisions (
  id text PRIMARY KEY,
  kind text NOT NULL,
  subject_id text,
  decision text NOT NULL CHECK (decision IN ('allow','review','block')),
  score int NOT NULL,
  reasons jsonb NOT NULL,
  actions jsonb NOT NULL DEFAULT '[]'::jsonb,
  shadow jsonb NOT NULL DEFAULT '[]'::jsonb,
  features jsonb NOT NULL,
  ruleset_version int NOT NULL,
  label text CHECK (label IN ('fraud','legit')),
  label_reason text,
  labelled_by text,
  labelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_decisions_created_idx ON risk_decisions (created_at DESC);
CREATE INDEX risk_decisions_subject_idx ON risk_decisions (subject_id);
CREATE INDEX risk_decisions_kind_idx ON risk_decisions (kind, created_at DESC);

CREATE TABLE risk_list_entries (
  id text PRIMARY KEY,
  list text NOT NULL CHECK (list IN ('allow','block')),
  kind text NOT NULL CHECK (kind IN ('ip','email','email_domain','bin','card_fingerprint','device','platform_user','asn','country','phone','customer')),
  value text NOT NULL,
  reason text NOT NULL,
  expires_at timestamptz,
  source text NOT NULL DEFAULT 'staff',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  removed_by text
);
CREATE INDEX risk_list_entries_lookup_idx ON risk_list_entries (kind, value) WHERE removed_at IS NULL;

-- The core's blacklist becomes the block list.
INSERT INTO risk_list_entries (id, list, kind, value, reason, expires_at, source, created_by, created_at, removed_at, removed_by)
  SELECT id, 'block', kind, value, reason, expires_at, 'staff', created_by, created_at, removed_at, removed_by FROM blacklist;
DROP TABLE blacklist;

CREATE TABLE risk_snoozes (
  id text PRIMARY KEY,
  rule_id text NOT NULL REFERENCES risk_rules(id),
  kind text NOT NULL,
  value text NOT NULL,
  until timestamptz NOT NULL,
  reason text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz
);

-- What a checkout decision needs that only the storefront knows.
ALTER TABLE orders ADD COLUMN device_id text;
ALTER TABLE orders ADD COLUMN checkout_ms int;
