// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { InterfaceModal } from "./InterfaceModal";

const BASIC_LABELS = [
  "Adapter alias",
  "Bind address",
  "Port",
  "Protocol",
  "Autostart Interface",
  "Allow for InterRealm",
  "Allow Client Connections",
  "Advertise Interface",
  "Backlog",
  "Accept Threads",
  "Auth Time",
];

const CERTIFICATE_LABELS = [
  "Key store",
  "Key store path",
  "Key Store Passwd",
  "Private key password",
  "Certificate alias",
  "Trust store path",
  "Trust Store Passwd",
  "Enable Client Cert Validation",
  "TLSv1.2",
  "TLSv1.3",
  "Cipher suites",
  "CRL",
];

function open() {
  const onClose = vi.fn();
  renderWithQueries(createElement(InterfaceModal, { realm: "realm-a", onClose }));
  return { dialog: screen.getByRole("dialog", { name: "Add interface" }), onClose };
}

/** A field by its label's exact text; a required field's label ends in PatternFly's " *". */
const field = (dialog: HTMLElement, label: string) =>
  within(dialog).getByLabelText((text) => text.replace(/\s*\*$/, "").trim() === label, {
    selector: "input,select,textarea",
  });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("InterfaceModal", () => {
  it("labels every Basic field with Enterprise Manager's names", () => {
    stubFetch({ "GET /api/v1/keystores": { items: [] } });
    const { dialog } = open();
    for (const label of BASIC_LABELS) expect(field(dialog, label)).toBeTruthy();
  });

  it("shows the shared schema's message for a port out of range and sends nothing", async () => {
    const { calls } = stubFetch({ "GET /api/v1/keystores": { items: [] } });
    const { dialog } = open();
    fireEvent.change(field(dialog, "Adapter alias"), { target: { value: "nsp1" } });
    fireEvent.change(field(dialog, "Port"), { target: { value: "70000" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText(/65535/)).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("offers the Certificates tab only for nsps and nhps", async () => {
    stubFetch({ "GET /api/v1/keystores": { items: [] } });
    const { dialog } = open();
    expect(within(dialog).queryByRole("tab", { name: "Certificates" })).toBeNull();
    for (const protocol of ["nsps", "nhps", "nhp"]) {
      fireEvent.change(field(dialog, "Protocol"), { target: { value: protocol } });
      const tab = within(dialog).queryByRole("tab", { name: "Certificates" });
      expect(Boolean(tab), protocol).toBe(protocol !== "nhp");
    }
    fireEvent.change(field(dialog, "Protocol"), { target: { value: "nsps" } });
    fireEvent.click(within(dialog).getByRole("tab", { name: "Certificates" }));
    await waitFor(() => {
      for (const label of CERTIFICATE_LABELS) expect(field(dialog, label), label).toBeTruthy();
    });
    expect(within(dialog).getByRole("group", { name: "Protocols" })).toBeTruthy();
  });

  it("asks for a key store before saving an nsps interface, on the Certificates tab", async () => {
    const { calls } = stubFetch({ "GET /api/v1/keystores": { items: [] } });
    const { dialog } = open();
    fireEvent.change(field(dialog, "Adapter alias"), { target: { value: "nsps0" } });
    fireEvent.change(field(dialog, "Protocol"), { target: { value: "nsps" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText("Choose or upload a key store")).toBeTruthy();
    expect(
      within(dialog).getByRole("tab", { name: "Certificates" }).getAttribute("aria-selected"),
    ).toBe("true");
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("posts the REST body and closes when the manager accepts it", async () => {
    const { calls } = stubFetch({
      "GET /api/v1/keystores": { items: [] },
      "POST /api/v1/realms/realm-a/interfaces": [201, { alias: "nsp1", status: "Running" }],
    });
    const { dialog, onClose } = open();
    fireEvent.change(field(dialog, "Adapter alias"), { target: { value: "nsp1" } });
    fireEvent.change(field(dialog, "Bind address"), { target: { value: "127.0.0.1" } });
    fireEvent.change(field(dialog, "Port"), { target: { value: "9100" } });
    fireEvent.click(field(dialog, "Allow for InterRealm"));
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const post = calls.find((c) => c.method === "POST");
    expect(JSON.parse(String(post?.body))).toEqual({
      alias: "nsp1",
      protocol: "nsp",
      bindAddress: "127.0.0.1",
      port: 9100,
      autostart: true,
      allowInterRealm: false,
      allowClientConnections: true,
    });
  });

  it("shows the manager's refusal inline (e.g. port in use)", async () => {
    stubFetch({
      "GET /api/v1/keystores": { items: [] },
      "POST /api/v1/realms/realm-a/interfaces": [
        409,
        { error: { code: "conflict", message: "Port 9000 on 0.0.0.0 is already in use" } },
      ],
    });
    const { dialog, onClose } = open();
    fireEvent.change(field(dialog, "Adapter alias"), { target: { value: "nsp1" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText("Port 9000 on 0.0.0.0 is already in use")).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
  });
});
