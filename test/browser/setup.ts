// What the browser tests need before a page opens: Chromium (Debian's, driven by playwright-core — never a downloaded
// browser), a studio build no older than its sources, and a real runtime serving it with sign-in, in-process, on a
// free port, with its data in a temporary folder.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Runtime } from "@voltrate/runtime";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { Users } from "../../runtime/src/auth/users.ts";
import { createTestRuntime } from "../../runtime/src/testing/test-runtime.ts";
import { repoRoot } from "../support/process.ts";

export const studioDir = path.join(repoRoot, "studio");
export const studioDist = path.join(studioDir, "dist");
export const screenshotDir = path.join(repoRoot, "test-output", "screenshots");

const log = (message: string) => process.stderr.write(`test/browser: ${message}\n`);

// --- Chromium ---------------------------------------------------------------------------------------------------

/** Where Chromium is looked for: VOLTRATE_CHROMIUM, else Debian's package. */
export const chromiumPath = process.env.VOLTRATE_CHROMIUM ?? "/usr/bin/chromium";

const INSTALL_HINT =
  `The browser tests need Chromium at ${chromiumPath}. Install Debian's package (as root: ` +
  "apt-get update && apt-get install -y chromium), or set VOLTRATE_CHROMIUM to a Chromium or Chrome binary.";

/**
 * Chromium's path. When it is missing and the tests run as root on a machine with apt-get, Debian's `chromium` is
 * installed (one log line says so); otherwise the tests stop with one message saying what to install.
 */
export function ensureChromium(): string {
  if (existsSync(chromiumPath)) return chromiumPath;
  const canInstall =
    process.env.VOLTRATE_CHROMIUM === undefined &&
    process.getuid?.() === 0 &&
    spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!canInstall) throw new Error(INSTALL_HINT);
  log("Chromium is missing: installing Debian's chromium (apt-get update && apt-get install -y chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update"], { env, stdio: "pipe", maxBuffer: 64 * 1024 * 1024 });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      env,
      stdio: "pipe",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "")
      .trim()
      .split("\n")
      .slice(-3)
      .join(" ");
    throw new Error(`Installing Chromium failed (${stderr || (error as Error).message}). ${INSTALL_HINT}`);
  }
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium, but ${chromiumPath} is still missing.`);
  log(`Chromium installed at ${chromiumPath}.`);
  return chromiumPath;
}

/** Flags that work headless as root in a container; a fresh profile comes from playwright's user data dir. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true });
}

// --- The studio build -------------------------------------------------------------------------------------------

/** What the build is made from: the studio's sources and the SDK modules it bundles. */
const BUILD_INPUTS = [
  "studio/src",
  "studio/public",
  "studio/index.html",
  "studio/vite.config.ts",
  "studio/svelte.config.js",
  "studio/package.json",
  "sdk/src/blockly",
  "sdk/src/script",
  "sdk/src/rules",
  "pnpm-lock.yaml",
];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Whether studio/dist is missing or older than one of its inputs. */
export function studioBuildIsStale(): boolean {
  const index = path.join(studioDist, "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtime(path.join(repoRoot, input)) > built);
}

/** Builds the studio (vite build) when studio/dist is missing or stale. */
export function ensureStudioBuilt(): void {
  if (!studioBuildIsStale()) return;
  log("building the studio (studio/dist is missing or older than its sources)…");
  const vite = path.join(studioDir, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) throw new Error("The studio's dependencies are not installed: run pnpm install.");
  const started = Date.now();
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: studioDir,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`The studio build failed:\n${result.stdout}\n${result.stderr}`);
  }
  log(`studio built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

// --- The runtime ------------------------------------------------------------------------------------------------

export interface StudioServer {
  runtime: Runtime;
  url: string;
  /** A user that can sign in (admin). */
  username: string;
  password: string;
  close(): Promise<void>;
}

/**
 * A real runtime on 127.0.0.1 and a free port, with a temporary data folder, serving the studio build (the runtime
 * serves studio/dist itself); an admin user is created to sign in with.
 */
