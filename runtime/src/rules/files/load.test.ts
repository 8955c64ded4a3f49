// Rulesets as files: the shipped rulesets load and their golden sessions pass; every kind of bad file is reported
// with its file, the path inside it and, for YAML, the line.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileRuleset } from "../engine/index.ts";
import { createScriptSandbox } from "../scripts/index.ts";
import {
  compareWithExpectation,
  type FileIssue,
  loadGoldenCases,
  loadRulesetDir,
  parseGolden,
  RulesetFileError,
  runGolden,
} from "./index.ts";

const ROOT = path.resolve(import.meta.dirname, "../../../..");
const RETAIL = path.join(ROOT, "rulesets/msp-nl-retail");
const CPO = path.join(ROOT, "rulesets/cpo-abc-purchase");

const tmp = mkdtempSync(path.join(tmpdir(), "voltrate-rulesets-"));
const sandbox = createScriptSandbox({ poolSize: 1 });
afterAll(async () => {
  await sandbox.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

let counter = 0;
/** A ruleset directory in the temporary folder with the given files. */
function dir(files: Record<string, string>): string {
  const d = path.join(tmp, `rs-${++counter}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    writeFileSync(path.join(d, name), text);
  }
  mkdirSync(d, { recursive: true });
  return d;
}

async function loadIssues(d: string): Promise<FileIssue[]> {
  try {
    await loadRulesetDir(d);
  } catch (error) {
    if (error instanceof RulesetFileError) return [...error.issues];
    throw error;
  }
  throw new Error("expected the ruleset to be refused");
}

const HEADER = `id: t
name: T
administrationId: a
side: sales
currency: EUR
`;

describe("the shipped rulesets", () => {
  for (const d of [RETAIL, CPO]) {
    it(`${path.basename(d)}: loads, and every golden session passes`, async () => {
      const loaded = await loadRulesetDir(d);
      const compiled = await compileRuleset(loaded.ruleset);
      const cases = await loadGoldenCases(d);
      expect(cases.length).toBeGreaterThanOrEqual(7);
      for (const golden of cases) {
        expect(golden.reasoning.length).toBeGreaterThan(0);
        const outcome = await runGolden(compiled, golden, { sandbox });
        expect(outcome.differences, golden.file).toEqual([]);
      }
    });
  }

  it("reads unquoted YAML numbers as their exact decimal text; script parameters keep their types", async () => {
    const retail = await loadRulesetDir(RETAIL);
    const own = retail.ruleset.rules.find((r) => r.id === "own-ac");
    expect(own?.outcome).toEqual({
      type: "rate",
      tariff: { id: "VLT-AC-2025", elements: [{ components: [{ dimension: "ENERGY", price: "0.35", vat: "21" }] }] },
    });
    expect(retail.ruleset.rules.find((r) => r.id === "plus-discount")?.outcome).toMatchObject({ factor: "-0.10" });
    expect(retail.ruleset.vatPercent).toBe("21");
    const cpo = await loadRulesetDir(CPO);
    expect(cpo.ruleset.rules.find((r) => r.id === "idle-fee")?.outcome).toEqual({
      type: "script",
      script: "idle-fee",
      params: { ratePerHour: "1.00", freeMinutes: 60, maxFee: "8.00" },
    });
    expect(cpo.scriptFiles).toEqual({ "idle-fee": path.join(CPO, "../examples/idle-fee.ts") });
    expect(cpo.ruleset.scripts?.["idle-fee"]).toMatch(/defineScript/);
  });
});

describe("ruleset errors", () => {
  it("not a directory, no ruleset.yaml", async () => {
    expect(await loadIssues(path.join(tmp, "missing"))).toEqual([
      { file: path.join(tmp, "missing"), path: "", message: "not a directory (expected a ruleset directory)" },
    ]);
    const empty = dir({});
    expect(await loadIssues(empty)).toEqual([
      { file: path.join(empty, "ruleset.yaml"), path: "", message: "cannot read the file: no such file" },
    ]);
  });

  it("invalid YAML, with its line", async () => {
    const d = dir({ "ruleset.yaml": `${HEADER}rules:\n  - id: a\n    name: [unclosed\n` });
    const [issue] = await loadIssues(d);
    expect(issue).toMatchObject({ file: path.join(d, "ruleset.yaml"), path: "", line: expect.any(Number) });
    expect(issue?.message).toMatch(/^invalid YAML: /);
  });

  it("model errors name the path and the line and column of the offending value", async () => {
    const d = dir({
      "ruleset.yaml": `${HEADER}hitPolicy: all
rules:
  - id: a
    name: A
    condition: { op: gte, property: energyKwh, value: ten }
    outcome: { type: dropOut, reason: X, message: x }
  - id: b
    name: B
    condition:
      op: all
      conditions:
        - { op: eq, property: cpo, value: NL*ABC }
        - { op: eq, property: colour, value: red }
    outcome: { type: script, script: missing }
`,
    });
    const file = path.join(d, "ruleset.yaml");
    expect(await loadIssues(d)).toEqual([
      { file, path: "hitPolicy", line: 6, column: 12, message: 'expected "first" or "collect"' },
    ]);
    writeFileSync(
      file,
      (await import("node:fs")).readFileSync(file, "utf8").replace("hitPolicy: all", "hitPolicy: first"),
    );
    expect(await loadIssues(d)).toEqual([
      {
        file,
        path: "rules[0].condition.value",
        line: 10,
        column: 55,
        message: 'expected a decimal number as a string (e.g. "10")',
      },
      {
        file,
        path: "rules[1].condition.conditions[1].property",
        line: 18,
        column: 31,
        message: 'unknown property "colour" (see the property catalogue; custom properties are "custom.<key>")',
      },
      {
        file,
        path: "rules[1].outcome.script",
        line: 19,
        column: 38,
        message: 'no script "missing" in the ruleset (it has no scripts)',
      },
    ]);
  });

  it("a missing required field points at the object that lacks it", async () => {
    const d = dir({
      "ruleset.yaml": `${HEADER}rules:\n  - id: a\n    condition: { op: always }\n    outcome: { type: dropOut, reason: X, message: x }\n`,
    });
    expect(await loadIssues(d)).toEqual([
      {
        file: path.join(d, "ruleset.yaml"),
        path: "rules[0].name",
        line: 7,
        column: 5,
        message: expect.stringMatching(/expected string/),
      },
    ]);
  });

  it("scripts: a missing file, a script that does not compile (with its line)", async () => {
    const missing = dir({
      "ruleset.yaml": `${HEADER}scripts:\n  fee: lib/fee.ts\nrules: []\n`,
    });
    expect(await loadIssues(missing)).toEqual([
      { file: path.join(missing, "lib/fee.ts"), path: "", message: "cannot read the file: no such file" },
    ]);
    const broken = dir({
      "ruleset.yaml": `${HEADER}rules:\n  - id: a\n    name: A\n    condition: { op: always }\n    outcome: { type: script, script: fee }\n`,
      "scripts/fee.ts": `import { defineScript } from "voltrate:script";\n\nexport default defineScript((s) => ({ lines: s.nope }));\n`,
    });
    const issues = await loadIssues(broken);
    expect(issues[0]).toMatchObject({ file: path.join(broken, "scripts/fee.ts"), path: "", line: 3 });
    expect(issues[0]?.message).toMatch(/^TS\d+: .*nope/);
  });
});

describe("golden files", () => {
  const SESSION = {
    start: "2025-03-04T08:00:00Z",
    end: "2025-03-04T10:00:00Z",
    timeZone: "Europe/Amsterdam",
    chargingPeriods: [{ start: "2025-03-04T08:00:00Z", energyKwh: "20" }],
  };
  const golden = (over: Record<string, unknown>) =>
    JSON.stringify({ reasoning: "by hand", session: SESSION, expect: { totals: { exclVat: "1.00" } }, ...over });

  it("reports each problem with the file and the path in it", () => {
    const file = "golden/x.json";
    expect(parseGolden(file, "{ nope")).toEqual([
      { file, path: "", message: expect.stringMatching(/^invalid JSON: /) },
    ]);
    expect(parseGolden(file, golden({ reasoning: undefined }))).toEqual([
      { file, path: "reasoning", message: "expected the hand-worked reasoning: a string or a list of strings" },
    ]);
    expect(parseGolden(file, golden({ cdr: {} }))).toEqual([
      { file, path: "", message: 'give exactly one of "session" (the JSON form of the model) and "cdr" (an OCPI CDR)' },
    ]);
    expect(parseGolden(file, golden({ facts: { cpo: { countryCode: "NL", partyId: "TOOLONG" } } }))).toEqual([
      { file, path: "facts.cpo.partyId", message: "expected a 3-character party id" },
    ]);
    expect(parseGolden(file, golden({ session: { ...SESSION, chargingPeriods: [{ start: "x" }] } }))).toEqual([
      { file, path: "session.chargingPeriods[0].start", message: expect.stringMatching(/ISO 8601/) },
    ]);
    expect(parseGolden(file, golden({ expect: { totals: { exclVat: 1 } } }))).toEqual([
      { file, path: "expect.totals.exclVat", message: expect.stringMatching(/expected string/) },
    ]);
    const badCdr = parseGolden(file, golden({ session: undefined, cdr: { start_date_time: "2025-01-01T00:00:00Z" } }));
    expect(Array.isArray(badCdr) && badCdr.every((i) => i.path.startsWith("cdr"))).toBe(true);
  });

  it("a CDR golden gets its facts and purchase cost from the CDR; written facts override", () => {
    const cdr = {
      country_code: "NL",
      party_id: "ABC",
      start_date_time: "2025-03-10T17:00:00Z",
      end_date_time: "2025-03-10T18:00:00Z",
      cdr_location: { id: "L1", evse_id: "NL*ABC*E1", country: "NLD", connector_power_type: "DC" },
      cdr_token: { type: "APP_USER", contract_id: "C1" },
      currency: "EUR",
      charging_periods: [{ start_date_time: "2025-03-10T17:00:00Z", dimensions: [{ type: "ENERGY", volume: 10.25 }] }],
      total_cost: { excl_vat: 4.1, incl_vat: 4.96 },
    };
    const g = parseGolden(
      "g.json",
      golden({ session: undefined, cdr, facts: { subscription: "PLUS", powerType: "AC" } }),
    );
    if (Array.isArray(g)) throw new Error(JSON.stringify(g));
    expect(g.input.source).toBe("ocpi-2.2.1");
    expect(g.input.input.facts).toEqual({
      cpo: { countryCode: "NL", partyId: "ABC" },
      token: { type: "APP_USER", contractId: "C1" },
      locationId: "L1",
      evseId: "NL*ABC*E1",
      powerType: "AC",
      country: "NL",
      subscription: "PLUS",
    });
    expect(g.input.input.purchaseCost).toEqual({ exclVat: "4.1", inclVat: "4.96" });
    expect(g.input.input.session.chargingPeriods[0]?.dimensions.energy?.kwh.toString()).toBe("10.25");
  });

  it("bad golden files in a directory are all reported", async () => {
    const d = dir({
      "golden/a.json": golden({ reasoning: "" }),
      "golden/b.json": golden({}),
      "golden/c.json": "[]",
    });
    try {
      await loadGoldenCases(d);
      throw new Error("expected an error");
    } catch (error) {
      expect(error).toBeInstanceOf(RulesetFileError);
      expect((error as RulesetFileError).issues.map((i) => path.basename(i.file))).toEqual(["a.json", "c.json"]);
    }
  });

  it("lists every difference between the expectation and the result", async () => {
    const d = path.join(tmp, "copy");
    cpSync(RETAIL, d, { recursive: true });
    const loaded = await loadRulesetDir(d);
    const [first] = await loadGoldenCases(d);
    if (!first) throw new Error("no golden");
    const outcome = await runGolden(await compileRuleset(loaded.ruleset), first);
    const diffs = compareWithExpectation(
      {
        status: "dropOut",
        totals: { exclVat: "7.01", inclVat: "8.47" },
        matchedRuleIds: ["own-dc"],
        lines: [
          { code: "ENERGY", amountExclVat: "7", quantity: "21" },
          { code: "X", amountExclVat: "0" },
        ],
        dropOut: { reason: "NOPE" },
      },
      outcome.evaluation,
    );
    expect(diffs).toEqual([
      "status: expected dropOut, got priced",
      "dropOut.reason: expected NOPE, got none",
      "matchedRuleIds: expected [own-dc], got [own-ac]",
      "totals.exclVat: expected 7.01, got 7.00",
      "lines: expected 2 (ENERGY, X), got 1 (ENERGY)",
      "lines[0].quantity: expected 21, got 20",
    ]);
  });
});
