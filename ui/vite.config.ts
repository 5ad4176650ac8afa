import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The admin panel: a plain Vite + React build into dist/ui, which `idsync serve` serves
// (src/api/static-ui.ts). No React plugin: esbuild's automatic JSX runtime is enough, and fast
// refresh is not worth a dependency for a panel this size.
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    // Hashed file names under assets/ are what static-ui.ts caches as immutable.
    assetsDir: 'assets',
    // Two pages: the admin panel, and the enrollment page users reach from their email (issue 15).
    rollupOptions: { input: { main: fileURLToPath(new URL('./index.html', import.meta.url)), enroll: fileURLToPath(new URL('./enroll.html', import.meta.url)) } },
    // Everything from our own origin: the panel's Content-Security-Policy allows 'self' only.
    assetsInlineLimit: 0,
    // No source maps by default: they would hand anyone the panel's full source (issue 10 item 12).
    // IDSYNC_UI_SOURCEMAPS=1 builds them for debugging, and `idsync serve` serves them only when
    // started with the same variable (src/api/static-ui.ts).
    sourcemap: process.env.IDSYNC_UI_SOURCEMAPS === '1',
  },
  server: {
    // `npm run build:ui -- --watch` or `npx vite --config ui/vite.config.ts` against a running
    // `idsync serve`: the API is proxied so cookies stay same-site.
    proxy: { '/api': { target: process.env.IDSYNC_API ?? 'http://127.0.0.1:8470', changeOrigin: false } },
  },
});
