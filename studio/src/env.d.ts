/// <reference types="svelte" />
/// <reference types="vite/client" />

/** Where the build serves Blockly's media from (set in vite.config.ts). */
declare const __BLOCKLY_MEDIA__: string;
