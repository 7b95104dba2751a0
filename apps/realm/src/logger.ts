/** Fields of a log line; never put a password or key material here. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** One JSON line per notable event, on stdout. */
export interface Logger {
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
  error(event: string, message: string, fields?: LogFields): void;
}

/** A logger that writes JSON lines (`time`, `level`, `event`, `msg`, fields) to `write`. */
export function createLogger(
  realm: string,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit = (level: string, event: string, message: string, fields?: LogFields) => {
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, realm, event, msg: message, ...fields })}\n`,
    );
  };
  return {
    info: (event, message, fields) => emit("info", event, message, fields),
    warn: (event, message, fields) => emit("warn", event, message, fields),
    error: (event, message, fields) => emit("error", event, message, fields),
  };
}
