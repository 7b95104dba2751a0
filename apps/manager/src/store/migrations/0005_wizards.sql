-- Wizards (issue 7): long cluster changes run as persisted state machines of idempotent steps,
-- resumed after a manager restart at the step they were in. No secrets in any column:
-- keystores are referred to by id.

CREATE TABLE wizards (
  id text PRIMARY KEY,
  kind text NOT NULL,
  cluster text NOT NULL,
  -- awaitingAcknowledgement, blocked, running, paused, failed, completed, cancelled,
  -- rollingBack, rolledBack (WizardStateSchema).
  state text NOT NULL,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- [{name, title, status, startedAt, finishedAt, evidence, error}] in run order.
  steps jsonb NOT NULL DEFAULT '[]'::jsonb,
  findings jsonb NOT NULL DEFAULT '[]'::jsonb,
  report jsonb,
  -- What rollback restores (each realm's previous interfaces, the cluster's member list) and
  -- what the steps decided on the way (ports, keystore ids, cut-over order).
  snapshot jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- 'cancel' or 'rollback' while rolling back: which terminal state to end in.
  ending text,
  -- Which engine instance drives the wizard, and until when its claim holds (replicas).
  runner text,
  lease_until timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One wizard at a time per cluster: a second insert for the same cluster fails (409).
CREATE UNIQUE INDEX wizards_one_active_per_cluster ON wizards (cluster)
  WHERE state IN ('awaitingAcknowledgement', 'running', 'paused', 'failed', 'rollingBack');

CREATE INDEX wizards_created_at ON wizards (created_at DESC);
