-- Foundation: users, sessions, API tokens, login throttling, audit log, manager metadata.
-- Later features add their tables in their own migrations.

-- Usernames are stored in lower case (the API lower-cases them), so plain UNIQUE is enough.
CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The cookie carries a random session id; only its SHA-256 is stored, so reading the table
-- does not let anyone take over a session.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Tokens are 256-bit random values, so a fast hash (SHA-256) is safe here; argon2 is for
-- low-entropy passwords.
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at timestamptz
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- Failed logins per username and client address. In the store, not in memory, so that
-- replicas behind a load balancer share one count and a restart does not reset it.
CREATE TABLE login_throttle (
  username text NOT NULL,
  ip text NOT NULL,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (username, ip)
);

-- No foreign key to users: the record of what a user did outlives the user.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id text,
  username text,
  action text NOT NULL,
  target text,
  before jsonb,
  after jsonb,
  ip text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_username ON audit_log (username, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

-- Small facts about this installation, e.g. the value that proves the master key is the one
-- that sealed the stored secrets.
CREATE TABLE manager_meta (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
