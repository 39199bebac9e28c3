import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  // Accessibility warnings fail the build and svelte-check.
  onwarn: (warning, handler) => {
    throw new Error(`${warning.code}: ${warning.message}`);
  },
};
