import { defineConfig } from "@playwright/test";

/**
 * Journeys in Debian's Chromium (installed by scripts/ensure-tools.mjs; nothing here downloads
 * a browser) against an `npm start`-style boot in a temp dir (support/global-setup.ts). The
 * console must be built first: `npm run e2e` does that.
 */
export default defineConfig({
  testDir: "tests",
  outputDir: "../test-results/e2e/output",
  globalSetup: "./support/global-setup.ts",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [["list"]],
  use: {
    // global-setup sets it after the manager says where it listens (PORT=0).
    baseURL: process.env.CONCLAVE_E2E_URL,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CONCLAVE_CHROMIUM ?? "/usr/bin/chromium",
      // No GPU, no sandbox (root in CI), and nothing that calls home.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    viewport: { width: 1400, height: 900 },
    trace: "off",
    screenshot: "only-on-failure",
  },
});
