import { createScriptSandbox } from "./sandbox.ts";
import { compiled, expectStillServing, session } from "./test-support.ts";

const sb = createScriptSandbox({ onEvent: (e) => console.log("event", e) });
const HEADER = `import { defineScript } from "voltrate:script";\n`;
for (const body of [
  "const hoard: string[][] = []; for (let i = 0; ; i++) hoard.push(new Array(1000).fill(`x${i}`)); ",
  "const hoard: number[][] = []; for (;;) hoard.push(new Array(1e6).fill(0)); ",
]) {
  const c = await compiled(`${HEADER}export default defineScript((s, h) => {\n${body}\n});`);
  const t = performance.now();
  const o = await Promise.race([sb.evaluate(c, session()), new Promise((r) => setTimeout(() => r("HUNG"), 5000))]);
  console.log(JSON.stringify(o), performance.now() - t, sb.stats());
}
await sb.dispose();
