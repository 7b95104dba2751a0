import { PassThrough } from "node:stream";
import type { Wizard, WizardReport } from "@conclave/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExitCode } from "../exit-codes.js";
import { runCli } from "../run-cli.js";

// The manager's wizard routes are being written at the same time as these commands, so the
// tests answer them with a stubbed fetch that follows the REST contract (packages/protocol
// rest/wizards.ts) instead of a manager process. TODO: move to cli.process.test.ts once
// apps/manager serves /api/v1/wizards.

const T = "2026-11-22T20:00:00.000Z";
const ENV = {
  HOME: "/nonexistent-conclave-home",
  CONCLAVE_TOKEN: "tok",
  CONCLAVE_URL: "http://m.test",
};

type Answer = unknown | [number, unknown] | ((body: unknown) => unknown);

interface Call {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

function manager(routes: Record<string, Answer>) {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = new URL(String(input));
      const method = init?.method ?? "GET";
      const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
      calls.push({
        method,
        path: url.pathname,
        body,
        headers: init?.headers as Record<string, string>,
      });
      let answer = routes[`${method} ${url.pathname}`];
      if (typeof answer === "function") answer = answer(body);
      const [status, json] =
        answer === undefined
          ? [
              404,
              { error: { code: "not_found", message: `No API route ${method} ${url.pathname}` } },
            ]
          : Array.isArray(answer) && typeof answer[0] === "number"
            ? answer
            : [200, answer];
      return new Response(JSON.stringify(json), {
        status,
        headers: { "content-type": "application/json" },
      });
    }),
  );
  return calls;
}

async function conclave(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdin: new PassThrough() },
    ENV,
  );
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function wizard(patch: Partial<Wizard> = {}): Wizard {
  const step = (name: string, title: string, status: Wizard["steps"][number]["status"]) => ({
    name,
    title,
    status,
    startedAt: status === "pending" ? null : T,
    finishedAt: status === "done" ? T : null,
    evidence: [],
    error: null,
  });
  return {
    id: "w1",
    kind: "encrypt-inter-realm",
    cluster: "cluster-a",
    state: "running",
    options: {},
    steps: [
      step("preflight", "Pre-flight checks", "done"),
      step("stage", "Stage keystores and interfaces", "running"),
      step("probe", "Probe TLS handshakes", "pending"),
    ],
    findings: [],
    report: null,
    createdBy: "admin",
    createdAt: T,
    updatedAt: T,
    ...patch,
  };
}

/** Answers each GET with the next wizard of `states`, then keeps answering the last. */
function sequence(wizards: Wizard[]) {
  let i = 0;
  return () => wizards[Math.min(i++, wizards.length - 1)];
}

const posts = (calls: Call[]) => calls.filter((c) => c.method === "POST");

afterEach(() => vi.unstubAllGlobals());

describe("conclave wizard encrypt", () => {
  it("posts only the cluster when no choice is given (the manager applies the defaults)", async () => {
    const calls = manager({ "POST /api/v1/wizards": [201, { id: "w1" }] });
    const run = await conclave("wizard", "encrypt", "--cluster", "cluster-a");
    expect(run).toMatchObject({ code: ExitCode.Ok, stderr: "" });
    expect(run.stdout).toContain("Started wizard w1 on cluster-a");
    expect(run.stdout).toContain("conclave wizard status w1 --follow");
    expect(posts(calls)).toMatchObject([
      {
        path: "/api/v1/wizards",
        body: { kind: "encrypt-inter-realm", cluster: "cluster-a", options: {} },
        headers: { authorization: "Bearer tok" },
      },
    ]);
  });

  it("maps the flags, resolving keystore names to ids with one listing", async () => {
    const calls = manager({
      "GET /api/v1/keystores": {
        items: [
          { id: "ks-1", name: "realm-a-server" },
          { id: "ks-2", name: "realm-b-server" },
          { id: "ts-1", name: "cluster-trust" },
        ],
      },
      "POST /api/v1/wizards": [201, { id: "w2" }],
    });
    const run = await conclave(
      "wizard",
      "encrypt",
      "--cluster",
      "cluster-a",
      "--certificates",
      "realm-a=realm-a-server:cluster-trust,realm-b=ks-2:ts-1",
      "--plaintext",
      "loopback",
      "--no-client-interface",
      "--tls-protocols",
      "TLSv1.3",
      "--json",
    );
    expect(run.code).toBe(ExitCode.Ok);
    expect(JSON.parse(run.stdout)).toEqual({ id: "w2" });
    expect(calls.filter((c) => c.path === "/api/v1/keystores")).toHaveLength(1);
    expect(posts(calls)[0]!.body).toEqual({
      kind: "encrypt-inter-realm",
      cluster: "cluster-a",
      options: {
        certificates: {
          "realm-a": { keystoreId: "ks-1", truststoreId: "ts-1" },
          "realm-b": { keystoreId: "ks-2", truststoreId: "ts-1" },
        },
        plaintext: "loopback",
        clientInterface: false,
        protocols: ["TLSv1.3"],
      },
    });
  });

  it.each([
    [["--plaintext", "keep"], /--cluster NAME/],
    [["--cluster", "c", "--plaintext", "close"], /keep, loopback or remove/],
    [["--cluster", "c", "--certificates", "realm-a=ks"], /realm=keystore:truststore/],
    [["--cluster", "c", "--tls-protocols", "TLSv1.0"], /TLSv1\.0 is not one of/],
    [["--cluster", "c", "--interval", "soon"], /--interval/],
    [["--cluster", "no spaces allowed"], /not valid/],
  ])("refuses %j with exit 2 and sends nothing", async (flags, message) => {
    const calls = manager({});
    const run = await conclave("wizard", "encrypt", ...flags);
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(message);
    expect(calls).toEqual([]);
  });

  it("says so when the manager has no wizards API (exit 4)", async () => {
    manager({});
    const run = await conclave("wizard", "encrypt", "--cluster", "cluster-a");
    expect(run.code).toBe(ExitCode.NotFound);
    expect(run.stderr).toContain("no wizards API");
  });

  it("with --follow, starts and follows to completion (exit 0)", async () => {
    const done = wizard({ state: "completed" });
    done.steps = done.steps.map((s) => ({ ...s, status: "done" as const }));
    manager({
      "POST /api/v1/wizards": [201, { id: "w1" }],
      "GET /api/v1/wizards/w1": sequence([wizard(), done]),
    });
    const run = await conclave(
      "wizard",
      "encrypt",
      "--cluster",
      "cluster-a",
      "--follow",
      "--interval",
      "0.01",
    );
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.stdout).toContain("Probe TLS handshakes: done");
    expect(run.stdout).toContain("state: running -> completed");
  });
});

