import { readFileSync } from "node:fs";
import ivm from "isolated-vm";
import { compileScript } from "./compile.ts";
import { preludeSource } from "./prelude.ts";
import { wrapModule } from "./worker.ts";
import { session } from "./test-support.ts";
const iso = new ivm.Isolate({ memoryLimit: 32 });
const prelude = iso.compileScriptSync(preludeSource());
async function load(src: string) {
  const r = await compileScript(src); if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const ctx = iso.createContextSync();
  const install = prelude.runSync(ctx, { reference: true });
  const bind = install.applySync(undefined, [JSON.stringify({ maxResultChars: 65536, maxLogEntries: 50, maxLogEntryChars: 500, maxMessageChars: 1000 })], { result: { reference: true } });
  const factory = iso.compileScriptSync(wrapModule(r.compiled.code)).runSync(ctx, { reference: true });
  return bind.applySync(undefined, [factory.derefInto()], { result: { reference: true } }) as ivm.Reference<(s: string) => string>;
}
const idle = readFileSync("/work/main/rulesets/examples/idle-fee.ts", "utf8");
const variants: Record<string, string> = {
  idle,
  "idle no log": idle.replace(/h\.log\([^;]*;/, ""),
  trivial: `import { defineScript } from "voltrate:script"; export default defineScript(() => ({ lines: [] }));`,
  "dec ops": `import { defineScript } from "voltrate:script"; export default defineScript((s, h) => { const x = h.dec("1.00").div(60).times(90).round(2); return { lines: [] }; });`,
};
const one = JSON.stringify(session({ idleSeconds: 9000 }));
for (const [name, src] of Object.entries(variants)) {
  const ev = await load(src);
  for (const k of [1, 16]) {
    const batch = "[" + Array(k).fill(one).join(",") + "]";
    for (let i = 0; i < 3000; i++) ev.applySync(undefined, [batch]);
    let n = 0; const t = performance.now();
    while (performance.now() - t < 1000) { ev.applySync(undefined, [batch]); n += k; }
    console.log(name.padEnd(12), "batch", k, ((performance.now() - t) * 1000 / n).toFixed(2), "µs/eval");
  }
}
