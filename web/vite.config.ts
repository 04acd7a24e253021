import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

// The server's CSP allows no inline script or style: no modulepreload polyfill
// (Vite would inline it), CSS always in files, hashed names for long caching.
export default defineConfig({
  root,
  plugins: [react()],
  base: '/',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    manifest: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
