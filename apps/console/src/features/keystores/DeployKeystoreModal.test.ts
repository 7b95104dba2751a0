// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { DeployKeystoreModal } from "./DeployKeystoreModal";
import { keyEntry } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const realm = (name: string) => ({
  name,
  host: "127.0.0.1",
  agent: "agent-1",
  state: "running",
  pid: 1,
  interfaces: [],
  cluster: null,
});

const ROUTES = {
  "GET /api/v1/realms": [realm("realm1"), realm("realm2"), realm("realm3")],
};

function open() {
  renderWithQueries(
    createElement(DeployKeystoreModal, {
      keystoreId: "ks1",
      keystoreName: "server",
      entries: [keyEntry()],
      onClose: vi.fn(),
    }),
  );
}

describe("DeployKeystoreModal", () => {
  it("posts the chosen realms and shows what happened on each", async () => {
    const { calls } = stubFetch({
      ...ROUTES,
      "POST /api/v1/keystores/ks1/deploy": [
        { realm: "realm1", interfaces: ["nsps1"], ok: true },
        { realm: "realm3", interfaces: [], ok: false, error: "The agent of realm3 is unreachable" },
      ],
    });
    open();
    fireEvent.click(await screen.findByLabelText("realm1"));
    fireEvent.click(screen.getByLabelText("realm3"));
    fireEvent.click(screen.getByRole("button", { name: "Deploy" }));

    expect(await screen.findByText("realm1: deployed")).toBeTruthy();
    expect(screen.getByText(/Reloaded nsps1/)).toBeTruthy();
    expect(screen.getByText("realm3: failed")).toBeTruthy();
    expect(screen.getByText(/agent of realm3 is unreachable/)).toBeTruthy();
    const post = calls.find((c) => c.method === "POST");
    expect(JSON.parse(String(post?.body))).toEqual({ realms: ["realm1", "realm3"] });
  });

  it("asks for a realm instead of posting an empty list", async () => {
    const { calls } = stubFetch(ROUTES);
    open();
    await screen.findByLabelText("realm1");
    fireEvent.click(screen.getByRole("button", { name: "Deploy" }));
    expect(await screen.findByText("Choose at least one realm")).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });
});
