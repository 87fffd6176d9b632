import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/** The web build only; tests run with `vitest.config.ts`. */
export default defineConfig({
  plugins: [sveltekit()],
  build: {
    sourcemap: false,
    reportCompressedSize: false,
  },
});
