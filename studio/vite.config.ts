// The studio's build: Svelte 5, Monaco's workers as files of the build (`?worker` imports), and Blockly's media
// (sprites, cursors, sounds) copied into the build under a folder named after the Blockly version, so the app loads
// nothing from another host. `pnpm dev` proxies the API to a running runtime (VOLTRATE_URL, default :8080).
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig, type Plugin } from "vite";

const require = createRequire(import.meta.url);
const blocklyDir = path.dirname(require.resolve("blockly"));
const blocklyVersion = (JSON.parse(readFileSync(path.join(blocklyDir, "package.json"), "utf8")) as { version: string })
  .version;
const mediaDir = path.join(blocklyDir, "media");
/** Where Blockly's media are served from; the version in the name lets them be cached like hashed assets. */
const mediaPath = `assets/blockly-media-${blocklyVersion}`;

const MEDIA_TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".gif": "image/gif",
  ".cur": "image/x-icon",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".wav": "audio/wav",
};

function blocklyMedia(): Plugin {
  const files = readdirSync(mediaDir, { withFileTypes: true }).filter((f) => f.isFile());
  return {
    name: "voltrate:blockly-media",
    configureServer(server) {
      server.middlewares.use(`/${mediaPath}`, (req, res, next) => {
        const name = decodeURIComponent((req.url ?? "").replace(/^\//, "").split("?")[0] ?? "");
        const file = files.find((f) => f.name === name);
        if (!file) return next();
        res.setHeader("Content-Type", MEDIA_TYPES[path.extname(name)] ?? "application/octet-stream");
        createReadStream(path.join(mediaDir, name)).pipe(res);
      });
    },
    generateBundle() {
      for (const file of files) {
        this.emitFile({
          type: "asset",
          fileName: `${mediaPath}/${file.name}`,
          source: readFileSync(path.join(mediaDir, file.name)),
        });
      }
    },
  };
}

/**
 * Monaco's main module registers some eighty languages, CSS/HTML/JSON language services (each with a worker) and an
 * LSP client. The studio edits TypeScript only: everything else is left out of the build (smaller, faster).
 */
function monacoTypeScriptOnly(): Plugin {
  const entry = /[\\/]monaco-editor[\\/]esm[\\/]vs[\\/]index\.js$/;
  const unused = [
    /languages\/definitions\/(?!typescript\/|javascript\/)[^/]+\/register\.js/,
    /languages\/features\/(css|html|json)\/register\.js/,
    /__src_languages_features_(css|html|json)_register_ts/,
    /monaco-lsp-client|\{ index as lsp \}/,
  ];
  return {
    name: "voltrate:monaco-typescript-only",
    enforce: "pre",
    transform(code, id) {
      if (!entry.test(id)) return null;
      const kept = code.split("\n").filter((line) => !unused.some((pattern) => pattern.test(line)));
      return { code: kept.join("\n"), map: null };
    },
  };
}

const runtimeUrl = process.env.VOLTRATE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [svelte(), blocklyMedia(), monacoTypeScriptOnly()],
  define: { __BLOCKLY_MEDIA__: JSON.stringify(`/${mediaPath}/`) },
  server: {
    port: 5173,
    strictPort: false,
    // Same-origin for the browser: the session cookie and the runtime's Origin check work as in production.
    proxy: {
      "/api": { target: runtimeUrl },
      "/health": { target: runtimeUrl },
    },
  },
  build: {
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8000,
    // Rolldown reports slow plugins at every build; on a 2-core machine Monaco's worker transform always is one.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: "es" },
});
