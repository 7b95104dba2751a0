// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { SignWithCaModal } from "./SignWithCaModal";
import { byLabel, keyEntry } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const CA = {
  id: "ca1",
  name: "Realms CA",
  parentId: null,
  subject: "CN=Conclave Realms CA",
  issuer: "CN=Conclave Realms CA",
  serial: "01",
  sha256: "11:22",
  keyType: "EC",
  keySize: 256,
  notBefore: "2026-01-01T00:00:00.000Z",
  notAfter: "2036-01-01T00:00:00.000Z",
  pathLength: null,
  chain: [],
  issuedCount: 0,
  createdAt: "2026-01-01T00:00:00.000Z",
};

describe("SignWithCaModal", () => {
  it("has the chosen CA sign the entry and import the reply in one request", async () => {
    const { calls } = stubFetch({
      "GET /api/v1/pki/cas": { items: [CA] },
      "POST /api/v1/pki/cas/ca1/issue": { entry: keyEntry({ alias: "realm2" }), chainPem: "x" },
    });
    const onClose = vi.fn();
    renderWithQueries(
      createElement(SignWithCaModal, { keystoreId: "ks1", alias: "realm2", onClose }),
    );
    fireEvent.click(screen.getByRole("button", { name: "Sign and import" }));
    expect(await screen.findByText("Choose a certificate authority")).toBeTruthy();

    await screen.findByRole("option", { name: /Realms CA/ });
    fireEvent.change(byLabel("Certificate authority"), { target: { value: "ca1" } });
    fireEvent.change(byLabel("Validity (days)"), { target: { value: "90" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign and import" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const post = calls.find((c) => c.method === "POST");
    expect(JSON.parse(String(post?.body))).toEqual({
      keystoreId: "ks1",
      alias: "realm2",
      validityDays: 90,
    });
  });
});
