import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tests import workspace packages from their TypeScript sources (the "source" export
  // condition), so a test run never depends on a stale dist/ build.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["{apps,packages}/*/src/**/*.test.{ts,tsx}"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["scripts/vitest-global-setup.ts"],
  },
});
