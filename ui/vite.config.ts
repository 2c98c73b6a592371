import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import tailwindcss from "@tailwindcss/vite";

// Tauri expects a fixed dev port (tauri.conf.json `devUrl`) and loads the production build
// from `ui/dist` over its own protocol, where the default `/` base resolves correctly.
export default defineConfig({
  plugins: [tailwindcss(), svelte()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_"],
  resolve: {
    alias: { $lib: "/src/lib" },
  },
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    // WebKitGTK 2.50 (Linux) and WebView2 (Windows) both run ES2022.
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // Only the app: `e2e.html` (mocked IPC for tests) is served by the dev server alone.
    rollupOptions: { input: "index.html" },
  },
});
