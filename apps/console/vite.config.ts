import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev -w @conclave/console`: Vite on 127.0.0.1:5173 with /api proxied to the manager
// (`npm start`, 127.0.0.1:8080). In production the manager serves dist/ itself.
export default defineConfig({
  plugins: [react()],
  // @conclave/protocol is read from its TypeScript sources, like the tests do.
  resolve: { conditions: ["source"] },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": { target: process.env.CONCLAVE_MANAGER_URL ?? "http://127.0.0.1:8080" } },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
