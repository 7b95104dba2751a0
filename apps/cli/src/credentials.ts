import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Auth } from "./api-client.js";

/** What `conclave login` keeps between runs. */
export interface Credentials {
  url: string;
  username: string;
  auth: Auth;
}

/** ~/.config/conclave/credentials.json, or under $XDG_CONFIG_HOME when set. */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "conclave", "credentials.json");
}

export async function loadCredentials(path: string): Promise<Credentials | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Credentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes the file 0600 in a 0700 directory: it holds a session cookie or an API token. */
export async function saveCredentials(path: string, credentials: Credentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file.
  await chmod(path, 0o600);
}

export async function deleteCredentials(path: string): Promise<void> {
  await rm(path, { force: true });
}
