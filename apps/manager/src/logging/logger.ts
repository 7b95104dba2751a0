import { redact, redactString } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured fields of a log line. Secrets in them are redacted before writing. */
export type LogFields = Record<string, unknown>;

/** A small JSON-lines logger; every line goes through `redact` first. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass a function to capture them. */
  write?: (line: string) => void;
  /** Fields on every line. */
  base?: LogFields;
}

/** Creates the process logger: one JSON object per line, `{time, level, msg, …fields}`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const make = (base: LogFields): Logger => {
    const log = (level: LogLevel, message: string, fields?: LogFields) => {
      if (LEVELS[level] < min) return;
      const safe = redact({ ...base, ...fields }) as LogFields;
      const line = { time: new Date().toISOString(), level, msg: redactString(message), ...safe };
      write(`${JSON.stringify(line)}\n`);
    };
    return {
      debug: (message, fields) => log("debug", message, fields),
      info: (message, fields) => log("info", message, fields),
      warn: (message, fields) => log("warn", message, fields),
      error: (message, fields) => log("error", message, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}
