// The toolchain promise: the project's Node is 24 and started without its snapshot, and native packages
// came as prebuilt binaries that load in it (nothing was compiled locally or fetched from another host).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

describe("toolchain", () => {
  it("runs on Node 24 with --no-node-snapshot", () => {
    expect(Number(process.versions.node.split(".")[0])).toBe(24);
    expect(process.execArgv).toContain("--no-node-snapshot");
  });

  it("loads isolated-vm from its prebuilt binary and runs code in an isolate", async () => {
    const ivm = (await import("isolated-vm")).default;
    const isolate = new ivm.Isolate({ memoryLimit: 8 });
    try {
      const context = await isolate.createContext();
      expect(await context.eval("[1, 2, 3].map((n) => n * 7).join(',')")).toBe("7,14,21");
    } finally {
      isolate.dispose();
    }
    const packageDir = path.dirname(require.resolve("isolated-vm/package.json"));
    expect(existsSync(path.join(packageDir, "prebuilds", `${process.platform}-${process.arch}`))).toBe(true);
    expect(existsSync(path.join(packageDir, "build", "Release"))).toBe(false);
  });
});
