// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { GenerateKeyPairModal } from "./GenerateKeyPairModal";
import { byLabel, pendingEntry } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const ROUTE = "POST /api/v1/keystores/ks1/key-pairs";

function open() {
  renderWithQueries(createElement(GenerateKeyPairModal, { keystoreId: "ks1", onClose: vi.fn() }));
}

describe("GenerateKeyPairModal", () => {
  it("requires an alias and a CN and rejects a SAN that is neither a name nor an address", async () => {
    const { calls } = stubFetch({});
    open();
    fireEvent.change(byLabel("Subject alternative names"), {
      target: { value: "realm1.example, not a host" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Generate" }));
    expect(await screen.findByText("Alias is required")).toBeTruthy();
    expect(screen.getByText("CN is required")).toBeTruthy();
    expect(screen.getByText(/"not a host" is neither a DNS name nor an IP address/)).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("posts alias, CN, typed SANs and key type, then offers the CSR as <alias>.csr.pem", async () => {
    const { calls } = stubFetch({
      [ROUTE]: [201, { entry: pendingEntry("realm2"), csr: "-----BEGIN CERTIFICATE REQUEST-----" }],
    });
    open();
    fireEvent.change(byLabel("Alias"), { target: { value: "realm2" } });
    fireEvent.change(byLabel("Common name (CN)"), { target: { value: "realm2.example" } });
    fireEvent.change(byLabel("Subject alternative names"), {
      target: { value: "realm2.example,\n198.18.0.6\nip:::1" },
    });
    fireEvent.change(byLabel("Key type"), { target: { value: "RSA-3072" } });
    fireEvent.click(screen.getByRole("button", { name: "Generate" }));

    const download = await screen.findByRole("button", { name: "Download CSR" });
    expect(JSON.parse(String(calls[0]?.body))).toEqual({
      alias: "realm2",
      keyType: "RSA-3072",
      subject: { CN: "realm2.example" },
      sans: ["dns:realm2.example", "ip:198.18.0.6", "ip:::1"],
    });

    const createObjectURL = vi.fn((_blob: Blob) => "blob:csr");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    let savedAs = "";
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      savedAs = this.download;
    });
    fireEvent.click(download);
    await waitFor(() => expect(savedAs).toBe("realm2.csr.pem"));
    expect(await createObjectURL.mock.calls[0]?.[0].text()).toContain("CERTIFICATE REQUEST");
  });
});
