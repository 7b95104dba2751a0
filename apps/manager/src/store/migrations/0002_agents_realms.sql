-- Node agents, their enrolment, the manager's internal CA, and the desired state of realms.

-- The internal CA that signs agent certificates, and the certificates the manager itself
-- presents to agents. Private keys are sealed with the master key (SecretBox).
CREATE TABLE internal_pki (
  name text PRIMARY KEY,              -- 'ca' | 'manager-client'
  certificate_pem text NOT NULL,
  private_key_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One-time enrolment tokens: only a hash of the secret is kept.
CREATE TABLE agent_enrolment_tokens (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  note text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  agent_id text
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  hostname text NOT NULL,
  addresses jsonb NOT NULL DEFAULT '[]'::jsonb,
  url text,
  version text,
  certificate_pem text NOT NULL,
  certificate_serial text NOT NULL,
  certificate_fingerprint text NOT NULL UNIQUE,
  certificate_not_after timestamptz NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  connected boolean NOT NULL DEFAULT false,
  clock_skew_ms double precision,
  -- The latest report (realm processes, status and redacted configuration).
  last_report jsonb,
  -- Differences between the desired state and the latest report ("synchronise node").
  drift jsonb NOT NULL DEFAULT '[]'::jsonb
);

-- Desired state: which realm runs on which agent, with which interfaces (REST form: key
-- material is referenced by keystore id, never stored here).
CREATE TABLE realms (
  name text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  interfaces jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX realms_agent_id ON realms (agent_id);
