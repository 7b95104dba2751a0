import type { LoginResponse, SessionInfo } from "@conclave/protocol";
import { ApiClient } from "../api-client.js";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { deleteCredentials, saveCredentials } from "../credentials.js";
import { ExitCode } from "../exit-codes.js";
import { readStdin } from "../read-secret.js";
import { passwordFlags, passwordOptions, readPasswordOption } from "./read-password-option.js";

/** login, logout, whoami. */
export const sessionCommands: Command[] = [
  {
    path: ["login"],
    summary:
      "Sign in and keep the session (or an API token) in ~/.config/conclave/credentials.json",
    options: {
      username: { type: "string", short: "u" },
      ...passwordOptions("password"),
      "token-stdin": { type: "boolean" },
    },
    flags: {
      username: 'The user to sign in as (default "admin")',
      ...passwordFlags("password", "password"),
      "token-stdin": "Store an API token read from stdin instead of signing in with a password",
    },
    async run(ctx) {
      if (ctx.values["token-stdin"]) {
        const token = await readStdin(ctx.io);
        const client = new ApiClient(ctx.baseUrl, { kind: "token", token });
        const info = await client.get<SessionInfo>("/session");
        await saveCredentials(ctx.credentialsFile, {
          url: ctx.baseUrl,
          username: info.user.username,
          auth: { kind: "token", token },
        });
        ctx.print(
          info,
          () =>
            `Signed in to ${ctx.baseUrl} as ${info.user.username} (${info.user.role}) with an API token.`,
        );
        return;
      }
      const username = (ctx.values.username as string | undefined) ?? "admin";
      const password = (await readPasswordOption(ctx, "password", `Password for ${username}: `))!;
      const res = await ctx
        .anonymous()
        .send("POST", "/session", { json: { username, password } })
        .catch((error: unknown) => {
          // A wrong password is the login failing: exit 3, with the manager's message.
          if (error instanceof CliError && error.apiCode === "unauthenticated") {
            throw new CliError(
              error.message.replace(/\. Sign in with .*$/, ""),
              ExitCode.Auth,
              error.apiCode,
            );
          }
          throw error;
        });
      const cookie = res.headers
        .getSetCookie()
        .find((c) => c.startsWith("conclave_session="))
        ?.split(";")[0];
      const body = (await res.json()) as LoginResponse;
      if (!cookie) throw new CliError("The manager set no session cookie", ExitCode.ApiError);
      await saveCredentials(ctx.credentialsFile, {
        url: ctx.baseUrl,
        username: body.user.username,
        auth: { kind: "session", cookie, csrfToken: body.csrfToken },
      });
      // Never the csrf token or the cookie: print who signed in.
      ctx.print(
        { user: body.user },
        () => `Signed in to ${ctx.baseUrl} as ${body.user.username} (${body.user.role}).`,
      );
    },
  },
  {
    path: ["logout"],
    summary: "End the stored session and forget the stored credentials",
    async run(ctx) {
      const stored = ctx.stored;
      if (stored?.auth.kind === "session") {
        // The session ends on the manager too; if it is unreachable or already expired the local
        // copy is still removed.
        await new ApiClient(stored.url, stored.auth)
          .send("DELETE", "/session")
          .catch(() => undefined);
      }
      await deleteCredentials(ctx.credentialsFile);
      ctx.print({ signedOut: Boolean(stored) }, () =>
        stored ? `Signed out of ${stored.url}.` : "Not signed in.",
      );
    },
  },
  {
    path: ["whoami"],
    summary: "Show the signed-in user and how it authenticated",
    async run(ctx) {
      const info = await ctx.api().get<SessionInfo>("/session");
      ctx.print(
        { ...info, csrfToken: info.csrfToken ? "[REDACTED]" : null },
        () =>
          `${info.user.username} (${info.user.role}) on ${ctx.baseUrl}, by ${info.authenticatedBy}`,
      );
    },
  },
];