export async function startStudioServer(): Promise<StudioServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-browser-"));
  const runtime = await createTestRuntime(dataDir);
  try {
    const users = new Users(runtime.store);
    const username = "tariff.manager";
    const password = "browser test password";
    await users.create(username, password, "admin");
    const url = await runtime.start();
    return {
      runtime,
      url,
      username,
      password,
      async close() {
        await runtime.shutdown();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await runtime.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return path.join(screenshotDir, `${name}.png`);
}

// --- A signed-out studio page, opened for one test file ---------------------------------------------------------

/** What the pages of a test file did: every request of their contexts, uncaught page errors, console errors. */
export interface CapturedTraffic {
  requests: string[];
  pageErrors: string[];
  consoleErrors: string[];
}

export interface StudioPage extends CapturedTraffic {
  readonly server: StudioServer;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /**
   * Another page in a context of its own (another user's browser), captured like the first one and photographed as
   * `<failureShot>-<test name>` when a test fails.
   */
  newPage(failureShot: string, options?: BrowserContextOptions): Promise<Page>;
}

export interface StudioPageOptions {
  /** The name of the main page's picture when a test fails, before "-<test name>"; default "failed". */
  failureShot?: string;
  /** Over the defaults: 1280×800, en-GB. */
  context?: BrowserContextOptions;
  /** Run against the server before the browser starts: data and users the tests need. */
  prepare?: (server: StudioServer) => Promise<void>;
}

export const DEFAULT_CONTEXT: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: "en-GB" };

/**
 * Registers the test file's hooks: before all, a studio server and a page in Chromium (signed out, every request and
 * error captured); after a failed test, a picture of every page; after all, everything closed. The fields are set once
 * the first hook has run.
 */
export function useStudioPage(options: StudioPageOptions = {}): StudioPage {
  const captured: CapturedTraffic = { requests: [], pageErrors: [], consoleErrors: [] };
  const shots: { page: Page; name: string }[] = [];
  let server: StudioServer | undefined;
  let browser: Browser | undefined;
  let main: { context: BrowserContext; page: Page } | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the studio page is opened in beforeAll; use it inside a test");
    return value;
  };

  const open = async (failureShot: string, contextOptions: BrowserContextOptions = {}) => {
    const context = await ready(browser).newContext({ ...DEFAULT_CONTEXT, ...contextOptions });
    context.on("request", (request) => captured.requests.push(request.url()));
    const page = await context.newPage();
    page.on("pageerror", (error) => captured.pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") captured.consoleErrors.push(message.text());
    });
    shots.push({ page, name: failureShot });
    return { context, page };
  };

  beforeAll(async () => {
    ensureChromium();
    ensureStudioBuilt();
    server = await startStudioServer();
    await options.prepare?.(server);
    browser = await launchChromium();
    main = await open(options.failureShot ?? "failed", options.context);
  }, 900_000);

  // A failed step leaves a picture of what the browser showed.
  afterEach(async ({ task }) => {
    if (task.result?.state !== "fail") return;
    const test = task.name.replace(/\W+/g, "-");
    for (const { page, name } of shots) {
      await page.screenshot({ path: screenshotPath(`${name}-${test}`) }).catch(() => {});
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    ...captured,
    get server() {
      return ready(server);
    },
    get browser() {
      return ready(browser);
    },
    get context() {
      return ready(main).context;
    },
    get page() {
      return ready(main).page;
    },
    newPage: async (failureShot, contextOptions) => (await open(failureShot, contextOptions)).page,
  };
}

/** Fills in and sends the sign-in form the page shows. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Ingests a batch of CDRs from the page (its session cookie signs the request in); the counts the runtime answers. */
export function ingestFromPage(page: Page, batch: Record<string, unknown>[]): Promise<Record<string, number>> {
  return page.evaluate(async (body) => {
    const response = await fetch("/api/v1/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { counts: Record<string, number> }).counts;
  }, batch);
}

/** The page loaded nothing from another host than the studio's (data: and blob: URLs are the page's own). */
export function expectNothingForeign(requests: string[], studioUrl: string): void {
  const origin = new URL(studioUrl).origin;
  expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url))).toEqual([]);
}

/** No uncaught script error, and no console error but the refusals the test asked for (`expected`). */
export function expectNoScriptErrors(captured: CapturedTraffic, expected: RegExp): void {
  expect(captured.pageErrors).toEqual([]);
  expect(captured.consoleErrors.filter((e) => !expected.test(e))).toEqual([]);
}
