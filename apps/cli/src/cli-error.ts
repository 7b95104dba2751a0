import { ExitCode } from "./exit-codes.js";

/** A failure to report on stderr with its exit code; `message` is shown as is. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The API's machine-readable error code, when the manager answered with one. */
    readonly apiCode?: string,
  ) {
    super(message);
  }
}

/** The command line is wrong: exit 2. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}
