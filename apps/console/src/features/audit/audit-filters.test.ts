import { describe, expect, it } from "vitest";
import { EMPTY_AUDIT_FILTERS, toAuditQuery } from "./audit-filters";
import { auditOutcome } from "./audit-outcome";

describe("toAuditQuery", () => {
  it("asks for the newest page when nothing is filtered", () => {
    expect(toAuditQuery(EMPTY_AUDIT_FILTERS, 50)).toEqual({ query: { limit: 50 } });
  });

  it("maps the operator's words to the API's filters and times to instants", () => {
    const since = "2026-11-20T08:30";
    const until = "2026-11-21T08:30";
    expect(
      toAuditQuery({ actor: " Alice ", action: "user.*", resource: "user:bob", since, until }, 25),
    ).toEqual({
      query: {
        user: "alice",
        action: "user.*",
        target: "user:bob",
        since: new Date(since).toISOString(),
        until: new Date(until).toISOString(),
        limit: 25,
      },
    });
  });

  it("refuses a time range that ends before it starts", () => {
    expect(
      toAuditQuery(
        { ...EMPTY_AUDIT_FILTERS, since: "2026-11-21T08:30", until: "2026-11-20T08:30" },
        50,
      ),
    ).toEqual({ errors: { until: "Until must be later than Since" } });
  });

  it("refuses an unreadable time", () => {
    expect(toAuditQuery({ ...EMPTY_AUDIT_FILTERS, since: "yesterday-ish" }, 50).errors).toEqual({
      since: "Enter a date and time",
    });
  });
});

describe("auditOutcome", () => {
  it("reads failed actions as failures and everything else as done", () => {
    expect(auditOutcome({ action: "session.login_failed" })).toBe("failed");
    expect(auditOutcome({ action: "session.login" })).toBe("succeeded");
    expect(auditOutcome({ action: "user.create" })).toBe("succeeded");
  });
});
