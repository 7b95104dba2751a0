// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setCsrfToken } from "../../api/client";
import { stubFetch } from "../../testing/render";
import { KeystoreDownloadMenu } from "./KeystoreDownloadMenu";
import { byLabel } from "./test-helpers";

let savedAs: string[] = [];

beforeEach(() => {
  savedAs = [];
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    savedAs.push(this.download);
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const ROUTES = {
  "GET /api/v1/keystores/ks1/download": "file",
  "POST /api/v1/keystores/ks1/download": "file",
};

function open() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    createElement(
      QueryClientProvider,
      { client },
      createElement(KeystoreDownloadMenu, { keystoreId: "ks1", keystoreName: "server" }),
    ),
  );
  fireEvent.click(screen.getByRole("button", { name: "Download" }));
  return client;
}

describe("KeystoreDownloadMenu", () => {
  it("downloads as JKS with the stored password", async () => {
    const { fetchMock } = stubFetch(ROUTES);
    open();
    fireEvent.click(await screen.findByRole("menuitem", { name: "As JKS" }));
    await waitFor(() => expect(savedAs).toEqual(["server.jks"]));
    const download = fetchMock.mock.calls.find(([url]) => String(url).includes("/download"));
    expect(String(download?.[0])).toBe("/api/v1/keystores/ks1/download?format=jks");
  });

  it("posts another password once and keeps it in no cache", async () => {
    const { fetchMock, calls } = stubFetch(ROUTES);
    // Signing in hands the API client the session's CSRF token.
    setCsrfToken("csrf-1");
    const client = open();
    fireEvent.click(await screen.findByRole("menuitem", { name: "With another password…" }));
    fireEvent.change(byLabel("Format"), { target: { value: "pem" } });
    fireEvent.change(byLabel("File password"), { target: { value: "s3cret" } });
    fireEvent.change(byLabel("Confirm password"), { target: { value: "other" } });
    fireEvent.click(screen.getByRole("button", { name: "Download" }));
    expect(await screen.findByText("The passwords differ")).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);

    fireEvent.change(byLabel("Confirm password"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByRole("button", { name: "Download" }));
    await waitFor(() => expect(savedAs).toEqual(["server.pem"]));
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
    expect(JSON.parse(String(post?.[1]?.body))).toEqual({ format: "pem", password: "s3cret" });
    const headers = post?.[1]?.headers as Record<string, string> | undefined;
    expect(headers?.["x-csrf-token"]).toBe("csrf-1");
    expect(
      JSON.stringify(
        client
          .getQueryCache()
          .getAll()
          .map((q) => q.state.data),
      ),
    ).not.toContain("s3cret");
    expect(client.getMutationCache().getAll()).toEqual([]);
  });
});
