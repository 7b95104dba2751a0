// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { ImportCaReplyModal } from "./ImportCaReplyModal";
import { byLabel, keyEntry } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ROUTE = "POST /api/v1/keystores/ks1/entries/realm2/ca-reply";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function open(onClose = vi.fn()) {
  renderWithQueries(
    createElement(ImportCaReplyModal, { keystoreId: "ks1", alias: "realm2", onClose }),
  );
  return onClose;
}

function chooseFile(content: BlobPart, name = "reply.pem") {
  fireEvent.change(byLabel("CA reply file"), {
    target: { files: [new File([content], name)] },
  });
}

describe("ImportCaReplyModal", () => {
  it("shows the manager's message inline when the reply is for another key", async () => {
    stubFetch({
      [ROUTE]: [
        422,
        {
          error: {
            code: "key_mismatch",
            message:
              "The CA reply certifies another key than realm2's. Import the reply to its CSR.",
          },
        },
      ],
    });
    const onClose = open();
    chooseFile(PEM);
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText("The CA reply was not imported")).toBeTruthy();
    expect(screen.getByText(/certifies another key/)).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("refuses a binary file before sending it, with how to convert it", async () => {
    const { calls } = stubFetch({});
    open();
    chooseFile(new Uint8Array([0x30, 0x82, 0x01, 0x0a]).buffer, "reply.cer");
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText(/not a PEM file/)).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("sends the PEM text and closes once imported", async () => {
    const { calls } = stubFetch({ [ROUTE]: keyEntry({ alias: "realm2" }) });
    const onClose = open();
    chooseFile(PEM);
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(JSON.parse(String(calls[0]?.body))).toEqual({ pem: PEM });
  });
});
