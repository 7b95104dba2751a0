-- Keystores/truststores and private certificate authorities (issue 5).
-- Stores are kept parsed, not as uploaded files: certificate metadata in plain columns (for
-- listing and expiry queries), passwords and private keys sealed with the master key
-- (SecretBox, AES-256-GCM, bound to the row and field). Files are written on demand.

CREATE TABLE keystores (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('jks', 'pkcs12', 'pem')),
  source_format text NOT NULL CHECK (source_format IN ('jks', 'jceks', 'pkcs12', 'pem', 'new')),
  -- SecretBox context: keystore:<id>:password
  password_sealed text NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE keystore_entries (
  id text PRIMARY KEY,
  keystore_id text NOT NULL REFERENCES keystores (id) ON DELETE CASCADE,
  -- Keeps entries in the order they were read or added.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  alias text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('privateKey', 'trustedCertificate')),
  -- SecretBox context: keystore_entry:<id>:private_key. NULL for trusted certificates.
  private_key_sealed text,
  -- The certificate chain, leaf first (public data); empty while a CSR awaits its reply.
  chain_pem text NOT NULL,
  -- The last CSR generated for a key entry (public data).
  csr_pem text,
  subject text NOT NULL,
  issuer text,
  serial text,
  sha256 text,
  not_before timestamptz,
  not_after timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'privateKey') = (private_key_sealed IS NOT NULL))
);
-- Aliases compare case-insensitively, as in Java.
CREATE UNIQUE INDEX keystore_entries_alias ON keystore_entries (keystore_id, lower(alias));
CREATE INDEX keystore_entries_not_after ON keystore_entries (not_after);

CREATE TABLE certificate_authorities (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  parent_id text REFERENCES certificate_authorities (id) ON DELETE RESTRICT,
  -- This CA's certificate followed by its issuers up to the root (public data).
  chain_pem text NOT NULL,
  -- SecretBox context: certificate_authority:<id>:private_key
  private_key_sealed text NOT NULL,
  subject text NOT NULL,
  serial text NOT NULL,
  sha256 text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every certificate a CA signed: keeps serials unique per CA and records what was issued.
CREATE TABLE ca_issued_certificates (
  ca_id text NOT NULL REFERENCES certificate_authorities (id) ON DELETE CASCADE,
  serial text NOT NULL,
  subject text NOT NULL,
  sha256 text NOT NULL,
  not_after timestamptz NOT NULL,
  issued_by text,
  issued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ca_id, serial)
);