describe("conclave wizard rotate", () => {
  it("posts a rotate-credentials wizard, with the CA resolved by name", async () => {
    const calls = manager({
      "GET /api/v1/pki/cas": { items: [{ id: "ca-9", name: "Conclave Root" }] },
      "POST /api/v1/wizards": [201, { id: "r1" }],
    });
    const run = await conclave(
      "wizard",
      "rotate",
      "--cluster",
      "cluster-a",
      "--ca",
      "Conclave Root",
    );
    expect(run.code).toBe(ExitCode.Ok);
    expect(posts(calls)[0]!.body).toEqual({
      kind: "rotate-credentials",
      cluster: "cluster-a",
      options: { caId: "ca-9" },
    });
  });

  it("has no encryption-only flags", async () => {
    manager({});
    const run = await conclave("wizard", "rotate", "--cluster", "c", "--plaintext", "keep");
    expect(run.code).toBe(ExitCode.Usage);
  });
});

describe("conclave wizard status", () => {
  it("prints the state and every step with its status", async () => {
    manager({ "GET /api/v1/wizards/w1": wizard() });
    const run = await conclave("wizard", "status", "w1");
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.stdout).toMatch(/^state:\s+running$/m);
    expect(run.stdout).toMatch(/^preflight\s+done\s/m);
    expect(run.stdout).toMatch(/^stage\s+running\s/m);
    expect(run.stdout).toMatch(/^probe\s+pending\s/m);
  });

  it("prints the API's JSON with --json", async () => {
    manager({ "GET /api/v1/wizards/w1": wizard() });
    const run = await conclave("wizard", "status", "w1", "--json");
    expect(JSON.parse(run.stdout)).toEqual(wizard());
  });

  it("shows blocked findings with their fixes, and --follow exits 1", async () => {
    const blocked = wizard({
      state: "blocked",
      findings: [
        {
          id: "certificateCoverage:realm-b",
          severity: "error",
          realm: "realm-b",
          check: "certificateCoverage",
          problem: "The certificate covers localhost only; peers dial 198.18.0.6",
          fix: "Issue certificates from the private CA",
          acknowledged: false,
        },
      ],
    });
    manager({ "GET /api/v1/wizards/w1": blocked });
    const run = await conclave("wizard", "status", "w1", "--follow");
    expect(run.code).toBe(ExitCode.ApiError);
    expect(run.stdout).toContain("peers dial 198.18.0.6");
    expect(run.stdout).toContain("Issue certificates from the private CA");
    expect(run.stdout).toContain("nothing was changed");
  });

  it("--follow prints new evidence and step changes, and exits 1 when a step fails", async () => {
    const later = wizard();
    later.steps[1] = {
      ...later.steps[1]!,
      evidence: [{ at: T, realm: "realm-b", message: "nsps0 added on port 9443" }],
    };
    const failed = wizard({ state: "failed" });
    failed.steps[1] = {
      ...later.steps[1]!,
      status: "failed",
      error: "realm-b did not answer within 30 s",
    };
    manager({ "GET /api/v1/wizards/w1": sequence([wizard(), later, failed]) });
    const run = await conclave("wizard", "status", "w1", "--follow", "--interval", "0.01");
    expect(run.code).toBe(ExitCode.ApiError);
    expect(run.stdout).toMatch(/realm-b\s+nsps0 added on port 9443/);
    expect(run.stdout).toContain(
      "Stage keystores and interfaces: failed (realm-b did not answer within 30 s)",
    );
    expect(run.stdout).toContain("conclave wizard rollback w1");
  });

  it("--follow --json prints only the final wizard", async () => {
    const done = wizard({ state: "completed" });
    manager({ "GET /api/v1/wizards/w1": sequence([wizard(), done]) });
    const run = await conclave(
      "wizard",
      "status",
      "w1",
      "--follow",
      "--json",
      "--interval",
      "0.01",
    );
    expect(run.code).toBe(ExitCode.Ok);
    expect(JSON.parse(run.stdout)).toEqual(done);
  });

  it("exits 1 and says so when the answer is not a wizard", async () => {
    manager({ "GET /api/v1/wizards/w1": { id: "w1", state: "exploded" } });
    const run = await conclave("wizard", "status", "w1");
    expect(run.code).toBe(ExitCode.ApiError);
    expect(run.stderr).toContain("not a wizard");
  });

  it("exits 4 for an unknown wizard with the manager's message", async () => {
    manager({
      "GET /api/v1/wizards/nope": [
        404,
        { error: { code: "not_found", message: "No wizard nope" } },
      ],
    });
    const run = await conclave("wizard", "status", "nope");
    expect(run.code).toBe(ExitCode.NotFound);
    expect(run.stderr).toContain("No wizard nope");
  });
});

