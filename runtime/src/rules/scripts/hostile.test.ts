// Hostile scripts: each one fails its own evaluation with a clear error code, and a normal script evaluates correctly
// right after it, on the same sandbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledScript, SCRIPT_ABI, scriptHash } from "./compile.ts";
import { createScriptSandbox, type ScriptSandbox } from "./sandbox.ts";
import { compiled, errorOf, expectStillServing, NORMAL_SOURCE, session } from "./test-support.ts";
import type { ScriptSandboxEvent } from "./types.ts";

const HEADER = `import { defineScript } from "voltrate:script";\n`;
/** Fills the heap fast: 100,000-element arrays (800 kB each) until something gives. */
const HEAP_BOMB = "const hoard: number[][] = []; for (;;) hoard.push(new Array(100_000).fill(0));";

/** A script whose function body is `body` (it may return anything: `as never` gets past the type check). */
function script(body: string, prelude = ""): string {
  return `${HEADER}${prelude}\nexport default defineScript((s, h) => {\n${body}\n});\n`;
}

/** A compiled script made by hand (not by the compiler): the sandbox must not trust what it is given. */
function handMade(code: string): CompiledScript {
  return { hash: scriptHash(`hand-made:${code}`), abi: SCRIPT_ABI, code };
}

describe("hostile scripts", () => {
  let sandbox: ScriptSandbox;
  const events: ScriptSandboxEvent[] = [];

  beforeAll(() => {
    sandbox = createScriptSandbox({ onEvent: (event) => events.push(event) });
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  async function evaluate(source: string) {
    return sandbox.evaluate(await compiled(source), session());
  }

  describe("running away", () => {
    it("an endless loop times out", async () => {
      const endless = await compiled(script("for (;;) {}"));
      const started = performance.now();
      expect(errorOf(await sandbox.evaluate(endless, session()))).toEqual({
        code: "SCRIPT_TIMEOUT",
        message: "the script ran longer than 50 ms (an endless loop?)",
      });
      expect(performance.now() - started).toBeLessThan(1_000);
      await expectStillServing(sandbox);
    });

    it("an endless loop that catches everything still times out", async () => {
      const body = "while (true) { try { for (;;) {} } catch { /* keep going */ } finally { for (;;) {} } }";
      expect(errorOf(await evaluate(script(body))).code).toBe("SCRIPT_TIMEOUT");
      await expectStillServing(sandbox);
    });

    it("a loop V8 compiles while it runs (on-stack replacement) still stops on time", async () => {
      // Without --no-concurrent-osr (see worker.ts) isolated-vm cannot stop this loop: the isolate is lost.
      const loop = await compiled(
        script("const hoard: number[][] = []; for (;;) { hoard.push(new Array(1000).fill(0)); hoard.length = 0; }"),
      );
      const started = performance.now();
      expect(errorOf(await sandbox.evaluate(loop, session())).code).toBe("SCRIPT_TIMEOUT");
      expect(performance.now() - started).toBeLessThan(1_000);
      await expectStillServing(sandbox);
    });

    it("an endless chain of microtasks times out", async () => {
      const body = "const again = (): void => { void Promise.resolve().then(again); }; again(); return { lines: [] };";
      expect(errorOf(await evaluate(script(body))).code).toBe("SCRIPT_TIMEOUT");
      await expectStillServing(sandbox);
    });

    it("runaway recursion overflows the stack", async () => {
      const source = script("return deep(0) as never;", "function deep(n: number): number { return deep(n + 1) + 1; }");
      expect(errorOf(await evaluate(source))).toEqual({
        code: "SCRIPT_STACK_OVERFLOW",
        message: "maximum call stack size exceeded (runaway recursion?)",
      });
      await expectStillServing(sandbox);
    });
  });

  describe("memory", () => {
    it("a memory bomb hits the memory limit; its isolate is replaced", async () => {
      // A generous time limit, so that memory runs out first.
      const events: ScriptSandboxEvent[] = [];
      const roomy = createScriptSandbox({ memoryLimitMb: 16, timeoutMs: 5_000, onEvent: (e) => events.push(e) });
      try {
        expect(errorOf(await roomy.evaluate(await compiled(script(HEAP_BOMB)), session()))).toEqual({
          code: "SCRIPT_MEMORY",
          message: "the script used more than the 16 MB memory limit",
        });
        expect(roomy.stats()).toMatchObject({ isolates: 2, replaced: 1 });
        expect(events).toEqual([
          {
            type: "isolate-replaced",
            isolate: expect.any(Number),
            reason: "memory: Isolate was disposed during execution due to memory limit",
          },
        ]);
        await expectStillServing(roomy);
      } finally {
        await roomy.dispose();
      }
    });

    it("with the default limits, a memory bomb fails on whichever limit it reaches first", async () => {
      const error = errorOf(await evaluate(script(HEAP_BOMB)));
      expect(["SCRIPT_MEMORY", "SCRIPT_TIMEOUT"]).toContain(error.code);
      await expectStillServing(sandbox);
    });

    it("a string bomb or a huge buffer runs out of memory inside the isolate", async () => {
      // A fresh sandbox with a generous time limit: what a previous bomb left for the garbage collector must not
      // turn these into timeouts.
      const roomy = createScriptSandbox({ timeoutMs: 5_000 });
      try {
        const strings = await roomy.evaluate(
          await compiled(script('let text = "x"; for (;;) text += text;')),
          session(),
        );
        expect(errorOf(strings)).toEqual({
          code: "SCRIPT_MEMORY",
          message: "the script used more than the 32 MB memory limit (Invalid string length)",
        });
        const buffer = await roomy.evaluate(
          await compiled(script("new Uint8Array(2 ** 31); return { lines: [] };")),
          session(),
        );
        expect(errorOf(buffer)).toEqual({
          code: "SCRIPT_MEMORY",
          message: "the script used more than the 32 MB memory limit (Array buffer allocation failed)",
        });
        expect(roomy.stats().replaced).toBe(0);
        await expectStillServing(roomy);
      } finally {
        await roomy.dispose();
      }
      await expectStillServing(sandbox);
    });
  });

  describe("escape attempts reach nothing of the host", () => {
    const HOST_NAMES = ["process", "require", "module", "Buffer", "setTimeout", "setImmediate", "fetch", "ivm", "_ivm"];

    /** Runs `expression` (which yields a global object or a function) and reports what it sees. */
    async function look(expression: string) {
      const body = `const found = (${expression}) as any;
const g = typeof found === "function" ? found() : found;
return { lines: [], notes: [${HOST_NAMES.map((n) => `typeof g?.${n}`).join(", ")}, Object.getOwnPropertyNames(g ?? {}).join(",")] };`;
      return evaluate(script(body));
    }

    function expectNothingOfTheHost(outcome: Awaited<ReturnType<typeof look>>): void {
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      const notes = outcome.result.notes ?? [];
      expect(notes.slice(0, HOST_NAMES.length)).toEqual(HOST_NAMES.map(() => "undefined"));
      const globals = (notes[HOST_NAMES.length] ?? "").split(",");
      for (const name of HOST_NAMES) expect(globals).not.toContain(name);
      expect(globals).not.toContain("WebAssembly");
    }

    it("this.constructor.constructor('return process')()", async () => {
      // `this` is undefined in a script's function (strict mode): there is nothing to climb.
      const outcome = await evaluate(
        script('return (this as any).constructor.constructor("return process")() as never;', ""),
      );
      expect(errorOf(outcome).code).toBe("SCRIPT_THREW");
      expect(errorOf(outcome).message).toMatch(/^TypeError: Cannot read properties of undefined/);
      await expectStillServing(sandbox);
    });

    it("({}).constructor.constructor('return this')()", async () => {
      expectNothingOfTheHost(await look(`({}).constructor.constructor("return this")`));
      await expectStillServing(sandbox);
    });

    it('Function("return globalThis")()', async () => {
      expectNothingOfTheHost(await look(`Function("return globalThis")`));
      await expectStillServing(sandbox);
    });

    it("the constructors of the helpers and of the session", async () => {
      expectNothingOfTheHost(await look(`h.line.constructor("return this")`));
      expectNothingOfTheHost(await look(`(s as any).constructor.constructor("return this")`));
      expectNothingOfTheHost(await look(`(h.dec(1) as any).constructor.constructor("return this")`));
      expectNothingOfTheHost(await look(`Object.getPrototypeOf(function* () {}).constructor("return this")`));
      await expectStillServing(sandbox);
    });

    it("a stack trace exposes no host frames and cannot be rewritten", async () => {
      const body = `const e = new Error("probe");
const frames = String(e.stack).split("\\n").slice(1).join(" | ");
let rewrite = "refused";
try { (Error as any).prepareStackTrace = () => "mine"; rewrite = "allowed"; } catch { /* frozen */ }
return { lines: [], notes: [frames, rewrite] };`;
      const outcome = await evaluate(script(body));
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      const [frames, rewrite] = outcome.result.notes ?? [];
      expect(frames).not.toMatch(/node:|\/work\/|file:/);
      expect(rewrite).toBe("refused");
      await expectStillServing(sandbox);
    });

    it("cannot import or require anything", async () => {
      const code = 'const fs = require("fs"); module.exports = { default: () => ({ lines: [] }) };';
      expect(errorOf(await sandbox.evaluate(handMade(code), session()))).toEqual({
        code: "SCRIPT_THREW",
        message: 'Error: scripts cannot import fs; only "voltrate:script" is available',
      });
      await expectStillServing(sandbox);
    });
  });

  describe("throwing", () => {
    it("an Error", async () => {
      expect(errorOf(await evaluate(script('throw new RangeError("no tariff for this EVSE");')))).toEqual({
        code: "SCRIPT_THREW",
        message: "RangeError: no tariff for this EVSE",
      });
      await expectStillServing(sandbox);
    });

    it("a value that is not an Error", async () => {
      expect(errorOf(await evaluate(script('throw "oops";')))).toEqual({
        code: "SCRIPT_THREW",
        message: "threw a non-Error value: oops",
      });
      await expectStillServing(sandbox);
    });

    it("an object whose every property throws", async () => {
      const body =
        "throw new Proxy({}, { get() { throw new Error('gotcha'); }, getPrototypeOf() { throw new Error('gotcha'); } });";
      const error = errorOf(await evaluate(script(body)));
      expect(error.code).toBe("SCRIPT_THREW");
      expect(error.message.length).toBeLessThan(200);
      await expectStillServing(sandbox);
    });
  });

  describe("garbage results", () => {
    async function invalid(body: string) {
      const error = errorOf(await evaluate(script(body)));
      expect(error.code, body).toBe("SCRIPT_INVALID_RESULT");
      return error;
    }

    it("the wrong shape", async () => {
      expect(await invalid("return { total: 5 } as never;")).toEqual({
        code: "SCRIPT_INVALID_RESULT",
        message:
          'the script returned an invalid result: lines: lines must be an array of lines; result: Unrecognized key: "total"',
        issues: ["lines: lines must be an array of lines", 'result: Unrecognized key: "total"'],
      });
      expect((await invalid("return 42 as never;")).issues).toEqual([
        "result: the result must be an object { lines: [...], notes?: [...] }",
      ]);
      await invalid("return null as never;");
      await invalid("return [] as never;");
      await invalid('return { lines: [{ code: "A", description: "a", amount: "1", extra: true }] } as never;');
      await expectStillServing(sandbox);
    });

    it("nothing at all, or a Promise", async () => {
      expect((await invalid("return undefined as never;")).message).toBe(
        "the script returned undefined, not { lines: [...] }",
      );
      expect((await invalid("return Promise.resolve({ lines: [] }) as never;")).message).toBe(
        "the script returned a Promise; scripts are synchronous",
      );
      await expectStillServing(sandbox);
    });

    it("amounts that are not decimal strings", async () => {
      const line = (amount: string) =>
        `return { lines: [{ code: "A", description: "a", amount: ${amount} }] } as never;`;
      expect((await invalid(line("NaN"))).issues).toEqual([
        'lines[0].amount: amount must be a decimal string, like "1.50"',
      ]);
      expect((await invalid(line("1.5"))).issues).toEqual([
        'lines[0].amount: amount must be a decimal string, like "1.50"',
      ]);
      expect((await invalid(line('"abc"'))).issues).toEqual([
        'lines[0].amount: amount must be a decimal string in plain notation, like "1.50"',
      ]);
      expect((await invalid(line('"1e400"'))).issues).toEqual([
        'lines[0].amount: amount must be a decimal string in plain notation, like "1.50"',
      ]);
      expect((await invalid(line('"Infinity"'))).code).toBe("SCRIPT_INVALID_RESULT");
      await expectStillServing(sandbox);
    });

    it("huge amounts", async () => {
      const error = await invalid(
        `return { lines: [h.line({ code: "A", description: "a", amount: "1000000000.01" })] };`,
      );
      expect(error.issues).toEqual(["lines[0].amount: amount must be between -1000000000 and 1000000000"]);
      await invalid(`return { lines: [{ code: "A", description: "a", amount: "9".repeat(100) }] };`);
      await expectStillServing(sandbox);
    });

    it("codes, texts and VAT rates out of bounds", async () => {
      const error = await invalid(
        `return { lines: [{ code: "no spaces allowed", description: "", amount: "1", vatPercent: "120", unit: "x".repeat(40) }] };`,
      );
      expect(error.issues).toEqual([
        "lines[0].code: code must be 1–64 letters, digits or _ . : / - (starting with a letter or digit)",
        "lines[0].description: description must not be empty",
        "lines[0].unit: unit is longer than 32 characters",
        "lines[0].vatPercent: vatPercent must be between 0 and 100",
      ]);
      await expectStillServing(sandbox);
    });

    it("results that cannot be serialized", async () => {
      expect((await invalid("const r: any = { lines: [] }; r.self = r; return r;")).message).toMatch(
        /^the result cannot be serialized: TypeError: Converting circular structure to JSON/,
      );
      expect((await invalid("return { lines: [], notes: [1n] } as never;")).message).toMatch(
        /^the result cannot be serialized: TypeError: Do not know how to serialize a BigInt/,
      );
      expect((await invalid("return { get lines(): never { throw new Error('no lines for you'); } };")).message).toBe(
        "the result cannot be serialized: Error: no lines for you",
      );
      await expectStillServing(sandbox);
    });

    it("a module without a default export function", async () => {
      expect(errorOf(await sandbox.evaluate(handMade("module.exports = { default: 42 };"), session()))).toEqual({
        code: "SCRIPT_INVALID_EXPORT",
        message: "the script has no default export function (export default defineScript(...))",
      });
      await expectStillServing(sandbox);
    });

    it("code that does not even parse", async () => {
      const error = errorOf(await sandbox.evaluate(handMade("module.exports = {;"), session()));
      expect(error.code).toBe("SCRIPT_LOAD_FAILED");
      expect(error.message).toMatch(/^the compiled script does not load: Unexpected token/);
      await expectStillServing(sandbox);
    });

    it("code that tries to break out of its module wrapper", async () => {
      const error = errorOf(await sandbox.evaluate(handMade("})(); (function () {"), session()));
      expect(error.code).toBe("SCRIPT_INVALID_EXPORT");
      await expectStillServing(sandbox);
    });
  });

  describe("huge output", () => {
    it("too many lines", async () => {
      const body = `return { lines: Array.from({ length: 51 }, (_, i) => h.line({ code: "L" + i, description: "l", amount: 1 })) };`;
      expect(errorOf(await evaluate(script(body)))).toEqual({
        code: "SCRIPT_OUTPUT_TOO_LARGE",
        message: "the result has 51 lines; at most 50",
      });
      await expectStillServing(sandbox);
    });

    it("too many characters", async () => {
      expect(errorOf(await evaluate(script('return { lines: [], notes: ["x".repeat(70_000)] };')))).toEqual({
        code: "SCRIPT_OUTPUT_TOO_LARGE",
        // {"lines":[],"notes":["…70,000 x…"]}: 70,000 + 25 characters
        message: "the result has 70025 characters; at most 65536 are allowed",
      });
      await expectStillServing(sandbox);
    });

    it("log entries that JSON must escape character by character stay within bounds", async () => {
      const outcome = await evaluate(
        script('for (let i = 0; i < 100; i++) h.log("\\u0001".repeat(500)); return { lines: [] };'),
      );
      expect(outcome.ok).toBe(true);
      expect(outcome.logs).toHaveLength(51);
      expect(outcome.logs[0]).toBe("\u0001".repeat(500)); // 3,000 characters as JSON
      await expectStillServing(sandbox);
    });

    it("a flood of log entries is cut, not fatal", async () => {
      const outcome = await evaluate(
        script('const big = "x".repeat(10_000); for (let i = 0; i < 1e5; i++) h.log(big); return { lines: [] };'),
      );
      expect(outcome.ok).toBe(true);
      expect(outcome.logs).toHaveLength(51);
      expect(outcome.logs[50]).toBe("… 99950 more log entries dropped");
      await expectStillServing(sandbox);
    });
  });

  describe("in a crowd", () => {
    it("a hostile evaluation among many normal ones fails alone", async () => {
      // Memory runs out before time does (16 MB, 500 ms), so each kind of failure is what it says.
      const crowded = createScriptSandbox({ memoryLimitMb: 16, timeoutMs: 500 });
      try {
        // One script; the session decides whether it misbehaves, so the bad evaluations are batched with good ones.
        const source = script(`if (s.params.mode === "loop") for (;;) {}
if (s.params.mode === "bomb") { ${HEAP_BOMB} }
if (s.params.mode === "throw") throw new Error("bad input");
return { lines: [h.line({ code: "OK", description: "ok", amount: h.dec(s.energyKwh) })] };`);
        const crowd = await compiled(source);
        const normal = await compiled(NORMAL_SOURCE);
        const modes: Record<number, string> = { 7: "loop", 57: "bomb", 107: "throw" };
        const jobs = Array.from({ length: 200 }, (_, i) => ({
          mode: modes[i] ?? "ok",
          kwh: String(i),
          other: i % 3 === 0 && modes[i] === undefined,
        }));
        const outcomes = await Promise.all(
          jobs.map((job) =>
            job.other
              ? crowded.evaluate(normal, session())
              : crowded.evaluate(crowd, session({ energyKwh: job.kwh, params: { mode: job.mode } })),
          ),
        );
        outcomes.forEach((outcome, i) => {
          const job = jobs[i] as (typeof jobs)[number];
          if (job.other) {
            expect(outcome).toMatchObject({ ok: true, result: { lines: [{ amount: "56.25" }] } });
            return;
          }
          const expected = { loop: "SCRIPT_TIMEOUT", bomb: "SCRIPT_MEMORY", throw: "SCRIPT_THREW" }[job.mode];
          if (expected === undefined) {
            expect(outcome, `job ${i}`).toEqual({
              ok: true,
              result: { lines: [{ code: "OK", description: "ok", amount: job.kwh }] },
              logs: [],
            });
          } else {
            expect(errorOf(outcome).code, `job ${i}`).toBe(expected);
          }
        });
        expect(crowded.stats()).toMatchObject({ isolates: 2, inFlight: 0, queued: 0 });
        await expectStillServing(crowded);
      } finally {
        await crowded.dispose();
      }
    });
  });
});
