-- The cluster trust store (issue 7): the truststore whose CAs every member checks its peers'
-- certificates against on TLS links. The manager sends it with every member list it pushes;
-- NULL: links may be encrypted but peer certificates are not verified. A truststore in use
-- here cannot be deleted.

ALTER TABLE clusters ADD COLUMN trust_truststore_id text REFERENCES keystores (id);
