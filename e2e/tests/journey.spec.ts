import { connect } from "node:tls";
import { expectNoSeriousA11yIssues } from "../support/axe";
import { csrfToken, logIn, openInterfaces, openTreeNode, shot } from "../support/console";
import { ADMIN_PASSWORD, demo } from "../support/demo";
import { makeServerKeystore } from "../support/pki";
import { expect, test } from "../support/test";

/** The TLS port the journey adds: a free one next to the demo realms' ports. */
const tlsPort = () => demo().basePort + 1;

test("operator journey: log in, add an nsps interface with an uploaded keystore, see it Running", async ({
  page,
}) => {
  const keystore = await makeServerKeystore("e2e keystore pass");

  await page.goto(demo().url);
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
  await shot(page, "01-login");
  await expectNoSeriousA11yIssues(page, "login");

  // A wrong password is an inline error, not a bounce.
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: /password/i })).toBeVisible();

  await logIn(page, "admin", ADMIN_PASSWORD);
  await expect(
    page.getByRole("grid", { name: "Realms" }).getByRole("row", { name: /realm-a/ }),
  ).toBeVisible();
  await shot(page, "02-enterprise");
  await expectNoSeriousA11yIssues(page, "enterprise");

  await openTreeNode(page, "realm-a");
  await expect(page.getByRole("term").filter({ hasText: "Uptime" })).toBeVisible();
  await shot(page, "03-realm-status");
  await expectNoSeriousA11yIssues(page, "realm status");

  await openInterfaces(page, "realm-a");
  const table = page.getByRole("grid", { name: "Interfaces of realm-a" });
  await expect(table.getByRole("row", { name: /nsp0/ })).toContainText("Running");
  await shot(page, "04-interfaces");
  await expectNoSeriousA11yIssues(page, "interfaces");

  await page.getByRole("button", { name: "Add interface" }).click();
  const dialog = page.getByRole("dialog", { name: "Add interface" });
  await dialog.getByLabel("Adapter alias").fill("nsps0");
  await dialog.getByLabel("Protocol").selectOption("nsps");
  await dialog.getByLabel("Bind address").fill("127.0.0.1");
  await dialog.getByLabel("Port").fill(String(tlsPort()));
  await dialog.getByRole("tab", { name: "Certificates" }).click();
  await dialog.getByRole("button", { name: "Upload a key store" }).click();
  await dialog.getByLabel("Key store path").setInputFiles(keystore.p12);
  await dialog.getByLabel("Key Store Passwd").fill(keystore.password);
  await dialog.getByRole("button", { name: "Upload key store" }).click();
  await expect(dialog.getByRole("heading", { name: "Uploaded server" })).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Key store", exact: true })).not.toHaveValue(
    "",
  );
  await expect(dialog.getByLabel("Certificate alias")).toBeEnabled();
  await shot(page, "05-interface-certificates");
  await expectNoSeriousA11yIssues(page, "interface dialog");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  const row = table.getByRole("row", { name: /nsps0/ });
  await expect(row).toContainText("Running");
  await expect(row).toContainText(String(tlsPort()));
  await shot(page, "06-interfaces-with-nsps");

  // The realm really serves TLS with the uploaded certificate.
  const subject = await new Promise<string>((resolve, reject) => {
    const socket = connect(
      { host: "127.0.0.1", port: tlsPort(), ca: keystore.caPem, servername: undefined },
      () => {
        const cn = socket.getPeerCertificate().subject.CN;
        socket.end();
        resolve(String(cn));
      },
    );
    socket.once("error", reject);
  });
  expect(subject).toBe("127.0.0.1");
});

test("keystores: entries of an upload, and a clear error for a wrong password", async ({
  page,
}) => {
  const keystore = await makeServerKeystore("another keystore pass");
  await logIn(page, "admin", ADMIN_PASSWORD);
  await openTreeNode(page, "Keystores");
  await expect(page.getByRole("heading", { name: "Keystores" })).toBeVisible();

  await page.getByRole("button", { name: "Upload keystore" }).click();
  let dialog = page.getByRole("dialog", { name: "Upload keystore" });
  await dialog.getByLabel("Keystore file").setInputFiles(keystore.p12);
  await dialog.getByLabel("Name").fill("wrong-password");
  await dialog.getByRole("textbox", { name: "Password", exact: true }).fill("not the password");
  await dialog.getByRole("button", { name: "Upload" }).click();
  await expect(
    dialog.getByRole("heading", { name: "The keystore was not uploaded" }),
  ).toBeVisible();
  await shot(page, "07-keystore-wrong-password");
  await dialog.getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "Upload keystore" }).click();
  dialog = page.getByRole("dialog", { name: "Upload keystore" });
  await dialog.getByLabel("Keystore file").setInputFiles(keystore.p12);
  await dialog.getByLabel("Name").fill("e2e-server");
  await dialog.getByRole("textbox", { name: "Password", exact: true }).fill(keystore.password);
  await dialog.getByRole("button", { name: "Upload" }).click();
  await expect(dialog).toBeHidden();
  const entries = page.getByRole("grid", { name: "Entries of e2e-server" });
  await expect(entries.getByRole("row", { name: /server/ })).toContainText("ip:127.0.0.1");
  await shot(page, "08-keystores");
  await expectNoSeriousA11yIssues(page, "keystores");
});

test("live updates: an interface stopped elsewhere shows Stopped without a reload", async ({
  page,
}) => {
  await logIn(page, "admin", ADMIN_PASSWORD);
  await openInterfaces(page, "realm-b");
  const row = page.getByRole("grid", { name: "Interfaces of realm-b" }).getByRole("row", {
    name: /nsp0/,
  });
  await expect(row).toContainText("Running");

  // Another operator (a script with the same session here) stops it through the API.
  const stopped = await page.request.post(
    `${demo().url}/api/v1/realms/realm-b/interfaces/nsp0/stop`,
    { headers: { "x-csrf-token": await csrfToken(page) } },
  );
  expect(stopped.status()).toBe(200);
  await expect(row).toContainText("Stopped");
  await row.getByRole("button", { name: "Start nsp0" }).click();
  await expect(row).toContainText("Running");
});

test("a viewer sees no edit buttons, and logging out returns to the login page", async ({
  page,
}) => {
  await logIn(page, "admin", ADMIN_PASSWORD);
  const created = await page.request.post(`${demo().url}/api/v1/users`, {
    headers: { "x-csrf-token": await csrfToken(page) },
    data: { username: "watcher", password: "watcher passphrase", role: "viewer" },
  });
  expect(created.status()).toBe(201);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();

  await logIn(page, "watcher", "watcher passphrase");
  await expect(page.getByRole("banner")).toContainText("watcher (viewer)");
  await openInterfaces(page, "realm-a");
  await expect(page.getByRole("button", { name: "Add interface" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Edit|Stop|Start|Delete) / })).toHaveCount(0);
  await shot(page, "09-viewer-interfaces");
});
