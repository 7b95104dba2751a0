import type { PreflightFinding } from "@conclave/protocol";
import { HttpError, type HttpErrorDetails } from "../../http/errors.js";

/**
 * 422: pre-flight found errors. The answer lists every finding in `details.findings` (and as
 * `details.issues` for clients that only know those), so the operator fixes all in one go.
 */
export class PreflightError extends HttpError {
  constructor(
    readonly findings: PreflightFinding[],
    what: string,
  ) {
    const errors = findings.filter((f) => f.severity === "error");
    const first = errors[0];
    const details: HttpErrorDetails & { findings: PreflightFinding[] } = {
      findings,
      issues: errors.map((f) => ({
        path: ["body", "realms", ...(f.realm ? [f.realm] : [])],
        message: `${f.problem}. Fix: ${f.fix}`,
        code: `preflight.${f.check}`,
      })),
    };
    super(
      422,
      "invalid_input",
      `${what}: pre-flight found ${errors.length} problem${errors.length === 1 ? "" : "s"}` +
        (first ? `; first: ${first.problem}. Fix: ${first.fix}` : ""),
      details,
    );
  }
}
