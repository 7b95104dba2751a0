// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { KeystoreUploadForm } from "./KeystoreUploadForm";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const byLabel = (label: string) =>
  screen.getByLabelText((text) => text.replace(/\s*\*$/, "").trim() === label, {
    selector: "input",
  });

function chooseFile(name = "server.p12") {
  fireEvent.change(byLabel("Keystore file"), {
    target: { files: [new File([new Uint8Array([0x30, 0x82])], name)] },
  });
}

describe("KeystoreUploadForm", () => {
  it("asks for a file and a password before uploading", async () => {
    const { calls } = stubFetch({});
    renderWithQueries(createElement(KeystoreUploadForm));
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByText("Choose a keystore file")).toBeTruthy();
    expect(screen.getByText("A password is required")).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("shows a wrong password inline with the manager's message", async () => {
    stubFetch({
      "POST /api/v1/keystores": [
        422,
        {
          error: {
            code: "keystore_password",
            message: "The keystore password is wrong. Check it and try again.",
          },
        },
      ],
    });
    renderWithQueries(createElement(KeystoreUploadForm));
    chooseFile();
    fireEvent.change(byLabel("Password"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByText("The keystore was not uploaded")).toBeTruthy();
    expect(screen.getByText(/password is wrong/)).toBeTruthy();
  });

  it("sends the file and passwords as multipart and reports the stored keystore", async () => {
    const { calls } = stubFetch({
      "POST /api/v1/keystores": [201, { id: "ks1", name: "server", entries: [] }],
    });
    const onUploaded = vi.fn();
    renderWithQueries(createElement(KeystoreUploadForm, { onUploaded }));
    chooseFile();
    fireEvent.change(byLabel("Password"), { target: { value: "store pass" } });
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    await waitFor(() =>
      expect(onUploaded).toHaveBeenCalledWith(expect.objectContaining({ id: "ks1" })),
    );
    const body = calls[0]?.body as FormData;
    expect(body.get("password")).toBe("store pass");
    expect((body.get("file") as File).name).toBe("server.p12");
  });
});
