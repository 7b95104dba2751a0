import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import { type RealmConfig, RealmConfigSchema } from "@conclave/protocol";
import { ConfigError } from "../errors.js";
import { formatZodError } from "./format-zod-error.js";
import { readRealmConfigFile, writeRealmConfigFile } from "./realm-config-file.js";

export const REALM_CONFIG_FILE = "realm.json";

/** How to prepare a data directory; see docs/realm.md "Command line". */
export interface DataDirOptions {
  dataDir: string;
  /** Realm name for a new data directory, or a check against an existing one. */
  name?: string;
  /** A realm.json to copy into a new data directory. */
  seedConfigPath?: string;
}

/**
 * Creates the data directory on first start (mode 0700) and returns the realm's configuration:
 * `<data>/realm.json` when it exists, else one seeded from `--config` and/or `--name`.
 */
export async function prepareDataDir(
  options: DataDirOptions,
): Promise<{ config: RealmConfig; created: boolean }> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dataDir, REALM_CONFIG_FILE);
  if (await exists(configFile)) {
    const config = await readRealmConfigFile(configFile);
    if (options.name && options.name !== config.name) {
      throw new ConfigError(
        `Data directory ${dataDir} belongs to realm ${config.name}, not ${options.name}; ` +
          `drop --name or point --data at another directory`,
      );
    }
    return { config, created: false };
  }
  let config: RealmConfig;
  if (options.seedConfigPath) {
    config = await readRealmConfigFile(path.resolve(options.seedConfigPath));
    if (options.name) config = { ...config, name: options.name };
  } else if (options.name) {
    const parsed = RealmConfigSchema.safeParse({ name: options.name });
    if (!parsed.success) throw new ConfigError(`--name: ${formatZodError(parsed.error)}`);
    config = parsed.data;
  } else {
    throw new ConfigError(
      `${configFile} does not exist; start the realm once with --name <realm> or --config <realm.json> to create it`,
    );
  }
  await writeRealmConfigFile(configFile, config);
  return { config, created: true };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
