// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { ImportTrustedCertificateModal } from "./ImportTrustedCertificateModal";
import { byLabel, keyEntry } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ROUTE = "POST /api/v1/keystores/ks1/trusted-certificates";

function open(onClose = vi.fn()) {
  renderWithQueries(createElement(ImportTrustedCertificateModal, { keystoreId: "ks1", onClose }));
  fireEvent.change(byLabel("Certificate file"), {
    target: { files: [new File(["not a certificate"], "ca.crt")] },
  });
  return onClose;
}

describe("ImportTrustedCertificateModal", () => {
  it("shows inline that the file is not a certificate", async () => {
    stubFetch({
      [ROUTE]: [
        422,
        {
          error: {
            code: "invalid_certificate",
            message: "ca.crt is not an X.509 certificate (PEM or DER).",
          },
        },
      ],
    });
    const onClose = open();
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText("The certificate was not imported")).toBeTruthy();
    expect(screen.getByText(/not an X.509 certificate/)).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("sends the file and alias as multipart", async () => {
    const { calls } = stubFetch({
      [ROUTE]: [201, keyEntry({ alias: "partner-ca", kind: "trustedCertificate" })],
    });
    const onClose = open();
    fireEvent.change(byLabel("Alias"), { target: { value: " partner-ca " } });
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const body = calls[0]?.body as FormData;
    expect(body.get("alias")).toBe("partner-ca");
    expect((body.get("file") as File).name).toBe("ca.crt");
  });
});
