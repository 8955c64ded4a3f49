// The studio: the single-page app built into `studio/dist`, served at `/`.
//
// - Files of the build are served as they are; those under /assets/ carry a content hash in their names (or, for
//   Blockly's media, the Blockly version in their folder) and are cached for a year, everything else (index.html)
//   is revalidated on every load, so a new build shows at the next reload.
// - A browser navigation (Accept: text/html) to any other path that no route answers gets index.html, and the app
//   routes on the client. Requests that do not ask for HTML (API clients, curl) still get the runtime's problem
//   JSON for unknown paths, and `/api/` is never answered with the app.
// - Mounted before the JSON index (`indexRoutes`), the studio answers `/` for browsers; other clients still get the
//   JSON index there.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, MiddlewareHandler } from "hono";
import type { RouteModule } from "../app.ts";

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";

/**
 * What the app may load: only itself. Inline styles are needed by Blockly and Monaco, which style their widgets at
 * runtime; workers are files of the build; nothing comes from another host.
 */
export const STUDIO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const wantsHtml = (c: Context) => (c.req.header("Accept") ?? "").includes("text/html");

const isApi = (p: string) => p === "/api" || p.startsWith("/api/");

/** The file of the build a path names, or undefined (outside the folder, a folder, missing, not decodable). */
async function buildFile(distDir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.split(/[\\/]/).some((s) => s === "..")) return undefined;
  const file = path.join(distDir, decoded);
  if (!file.startsWith(distDir + path.sep)) return undefined;
  try {
    return (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Voltrate studio</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The studio has not been built</h1>
<p>Build it with <code>pnpm --filter @voltrate/studio build</code> (or start with <code>npm start</code>, which builds it),
then reload this page. The REST API is available under <a href="/api/v1/openapi.json">/api/v1</a>.</p>
</body></html>
`;

/** Serves the studio build in `distDir` (absolute or relative to the working directory). */
export function studioRoutes(distDir: string): RouteModule {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, "index.html");
  // Made on first use: serveStatic complains on the console about a root that does not exist (yet).
  let files: MiddlewareHandler | undefined;

  const appPage = async (c: Context): Promise<Response> => {
    const headers: Record<string, string> = {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": REVALIDATE,
      "Content-Security-Policy": STUDIO_CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    };
    let html: string;
    let status: 200 | 503 = 200;
    try {
      html = await readFile(indexFile, "utf8");
    } catch {
      html = NOT_BUILT;
      status = 503;
    }
    return c.req.method === "HEAD" ? c.body(null, status, headers) : c.body(html, status, headers);
  };

  return (app) => {
    app.use("*", async (c, next) => {
      if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
      const urlPath = c.req.path;
      if (isApi(urlPath)) return next();
      if (urlPath === "/" || urlPath === "/index.html") return wantsHtml(c) || urlPath !== "/" ? appPage(c) : next();
      if (await buildFile(root, urlPath)) {
        c.header("Cache-Control", urlPath.startsWith("/assets/") ? IMMUTABLE : REVALIDATE);
        c.header("X-Content-Type-Options", "nosniff");
        files ??= serveStatic({ root });
        return files(c, next);
      }
      await next();
      if (c.res.status === 404 && wantsHtml(c)) {
        const page = await appPage(c);
        c.res = undefined;
        c.res = page;
      }
    });
  };
}
