/** What global-setup hands to the specs through the environment. */
export const ADMIN_PASSWORD = "e2e admin passphrase";

export function demo() {
  const url = process.env.CONCLAVE_E2E_URL;
  const basePort = Number(process.env.CONCLAVE_E2E_BASE_PORT);
  if (!url || !basePort) throw new Error("global-setup did not start Conclave");
  return { url, basePort };
}
