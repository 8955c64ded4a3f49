// Svelte 5 with runes everywhere; TypeScript in components is type annotations only (no preprocessor needed).
export default {
  compilerOptions: { runes: true },
};
