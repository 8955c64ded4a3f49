#!/usr/bin/env node
// Bootstrap: makes a fresh clone runnable with nothing but an older Node and npm on the machine.
//
//   node scripts/bootstrap.mjs [--quiet] [-- command args...]
//
// 1. Node: when the `node` running this script is older than the major in .node-version, the exact
//    version is fetched from the npm registry (package node-<platform>-<arch>, which carries the
//    binary and headers) into .tools/. 2. pnpm: the version pinned in package.json `packageManager`
//    is fetched from the npm registry into .tools/. 3. `pnpm install --frozen-lockfile`, skipped when
//    a stamp shows nothing changed. 4. The command runs with .tools/bin first on PATH.
//
// Written for any Node >= 18 (plain ESM, no dependencies) because it runs before anything is installed.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const toolsDir = path.join(root, ".tools");
const binDir = path.join(toolsDir, "bin");

const argv = process.argv.slice(2);
const quiet = argv.includes("--quiet");
const sep = argv.indexOf("--");
const command = sep >= 0 ? argv.slice(sep + 1) : [];

function say(message) {
  // Progress goes to stderr so that stdout carries only the command's own output.
  if (!quiet) process.stderr.write(`[bootstrap] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[bootstrap] error: ${message}\n`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: "utf8", ...options });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    fail(`${cmd} ${args.join(" ")} exited with ${result.status}\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
  return result.stdout ?? "";
}

/** Fetches one package tarball from the npm registry (with npm's own configuration) and unpacks it. */
function fetchNpmPackage(spec, destination) {
  const staging = fs.mkdtempSync(path.join(toolsDir, ".staging-"));
  try {
    say(`fetching ${spec} from the npm registry`);
    const out = run("npm", ["pack", spec, "--silent", "--pack-destination", staging]);
    const tarball = path.join(staging, out.trim().split("\n").pop());
    run("tar", ["-xzf", tarball, "-C", staging]);
    fs.rmSync(destination, { recursive: true, force: true });
    fs.renameSync(path.join(staging, "package"), destination);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function ensureNode() {
  const wanted = fs.readFileSync(path.join(root, ".node-version"), "utf8").trim();
  const wantedMajor = Number(wanted.split(".")[0]);
  const currentMajor = Number(process.versions.node.split(".")[0]);
  if (currentMajor >= wantedMajor) return process.execPath;

  const platform = os.platform() === "win32" ? "win" : os.platform();
  const dir = path.join(toolsDir, `node-v${wanted}`);
  const nodeBin = path.join(dir, "bin", "node");
  if (!fs.existsSync(nodeBin)) {
    say(`node ${process.versions.node} is older than ${wantedMajor}; installing node ${wanted} into .tools/`);
    fetchNpmPackage(`node-${platform}-${os.arch()}@${wanted}`, dir);
    fs.chmodSync(nodeBin, 0o755);
  }
  return nodeBin;
}

function ensurePnpm() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(pkg.packageManager ?? "");
  if (!match) fail('package.json "packageManager" must pin pnpm as pnpm@x.y.z');
  const version = match[1];
  const dir = path.join(toolsDir, `pnpm-${version}`);
  const entry = path.join(dir, "bin", "pnpm.cjs");
  if (!fs.existsSync(entry)) fetchNpmPackage(`pnpm@${version}`, dir);
  return entry;
}

function writeShims(nodeBin, pnpmEntry) {
  fs.mkdirSync(binDir, { recursive: true });
  const nodeLink = path.join(binDir, "node");
  const pnpmShimText = `#!/bin/sh\nexec "${nodeLink}" "${pnpmEntry}" "$@"\n`;
  let current = null;
  try {
    current = fs.readlinkSync(nodeLink);
  } catch {}
  if (current !== nodeBin) {
    fs.rmSync(nodeLink, { force: true });
    fs.symlinkSync(nodeBin, nodeLink);
  }
  const pnpmShim = path.join(binDir, "pnpm");
  if (!fs.existsSync(pnpmShim) || fs.readFileSync(pnpmShim, "utf8") !== pnpmShimText) {
    fs.writeFileSync(pnpmShim, pnpmShimText, { mode: 0o755 });
  }
}

/** Everything that decides what `pnpm install` would do: lockfile, manifests, workspace, Node version. */
function installFingerprint(nodeBin) {
  const hash = createHash("sha256");
  hash.update(nodeBin);
  const files = ["pnpm-lock.yaml", "pnpm-workspace.yaml", "package.json", ".npmrc"];
  for (const dir of ["sdk", "runtime", "studio", "test"]) files.push(path.join(dir, "package.json"));
  const pluginsDir = path.join(root, "plugins");
  if (fs.existsSync(pluginsDir)) {
    for (const name of fs.readdirSync(pluginsDir).sort()) files.push(path.join("plugins", name, "package.json"));
  }
  for (const file of files) {
    const full = path.join(root, file);
    hash.update(file);
    if (fs.existsSync(full)) hash.update(fs.readFileSync(full));
  }
  return hash.digest("hex");
}

function ensureDependencies(env, nodeBin) {
  const stampFile = path.join(root, "node_modules", ".voltrate-install-stamp");
  const fingerprint = installFingerprint(nodeBin);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === fingerprint) return;
  say("installing dependencies (pnpm install --frozen-lockfile)");
  const result = spawnSync("pnpm", ["install", "--frozen-lockfile", "--reporter=append-only"], {
    cwd: root,
    env,
    stdio: ["ignore", quiet ? "ignore" : process.stderr, process.stderr],
  });
  if (result.status !== 0) fail("pnpm install failed");
  fs.writeFileSync(stampFile, fingerprint);
}

fs.mkdirSync(toolsDir, { recursive: true });
const nodeBin = ensureNode();
const pnpmEntry = ensurePnpm();
writeShims(nodeBin, pnpmEntry);

const env = {
  ...process.env,
  PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
  // Native addons (isolated-vm) must match this Node; its headers ship in the same package.
  npm_config_nodedir: path.dirname(path.dirname(nodeBin)),
  COREPACK_ENABLE_STRICT: "0",
};
ensureDependencies(env, nodeBin);

if (command.length === 0) process.exit(0);

const child = spawn(command[0], command.slice(1), { cwd: process.cwd(), env, stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
const forward = (signal) => child.kill(signal);
for (const signal of forwarded) process.on(signal, forward);
child.on("error", (error) => fail(`could not start ${command[0]}: ${error.message}`));
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so that whoever started us sees what happened to the command.
    for (const s of forwarded) process.off(s, forward);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
