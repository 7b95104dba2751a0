import { test as base, expect } from "@playwright/test";

const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of 4\d\d/;

/**
 * Playwright's `test`, failing any test during which the console logged an error or the page
 * threw: an operator's console must stay clean.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        // A refused request (a wrong password's 401, a 409 shown inline) is the page working;
        // Chromium still logs it as an error, so only that message is let through.
        if (message.type() === "error" && !EXPECTED_REFUSAL.test(message.text())) {
          errors.push(message.text());
        }
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await use(errors);
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
