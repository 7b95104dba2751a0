// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { byLabel } from "../keystores/test-helpers";
import { CreateCaModal } from "./CreateCaModal";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("CreateCaModal", () => {
  it("requires a name and a CN", async () => {
    const { calls } = stubFetch({});
    renderWithQueries(createElement(CreateCaModal, { cas: [], onClose: vi.fn() }));
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("Name is required")).toBeTruthy();
    expect(screen.getByText("CN is required")).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("posts name, subject, key type and validity, and shows a taken name inline", async () => {
    const { calls } = stubFetch({
      "POST /api/v1/pki/cas": [
        409,
        { error: { code: "conflict", message: "A CA named Realms CA exists already." } },
      ],
    });
    const onClose = vi.fn();
    renderWithQueries(createElement(CreateCaModal, { cas: [], onClose }));
    fireEvent.change(byLabel("Name"), { target: { value: "Realms CA" } });
    fireEvent.change(byLabel("Common name (CN)"), { target: { value: "Conclave Realms CA" } });
    fireEvent.change(byLabel("Validity (days)"), { target: { value: "730" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText(/exists already/)).toBeTruthy();
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(JSON.parse(String(calls[0]?.body))).toEqual({
      name: "Realms CA",
      subject: { CN: "Conclave Realms CA" },
      keyType: "EC-P256",
      validityDays: 730,
    });
    expect(onClose).not.toHaveBeenCalled();
  });
});
