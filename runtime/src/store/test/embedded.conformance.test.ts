import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { EmbeddedStore } from "../embedded/embedded-store.ts";
import { describeStoreConformance } from "./conformance.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describeStoreConformance(
  "embedded",
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "voltrate-store-conf-"));
    dirs.push(dir);
    return EmbeddedStore.open({ dataDir: dir });
  },
  { atomicUpdateMany: true },
);
