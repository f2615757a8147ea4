import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The UI lives in ui/; its build (ui/dist) is what tauri.conf.json loads.
export default defineConfig({
  root: "ui",
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
    // One local bundle (React, markdown-it, highlight.js): loaded from disk, not the network.
    chunkSizeWarningLimit: 800,
  },
  test: {
    root: "ui",
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
