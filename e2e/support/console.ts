import { expect, type Page } from "@playwright/test";
import { demo } from "./demo";

const SHOTS = `${import.meta.dirname}/../../test-results/e2e/screenshots`;

/** Saves a full-page screenshot for review under test-results/e2e/screenshots/. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(demo().url);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Enterprise" })).toBeVisible();
}

/** Clicks a node of the Enterprise tree (a realm, "Clusters", "Health", …). */
export async function openTreeNode(page: Page, name: string): Promise<void> {
  await page
    .getByRole("navigation", { name: "Enterprise navigation" })
    .getByRole("button", { name, exact: true })
    .click();
}

/** Opens a realm from the Enterprise tree, then its Comms > Interfaces tab. */
export async function openInterfaces(page: Page, realm: string): Promise<void> {
  await openTreeNode(page, realm);
  await expect(page.getByRole("heading", { name: realm })).toBeVisible();
  await page.getByRole("tab", { name: "Comms" }).click();
  await expect(page.getByRole("grid", { name: `Interfaces of ${realm}` })).toBeVisible();
}

/** The session's CSRF token, for API calls a spec makes as "another operator". */
export async function csrfToken(page: Page): Promise<string> {
  const session = await (await page.request.get(`${demo().url}/api/v1/session`)).json();
  return session.csrfToken as string;
}
