import type { CertificateAuthorityList, KeystoreList } from "@conclave/protocol";
import type { ApiClient } from "../api-client.js";
import { CliError } from "../cli-error.js";
import { ExitCode } from "../exit-codes.js";

/** A keystore's id from its id or its name (names are what operators remember). */
export async function resolveKeystore(api: ApiClient, idOrName: string): Promise<string> {
  const { items } = await api.get<KeystoreList>("/keystores");
  const found = items.find((k) => k.id === idOrName) ?? items.find((k) => k.name === idOrName);
  if (!found) throw new CliError(`No keystore with id or name "${idOrName}"`, ExitCode.NotFound);
  return found.id;
}

/** A certificate authority's id from its id or its name. */
export async function resolveCa(api: ApiClient, idOrName: string): Promise<string> {
  const { items } = await api.get<CertificateAuthorityList>("/pki/cas");
  const found = items.find((c) => c.id === idOrName) ?? items.find((c) => c.name === idOrName);
  if (!found)
    throw new CliError(`No certificate authority with id or name "${idOrName}"`, ExitCode.NotFound);
  return found.id;
}

/** Path segment encoding for names taken from the command line. */
export const seg = encodeURIComponent;
