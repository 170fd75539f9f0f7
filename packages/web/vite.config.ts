import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @tributary/web` proxies the API to a running node (NODE_URL, default :8787).
const node = process.env.NODE_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, manifest: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/v1': node, '/health': node } },
});
