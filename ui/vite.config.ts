import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The engine the dev server forwards /ws and /api to (`npm start` listens on 8765). */
const engine = process.env.STEMSTREAM_ENGINE ?? 'http://127.0.0.1:8765';

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 400 },
  server: {
    proxy: {
      '/ws': { target: engine.replace(/^http/, 'ws'), ws: true },
      '/api': { target: engine },
    },
  },
});
