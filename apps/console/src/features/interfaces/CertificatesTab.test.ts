// @vitest-environment happy-dom
import type { RealmInterface } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { InterfaceModal } from "./InterfaceModal";

const existing: RealmInterface = {
  alias: "nsps0",
  protocol: "nsps",
  bindAddress: "127.0.0.1",
  port: 9443,
  autostart: true,
  allowInterRealm: true,
  allowClientConnections: true,
  certificates: {
    keystoreId: "ks1",
    enableClientCertValidation: false,
    protocols: ["TLSv1.2", "TLSv1.3"],
    cipherSuites: ["TLS_AES_256_GCM_SHA384"],
  },
  status: "Running",
};

const routes = {
  "GET /api/v1/keystores": { items: [{ id: "ks1", name: "realm key" }] },
  "PUT /api/v1/realms/realm-a/interfaces/nsps0": { ...existing },
};

function openCertificates(iface: RealmInterface = existing) {
  const onClose = vi.fn();
  renderWithQueries(createElement(InterfaceModal, { realm: "realm-a", existing: iface, onClose }));
  const dialog = screen.getByRole("dialog", { name: "Edit interface nsps0" });
  fireEvent.click(within(dialog).getByRole("tab", { name: "Certificates" }));
  const ciphers = within(dialog).getByLabelText("Cipher suites") as HTMLTextAreaElement;
  return { dialog, ciphers, onClose };
}

const sentBody = (calls: { method: string; body: unknown }[]) =>
  JSON.parse(String(calls.find((c) => c.method === "PUT")?.body));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("Certificates tab: Cipher suites", () => {
  it("shows the interface's suites and says what an empty list means", () => {
    stubFetch(routes);
    const { ciphers, dialog } = openCertificates();
    expect(ciphers.value).toBe("TLS_AES_256_GCM_SHA384");
    expect(ciphers.disabled).toBe(false);
    expect(
      within(dialog).getByText("OpenSSL names; empty means the platform's secure defaults"),
    ).toBeTruthy();
  });

  it("sends the names typed on separate lines or after commas as a list", async () => {
    const { calls } = stubFetch(routes);
    const { dialog, ciphers, onClose } = openCertificates();
    fireEvent.change(ciphers, {
      target: {
        value:
          "TLS_AES_128_GCM_SHA256\nECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES128-GCM-SHA256\n",
      },
    });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sentBody(calls).certificates.cipherSuites).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "ECDHE-ECDSA-AES128-GCM-SHA256",
      "ECDHE-RSA-AES128-GCM-SHA256",
    ]);
  });

  it("sends an empty list when the field is cleared, going back to the platform's defaults", async () => {
    const { calls } = stubFetch(routes);
    const { dialog, ciphers, onClose } = openCertificates();
    fireEvent.change(ciphers, { target: { value: "  \n" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sentBody(calls).certificates.cipherSuites).toEqual([]);
  });

  it("shows the realm's refusal of an unknown suite", async () => {
    stubFetch({
      ...routes,
      "PUT /api/v1/realms/realm-a/interfaces/nsps0": [
        422,
        {
          error: {
            code: "invalid_input",
            message:
              "Interface nsps0: Cipher suite FOO is not known to this realm's TLS library (OpenSSL 3.0.19)",
          },
        },
      ],
    });
    const { dialog, ciphers, onClose } = openCertificates();
    fireEvent.change(ciphers, { target: { value: "FOO" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText(/Cipher suite FOO is not known/)).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
  });
});
