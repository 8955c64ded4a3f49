// What the browser tests need before a page opens: Chromium (Debian's, driven by playwright-core — never a downloaded
// browser), a studio build no older than its sources, and a real runtime serving it with sign-in, in-process, on a
// free port, with its data in a temporary folder.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRuntime, loadConfig, type Runtime } from "@voltrate/runtime";
import { pino } from "pino";
import { type Browser, chromium } from "playwright-core";
import { Users } from "../../runtime/src/auth/users.ts";
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
  const logger = pino({ level: "silent" });
  const runtime = await createRuntime({
    config: loadConfig({
      VOLTRATE_DATA_DIR: dataDir,
      VOLTRATE_HOST: "127.0.0.1",
      VOLTRATE_PORT: "0",
      VOLTRATE_DEMO_DATA: "false",
      VOLTRATE_LOG_LEVEL: "silent",
    }),
    logger,
  });
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
