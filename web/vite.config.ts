import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// Built by the server's deploy: `vite build --config web/vite.config.ts` -> web/dist (served with an SPA fallback).
// Dev: `vite --config web/vite.config.ts` proxies /v1 to the API (TOLLGATE_API, default http://127.0.0.1:3000).
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: { '/v1': { target: process.env.TOLLGATE_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  preview: {
    proxy: { '/v1': { target: process.env.TOLLGATE_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
