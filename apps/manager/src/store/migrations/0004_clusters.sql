-- Clusters (issue 5): the membership the manager distributed to every member realm. The
-- realms' own view (master, links, quorum) comes from the agents' reports, not from here.

CREATE TABLE clusters (
  name text PRIMARY KEY,
  -- [{realm, addresses, publicKey, identityFingerprintSha256}]: the list every member holds.
  -- Identity public keys are public data.
  members jsonb NOT NULL DEFAULT '[]'::jsonb,
  sites jsonb NOT NULL DEFAULT '[]'::jsonb,
  prime_site text,
  -- The status last derived from reports (Forming, Active, Degraded, NoQuorum).
  status text NOT NULL DEFAULT 'Forming',
  -- False from creation (or a membership change) until the members first converge: until
  -- then the cluster shows Forming rather than NoQuorum.
  converged boolean NOT NULL DEFAULT false,
  membership_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
