// Builds the COP web app (web/ → web/dist), served by the same Fastify process (src/server/). No CDN,
// no remote fonts: everything the page loads comes from this server.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: {
    // `npx vite web` during development: the API and basemap come from a running `triwatch demo`.
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
      "/basemap": "http://127.0.0.1:8080",
    },
  },
});
