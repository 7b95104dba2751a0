import type { ClusterStatus } from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import { linksPending, type MemberView } from "./cluster-operations.js";

const member = (realm: string, refusals: ClusterStatus["refusals"]): MemberView => ({
  realm,
  record: undefined,
  agent: undefined,
  reported: undefined,
  cluster: { refusals } as ClusterStatus,
});

describe("linksPending", () => {
  it("names the newest refusal each member reported since the wait began", () => {
    const since = Date.parse("2026-11-22T10:00:00Z");
    const text = linksPending(
      [
        member("realm-a", [
          { at: "2026-11-22T09:59:00Z", peer: "realm-b", remoteAddress: null, reason: "old" },
          {
            at: "2026-11-22T10:00:01Z",
            peer: "realm-b",
            remoteAddress: null,
            reason:
              "refused: the certificate realm-b serves is not trusted by the cluster trust store",
          },
        ]),
        member("realm-b", [
          { at: "2026-11-22T09:00:00Z", peer: "realm-a", remoteAddress: null, reason: "stale" },
        ]),
      ],
      2,
      3,
      since,
    );
    expect(text).toBe(
      "2 of 3 links up; realm-a: refused: the certificate realm-b serves is not trusted by the cluster trust store",
    );
  });

  it("says only the count when nobody refused anything", () => {
    expect(linksPending([member("realm-a", [])], 0, 1, 0)).toBe("0 of 1 links up");
  });
});
