/**
 * Exit codes scripts can rely on (documented in docs/cli.md). They never change meaning: new
 * failure kinds map onto one of these.
 */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** The manager refused or failed the request; its message is printed. */
  ApiError: 1,
  /** The command line is wrong (unknown command or flag, missing argument). */
  Usage: 2,
  /** Not signed in, the session or token is no longer valid, or the login failed. */
  Auth: 3,
  /** The realm, keystore, CA, cluster… (or the API route) does not exist. */
  NotFound: 4,
  /** The manager could not be reached at all. */
  Unreachable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
