import type { Test } from "supertest";
import { AgentsRepo } from "../store/agents.repo.js";
import { createTestApp, signIn, type TestApp } from "./test-app.js";

/** A signed-in supertest agent and its CSRF token. */
export type SignedIn = Awaited<ReturnType<typeof signIn>>;

export interface RouterTestApp extends TestApp {
  /** olga, an operator. */
  operator: SignedIn;
  /** vic, a viewer. */
  viewer: SignedIn;
  /** POST /api/v1{path} with the session's CSRF token, as the operator unless `who` is given. */
  post(path: string, body?: object, who?: SignedIn): Test;
  /** GET /api/v1{path}, as the operator unless `who` is given. */
  get(path: string, who?: SignedIn): Test;
}

/**
 * The app the cluster and wizard router tests start from: an operator and a viewer signed in,
 * and agent-1 enrolled on 127.0.0.1 but not reporting, so pre-flight finds it silent. The
 * realms are each test's own.
 */
export async function routerTestApp(): Promise<RouterTestApp> {
  const t = await createTestApp();
  await t.addUser("olga", "operator");
  await t.addUser("vic", "viewer");
  const operator = await signIn(t.app, "olga");
  const viewer = await signIn(t.app, "vic");
  await new AgentsRepo(t.db).create({
    id: "agent-1",
    hostname: "host-1",
    addresses: ["127.0.0.1"],
    version: "0.1.0",
    certificatePem: "-",
    certificateSerial: "1",
    certificateFingerprint: "AA:BB",
    certificateNotAfter: new Date(Date.now() + 86_400_000),
  });
  return {
    ...t,
    operator,
    viewer,
    post: (path, body = {}, who = operator) =>
      who.agent.post(`/api/v1${path}`).set("x-csrf-token", who.csrfToken).send(body),
    get: (path, who = operator) => who.agent.get(`/api/v1${path}`),
  };
}
