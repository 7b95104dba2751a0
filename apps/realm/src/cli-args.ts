import { parseArgs } from "node:util";
import { ConfigError } from "./errors.js";

/** The realm's command line; see docs/realm.md "Command line". */
export interface CliArgs {
  dataDir: string;
  name?: string;
  seedConfigPath?: string;
  fsync: boolean;
  help: boolean;
}

export const USAGE = `Usage: node apps/realm/dist/main.js --data <dir> [--name <realm>] [--config <realm.json>] [--fsync always|never]

  --data <dir>            data directory: realm.json, identity key pair, channel logs, admin.sock
                          (created on first start)
  --name <realm>          realm name for a new data directory (checked against an existing one)
  --config <realm.json>   configuration to copy into a new data directory (ignored once
                          <dir>/realm.json exists)
  --fsync always|never    always (default): acknowledge a publish after fdatasync;
                          never: after the write reaches the OS (faster, loses the last
                          acknowledged events if the host crashes)
  --help                  show this text`;

/** Parses argv (without node and script), or throws a {@link ConfigError} that says what is wrong. */
export function parseCliArgs(argv: string[]): CliArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: "string" },
        name: { type: "string" },
        config: { type: "string" },
        fsync: { type: "string", default: "always" },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return { dataDir: "", fsync: true, help: true };
  if (typeof values.data !== "string" || !values.data) {
    throw new ConfigError(`--data <dir> is required\n${USAGE}`);
  }
  if (values.fsync !== "always" && values.fsync !== "never") {
    throw new ConfigError(`--fsync must be always or never, not ${String(values.fsync)}`);
  }
  return {
    dataDir: values.data,
    name: values.name as string | undefined,
    seedConfigPath: values.config as string | undefined,
    fsync: values.fsync === "always",
    help: false,
  };
}
