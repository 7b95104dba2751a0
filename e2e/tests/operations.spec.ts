import { readFile } from "node:fs/promises";
import { expectNoSeriousA11yIssues } from "../support/axe";
import { csrfToken, logIn, openTreeNode, shot } from "../support/console";
import { ADMIN_PASSWORD, demo } from "../support/demo";
import { makeServerKeystore } from "../support/pki";
import { expect, test } from "../support/test";

// Runs after journey.spec.ts (files run in name order, one worker): the demo realms are still
// standalone here, and this spec leaves them clustered.

const REALMS = ["realm-a", "realm-b", "realm-c"];

test("form a three-realm cluster in the wizard, watch the dashboard, lose a realm and get it back", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await logIn(page, "admin", ADMIN_PASSWORD);

  await openTreeNode(page, "Clusters");
  await expect(page.getByRole("heading", { name: "Clusters", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Form cluster" }).click();
  const wizard = page.getByRole("dialog", { name: "Form a cluster" });
  await wizard.getByLabel("Cluster name").fill("demo");
  for (const realm of REALMS) await wizard.getByRole("checkbox", { name: realm }).check();
  await shot(page, "20-cluster-wizard-members");
  await expectNoSeriousA11yIssues(page, "cluster wizard");
  await wizard.getByRole("button", { name: "Next" }).click();

  // Pre-flight: every member runs on this host and dials loopback, so nothing stops it.
  await expect(wizard).toContainText("Every check passed", { timeout: 30_000 });
  await shot(page, "21-cluster-wizard-preflight");
  await wizard.getByRole("button", { name: "Next" }).click();
  await wizard.getByRole("button", { name: "Create cluster" }).click();

  const watched = wizard.getByRole("grid", { name: "Members of demo" });
  await expect(wizard).toContainText("Every member is connected", { timeout: 60_000 });
  for (const realm of REALMS) {
    await expect(watched.getByRole("row", { name: new RegExp(realm) })).toContainText("connected");
  }
  await shot(page, "22-cluster-wizard-watch");
  await wizard.getByRole("button", { name: "Open cluster" }).click();

  await expect(page.getByRole("heading", { name: "demo", level: 1 })).toBeVisible();
  const members = page.getByRole("grid", { name: "Members of demo" });
  await expect(members.getByRole("row")).toHaveCount(REALMS.length + 1);
  await expect(members.getByRole("row", { name: /master/ })).toHaveCount(1);
  await shot(page, "23-cluster-page");
  await expectNoSeriousA11yIssues(page, "cluster page");

  await openTreeNode(page, "Health");
  await expect(page.getByRole("heading", { name: "Health", level: 1 })).toBeVisible();
  const card = page.getByRole("article", { name: "demo" });
  await expect(card).toContainText("3 connected", { timeout: 30_000 });
  await expect(page.getByRole("img", { name: "Topology of demo" })).toBeVisible();
  await shot(page, "24-health-dashboard");
  await expectNoSeriousA11yIssues(page, "health dashboard");

  // kill -9 one realm's process: the dashboard turns it red, then green once its agent
  // restarts it. No reload: the page follows the manager's live events.
  const status = await (
    await page.request.get(`${demo().url}/api/v1/realms/realm-c/status`)
  ).json();
  const pid = status.status?.pid as number;
  expect(pid).toBeGreaterThan(0);
  process.kill(pid, "SIGKILL");

  const dashboardMembers = page.getByRole("grid", { name: "Members of demo on the dashboard" });
  const victim = dashboardMembers.getByRole("row", { name: /realm-c/ });
  await expect(victim).toContainText("disconnected", { timeout: 30_000 });
  await expect(card).toContainText("1 disconnected");
  await shot(page, "25-health-realm-down");
  await expect(victim).not.toContainText("disconnected", { timeout: 60_000 });
  await expect(victim).toContainText("connected");
  await expect(card).toContainText("3 connected");
  await shot(page, "26-health-realm-back");
});

test("the audit log shows the cluster's formation, and admins manage users", async ({ page }) => {
  await logIn(page, "admin", ADMIN_PASSWORD);

  await openTreeNode(page, "Audit log");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  const log = page.getByRole("grid", { name: "Audit log" });
  await expect(log.getByRole("row", { name: /cluster/ }).first()).toBeVisible();
  await page.getByLabel("Actor").fill("admin");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(log.getByRole("row", { name: /admin/ }).first()).toBeVisible();
  await shot(page, "27-audit-log");
  await expectNoSeriousA11yIssues(page, "audit log");

  await openTreeNode(page, "Users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByLabel("Username").fill("auditor");
  await dialog.getByLabel("Password").fill("short");
  await dialog.getByRole("button", { name: "Add" }).click();
  await expect(dialog).toContainText(/12 characters/);
  await dialog.getByLabel("Password").fill("auditor passphrase");
  await dialog.getByRole("button", { name: "Add" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole("grid", { name: "Users" }).getByRole("row", { name: /auditor/ }),
  ).toBeVisible();
  await shot(page, "28-users");
  await expectNoSeriousA11yIssues(page, "users");
});

test("the dashboard flags a keystore that still has a well-known password", async ({ page }) => {
  await logIn(page, "admin", ADMIN_PASSWORD);
  const keystore = await makeServerKeystore("changeit");
  const uploaded = await page.request.post(`${demo().url}/api/v1/keystores`, {
    headers: { "x-csrf-token": await csrfToken(page) },
    multipart: {
      name: "shipped with the product",
      password: keystore.password,
      file: {
        name: "server.p12",
        mimeType: "application/x-pkcs12",
        buffer: await readFile(keystore.p12),
      },
    },
  });
  expect(uploaded.status()).toBe(201);

  await openTreeNode(page, "Health");
  const flagged = page.getByRole("grid", { name: "Default or demo credentials" });
  const row = flagged.getByRole("row", { name: /shipped with the product/ });
  await expect(row).toContainText("Well-known password");
  await expect(row).toContainText("Stored, not in use");
  await expect(page.getByRole("main")).not.toContainText("changeit");
  await shot(page, "29-health-default-credentials");
  await expectNoSeriousA11yIssues(page, "health dashboard with default credentials");

  // The fix, in the console: a new password, and the flag is gone.
  await openTreeNode(page, "Keystores");
  await page.getByRole("button", { name: "shipped with the product", exact: true }).click();
  await page.getByRole("button", { name: "Change password" }).click();
  const dialog = page.getByRole("dialog", { name: "Change keystore password" });
  await dialog.getByLabel("Current password").fill("changeit");
  await dialog.getByLabel(/^New password/).fill("a password nobody ships");
  await dialog.getByLabel("Confirm new password").fill("a password nobody ships");
  await dialog.getByRole("button", { name: "Save password" }).click();
  await expect(dialog).toBeHidden();
  await openTreeNode(page, "Health");
  await expect(page.getByRole("heading", { name: "Health", level: 1 })).toBeVisible();
  await expect(page.getByRole("grid", { name: "Default or demo credentials" })).toBeHidden();
});
