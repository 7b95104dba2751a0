import type { Health, HealthSummary } from "@conclave/protocol";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { renderFields } from "../render-table.js";

/** health: liveness without credentials, plus the summary when signed in. */
export const healthCommands: Command[] = [
  {
    path: ["health"],
    summary:
      "Is the manager up and its store reachable? With a login, also agents, realms and interfaces",
    async run(ctx) {
      let health: Health;
      try {
        health = await ctx.anonymous().get<Health>("/health");
      } catch (error) {
        // 503 still carries the Health body's meaning: the store is unreachable.
        if (error instanceof CliError && error.exitCode === ExitCode.ApiError) {
          ctx.print({ status: "unavailable" }, () => `manager: unavailable (${error.message})`);
          return ExitCode.ApiError;
        }
        throw error;
      }
      let summary: HealthSummary | undefined;
      const signedIn = Boolean(ctx.env.CONCLAVE_TOKEN || ctx.stored);
      if (signedIn)
        summary = await ctx
          .api()
          .get<HealthSummary>("/health/summary")
          .catch(() => undefined);
      ctx.print(summary ? { ...health, summary } : health, () => {
        const fields: [string, unknown][] = [
          ["manager", `${health.status} at ${ctx.baseUrl}`],
          ["store", health.checks.store],
        ];
        if (summary) {
          fields.push(
            ["overall", summary.status],
            ["agents", `${summary.agents.connected}/${summary.agents.total} connected`],
            ["realms", `${summary.realms.running}/${summary.realms.total} running`],
            [
              "interfaces",
              `${summary.interfaces.running} running, ${summary.interfaces.stopped} stopped, ${summary.interfaces.error} in error (of ${summary.interfaces.total})`,
            ],
            [
              "max clock skew",
              summary.maxClockSkewMs === null ? null : `${summary.maxClockSkewMs} ms`,
            ],
          );
        }
        return renderFields(fields);
      });
    },
  },
];
