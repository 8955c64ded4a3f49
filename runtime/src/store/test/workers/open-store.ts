// Child process for the lock tests: tries to open the embedded store at argv[2] and prints the
// outcome as one JSON line ({ ok } or { code, message }).
import { EmbeddedStore } from "../../embedded/embedded-store.ts";
import { StoreError } from "../../types.ts";
import "./run-as.ts";

const dir = process.argv[2] as string;
try {
  const store = await EmbeddedStore.open({ dataDir: dir });
  process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid })}\n`);
  await store.close();
} catch (error) {
  const code = error instanceof StoreError ? error.code : "UNEXPECTED";
  process.stdout.write(`${JSON.stringify({ ok: false, code, message: (error as Error).message })}\n`);
}
