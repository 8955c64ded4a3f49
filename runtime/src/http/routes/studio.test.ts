import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type RouteModule } from "../app.ts";
import { indexRoutes } from "./index-page.ts";
import { IMMUTABLE, STUDIO_CSP, studioRoutes } from "./studio.ts";

let dir: string;
let dist: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "voltrate-studio-routes-"));
  dist = path.join(dir, "dist");
  await mkdir(path.join(dist, "assets", "blockly-media-13.3.0"), { recursive: true });
  await writeFile(path.join(dist, "index.html"), "<!doctype html><title>Studio</title>");
  await writeFile(path.join(dist, "assets", "app-Ab12.js"), "console.log(1)");
  await writeFile(path.join(dist, "assets", "blockly-media-13.3.0", "sprites.svg"), "<svg/>");
  await writeFile(path.join(dist, "favicon.svg"), "<svg/>");
  await writeFile(path.join(dir, "secret.txt"), "outside");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const html = { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

function appWith(routes: RouteModule[]) {
  return createApp({ logger: pino({ level: "silent" }), routes });
}

const api: RouteModule = (app) => {
  app.get("/api/v1/thing", (c) => c.json({ thing: true }));
  app.get("/health", (c) => c.json({ status: "ok" }));
};

describe("studioRoutes", () => {
  it("serves the app at / to browsers, and leaves / to the JSON index for other clients", async () => {
    const app = appWith([studioRoutes(dist), indexRoutes({ version: "0.1.0" }), api]);
    const page = await app.request("/", { headers: html });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Studio</title>");
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("Cache-Control")).toBe("no-cache");
    expect(page.headers.get("Content-Security-Policy")).toBe(STUDIO_CSP);
    expect(page.headers.get("X-Request-Id")).toBeTruthy();

    const index = await app.request("/", { headers: { Accept: "*/*" } });
    expect(await index.json()).toMatchObject({ name: "Voltrate runtime" });
  });

  it("serves build files, hashed assets with a year of caching", async () => {
    const app = appWith([api, studioRoutes(dist)]);
    const js = await app.request("/assets/app-Ab12.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    expect(js.headers.get("Cache-Control")).toBe(IMMUTABLE);
    expect(await js.text()).toBe("console.log(1)");
    const media = await app.request("/assets/blockly-media-13.3.0/sprites.svg");
    expect(media.headers.get("Cache-Control")).toBe(IMMUTABLE);
    const icon = await app.request("/favicon.svg");
    expect(icon.headers.get("Cache-Control")).toBe("no-cache");
    const head = await app.request("/assets/app-Ab12.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe("14");
  });

  it("answers browser navigations to client routes with the app, other clients with 404 problem JSON", async () => {
    const app = appWith([api, studioRoutes(dist)]);
    const deep = await app.request("/rulesets/msp-nl-retail", { headers: html });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain("<title>Studio</title>");
    expect(deep.headers.get("X-Request-Id")).toBeTruthy();

    const plain = await app.request("/rulesets/msp-nl-retail");
    expect(plain.status).toBe(404);
    expect(plain.headers.get("Content-Type")).toBe("application/problem+json");
    const missingAsset = await app.request("/assets/gone-123.js", { headers: { Accept: "*/*" } });
    expect(missingAsset.status).toBe(404);
  });

  it("never answers /api/ with the app, and leaves other routes alone", async () => {
    const app = appWith([studioRoutes(dist), api]);
    const missing = await app.request("/api/v1/nope", { headers: html });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await (await app.request("/api/v1/thing", { headers: html })).json()).toEqual({ thing: true });
    expect(await (await app.request("/health", { headers: html })).json()).toEqual({ status: "ok" });
    const post = await app.request("/rulesets", { method: "POST", headers: html });
    expect(post.status).toBe(404);
  });

  it("serves nothing outside the build folder", async () => {
    const app = appWith([studioRoutes(dist)]);
    for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/%E0%A4%A"]) {
      const res = await app.request(p, { headers: { Accept: "*/*" } });
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain("outside");
    }
  });

  it("says how to build the studio when it has not been built", async () => {
    const app = appWith([studioRoutes(path.join(dir, "missing"))]);
    const res = await app.request("/rulesets", { headers: html });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("pnpm --filter @voltrate/studio build");
  });
});
