// The sandbox prelude: isolate/entry.ts bundled with its helpers and decimal.js into one self-contained script whose
// completion value is the `install` function (see isolate/entry.ts). Bundled once per process, on first use.
import { buildSync } from "esbuild";

const ENTRY = new URL("./isolate/entry.ts", import.meta.url);

let cached: string | undefined;

/** The prelude's source: a script (not a module) that evaluates to `install` and defines no global. */
export function preludeSource(): string {
  if (cached !== undefined) return cached;
  const built = buildSync({
    entryPoints: [ENTRY.pathname],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "neutral",
    target: "es2024",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const body = built.outputFiles[0]?.text;
  if (body === undefined) throw new Error("the script sandbox prelude did not build");
  cached = `(function () {"use strict"; const module = { exports: {} };
(function (module, exports) {${body}
})(module, module.exports);
return module.exports.install; })()`;
  return cached;
}
