// The README's promise, kept honestly: on a copy of the repository with no .tools/ and no node_modules,
// and with the project's Node removed from PATH (so the machine's own, older node and npm are used),
// `npm start` sets everything up and serves /health, and `./voltrate --help` works.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runToEnd, type Started, startAndWaitForUrl } from "../support/process.ts";

/** PATH without the project's own tools, as on a machine that has only its own node and npm. */
const machinePath = (process.env.PATH ?? "")
  .split(path.delimiter)
  .filter((dir) => !dir.includes(`${path.sep}.tools${path.sep}`) && !dir.includes(`${path.sep}node_modules${path.sep}`))
  .join(path.delimiter);

/** The environment of a fresh shell: no variables set by the npm/pnpm process running these tests. */
function freshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|NODE_|VITEST|VOLTRATE_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, PATH: machinePath, ...extra };
}

let clone: string;

beforeAll(() => {
  clone = path.join(mkdtempSync(path.join(tmpdir(), "voltrate-clone-")), "voltrate");
  // What `git clone` of the current work would contain: tracked files plus new files git does not ignore.
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f.length > 0 && existsSync(path.join(repoRoot, f)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(clone, file));
  }
});

let started: Started | undefined;
afterAll(() => {
  if (started?.child.pid) {
    try {
      process.kill(-started.child.pid, "SIGKILL");
    } catch {}
  }
});

describe("fresh clone", () => {
  it("`npm start` bootstraps and serves /health; SIGTERM stops the whole tree", { timeout: 240_000 }, async () => {
    const env = freshEnv({ VOLTRATE_PORT: "0", VOLTRATE_LOG_FORMAT: "json" });
    started = await startAndWaitForUrl("npm", ["start"], { cwd: clone, env, timeoutMs: 220_000, detached: true });

    const health = await fetch(`${started.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", store: { mode: "embedded" } });
    expect(existsSync(path.join(clone, "data"))).toBe(true);

    // The signal reaches every process of the tree (npm, the bootstrap, pnpm, the runtime) at once; npm may
    // exit before the runtime has finished its graceful stop, so wait for the runtime's own last word.
    process.kill(-(started.child.pid as number), "SIGTERM");
    await started.exited;
    const deadline = Date.now() + 15_000;
    while (!started.output().includes('"msg":"shutdown complete"') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(started.output()).toContain('"msg":"shutdown complete"');
    await expect(fetch(`${started.url}/health`)).rejects.toThrow();
  });

  it("`./voltrate --help` lists the commands on stdout only", { timeout: 120_000 }, async () => {
    const result = await runToEnd(path.join(clone, "voltrate"), ["--help"], {
      cwd: clone,
      env: freshEnv(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: \.\/voltrate <command>/);
    expect(result.stderr).toBe("");
  });
});
