import { readFile } from "node:fs/promises";
import { expectNoSeriousA11yIssues } from "../support/axe";
import { csrfToken, logIn, openTreeNode, shot } from "../support/console";
import { ADMIN_PASSWORD, demo } from "../support/demo";
import { expect, test } from "../support/test";

// Runs last (files run in name order, one worker). operations.spec.ts forms the cluster "demo";
// when this spec runs alone it forms it through the API first.

test("switch the cluster's inter-realm traffic to TLS in the browser and download the report", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await logIn(page, "admin", ADMIN_PASSWORD);
  const existing = await page.request.get(`${demo().url}/api/v1/clusters/demo`);
  if (existing.status() === 404) {
    const formed = await page.request.post(`${demo().url}/api/v1/clusters`, {
      headers: { "x-csrf-token": await csrfToken(page) },
      data: { name: "demo", realms: ["realm-a", "realm-b", "realm-c"] },
    });
    expect(formed.ok()).toBe(true);
  }
  await expect
    .poll(
      async () =>
        (await (await page.request.get(`${demo().url}/api/v1/clusters/demo/status`)).json()).status,
      { timeout: 60_000 },
    )
    .toBe("Active");

  await openTreeNode(page, "demo");
  await expect(page.getByRole("heading", { name: "demo", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Switch to TLS" }).click();
  const start = page.getByRole("dialog", { name: "Switch inter-realm communication to TLS" });
  await expect(start.getByLabel("Issue certificates from a private CA")).toBeChecked();
  await expect(start.getByLabel("Keep serving clients")).toBeChecked();
  await shot(page, "30-switch-start");
  await expectNoSeriousA11yIssues(page, "switch wizard start");
  await start.getByRole("button", { name: "Start" }).click();

  await expect(
    page.getByRole("heading", { name: /Switch inter-realm communication to TLS/, level: 1 }),
  ).toBeVisible();
  // Warnings, if pre-flight has any, need an explicit acknowledgement.
  const acknowledge = page.getByRole("button", { name: "Acknowledge warnings and continue" });
  const downloadReport = page.getByRole("button", { name: "Download report" });
  const pause = page.getByRole("button", { name: "Pause" });
  await expect(acknowledge.or(pause).or(downloadReport)).toBeVisible({ timeout: 30_000 });
  if (await acknowledge.isVisible()) {
    await shot(page, "31-switch-preflight-warnings");
    await acknowledge.click();
  }
  await shot(page, "32-switch-running");
  // The report and its download appear once the wizard has completed.
  await expect(downloadReport).toBeVisible({ timeout: 180_000 });

  const steps = page.getByRole("list", { name: "Wizard steps" });
  await expect(steps.getByLabel(/: Done$/i).first()).toBeVisible();
  const report = page.getByRole("grid", { name: "Link report" });
  await expect(report.getByRole("row")).toHaveCount(4);
  for (const row of await report.getByRole("row").all()) {
    if ((await row.getByRole("columnheader").count()) > 0) continue;
    await expect(row).toContainText("nsps");
    await expect(row).toContainText("TLSv1.3");
  }
  await shot(page, "33-switch-completed");
  await expectNoSeriousA11yIssues(page, "switch wizard completed");

  const downloading = page.waitForEvent("download");
  await downloadReport.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^wizard-.+-report\.json$/);
  const saved = JSON.parse(await readFile(await download.path(), "utf8"));
  expect(saved.links).toHaveLength(3);
  // Every realm checked its peer's certificate against the cluster trust store.
  for (const link of saved.links) expect(link.peerCertificateVerified).toBe(true);

  // The cluster page now shows every link encrypted.
  await openTreeNode(page, "demo");
  const links = page.getByRole("grid", { name: "Links of demo" });
  await expect(links.getByRole("row", { name: /Plaintext/ })).toHaveCount(0, { timeout: 30_000 });
  await expect(links.getByRole("row", { name: /TLSv1\.3/ })).toHaveCount(3);
  await expect(links.getByRole("row", { name: /TLSv1\.3.*Verified/ })).toHaveCount(3);
  await shot(page, "34-cluster-encrypted");
});