describe("conclave wizard list", () => {
  it("lists wizards newest first, one cluster's with --cluster", async () => {
    manager({
      "GET /api/v1/wizards": [
        wizard({ id: "w1", createdAt: "2026-11-20T10:00:00.000Z" }),
        wizard({ id: "w2", cluster: "cluster-b", createdAt: "2026-11-21T10:00:00.000Z" }),
        wizard({ id: "w3", state: "completed", createdAt: "2026-11-22T10:00:00.000Z" }),
      ],
    });
    const all = await conclave("wizard", "list");
    expect(all.stdout.split("\n").map((l) => l.split(/\s+/)[0])).toEqual([
      "ID",
      "w3",
      "w2",
      "w1",
      "",
    ]);
    const one = await conclave("wizard", "list", "--cluster", "cluster-a", "--json");
    expect((JSON.parse(one.stdout) as Wizard[]).map((w) => w.id)).toEqual(["w3", "w1"]);
  });
});

describe("conclave wizard pause|resume|rollback|cancel|acknowledge", () => {
  it.each(["pause", "resume", "rollback", "cancel"])(
    "%s posts to the wizard's action and prints the new state",
    async (action) => {
      const calls = manager({
        [`POST /api/v1/wizards/w1/${action}`]: [202, {}],
        "GET /api/v1/wizards/w1": wizard({ state: "paused" }),
      });
      const run = await conclave("wizard", action, "w1");
      expect(run.code).toBe(ExitCode.Ok);
      expect(posts(calls).map((c) => [c.path, c.body])).toEqual([
        [`/api/v1/wizards/w1/${action}`, undefined],
      ]);
      expect(run.stdout).toContain("wizard w1 is paused");
    },
  );

  it("acknowledge sends the chosen warnings, or {} for all", async () => {
    const calls = manager({ "POST /api/v1/wizards/w1/acknowledge": wizard() });
    expect(
      (await conclave("wizard", "acknowledge", "w1", "--finding", "expiry:realm-b")).code,
    ).toBe(ExitCode.Ok);
    expect((await conclave("wizard", "acknowledge", "w1")).code).toBe(ExitCode.Ok);
    expect(posts(calls).map((c) => c.body)).toEqual([{ findings: ["expiry:realm-b"] }, {}]);
    // The answer was the wizard: no second request to read it.
    expect(calls.filter((c) => c.method === "GET")).toEqual([]);
  });

  it("shows the manager's refusal (exit 1)", async () => {
    manager({
      "POST /api/v1/wizards/w1/resume": [
        409,
        { error: { code: "conflict", message: "A completed wizard cannot be resumed" } },
      ],
    });
    const run = await conclave("wizard", "resume", "w1");
    expect(run.code).toBe(ExitCode.ApiError);
    expect(run.stderr).toBe("conclave: A completed wizard cannot be resumed\n");
  });
});

describe("conclave wizard report", () => {
  const report: WizardReport = {
    generatedAt: T,
    links: [
      {
        from: "realm-a",
        to: "realm-b",
        protocol: "nsps",
        tlsVersion: "TLSv1.3",
        cipher: "TLS_AES_256_GCM_SHA384",
        peerCertificateSha256: "AB:CD",
        peerCertificateVerified: true,
      },
    ],
    lockedDown: [{ realm: "realm-a", alias: "nsp0", refused: true }],
  };

  it("prints the report as JSON", async () => {
    manager({ "GET /api/v1/wizards/w1/report": report });
    const run = await conclave("wizard", "report", "w1");
    expect(run.code).toBe(ExitCode.Ok);
    expect(JSON.parse(run.stdout)).toEqual(report);
  });

  it("refuses an answer that is not a report", async () => {
    manager({ "GET /api/v1/wizards/w1/report": { links: "none" } });
    const run = await conclave("wizard", "report", "w1");
    expect(run.code).toBe(ExitCode.ApiError);
    expect(run.stdout).toBe("");
  });
});
