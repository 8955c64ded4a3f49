// `./voltrate rules test` and `./voltrate rules simulate`, run as child processes through the `voltrate` script.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../../..");
const VOLTRATE = path.join(ROOT, "voltrate");
const tmp = mkdtempSync(path.join(tmpdir(), "voltrate-rules-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function voltrate(...args: string[]): Run {
  const r = spawnSync(VOLTRATE, args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let copies = 0;
/** A copy of a shipped ruleset directory, next to a copy of rulesets/examples (scripts the rulesets refer to). */
function copy(name: string): string {
  const parent = path.join(tmp, `copy-${++copies}`);
  cpSync(path.join(ROOT, "rulesets/examples"), path.join(parent, "examples"), { recursive: true });
  cpSync(path.join(ROOT, "rulesets", name), path.join(parent, name), { recursive: true });
  return path.join(parent, name);
}

describe("rules test", () => {
  it("passes the Dutch retail price list: exit 0, one PASS line per golden session", () => {
    const run = voltrate("rules", "test", "rulesets/msp-nl-retail");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^ruleset msp-nl-retail "Voltrate Mobility NL retail prices 2025" \(sales, EUR, hit policy collect, 7 rules\) sha256 [0-9a-f]{12}$/,
    );
    expect(lines).toContain("  PASS  golden/01-own-ac.json  Own network, AC, 20 kWh, no subscription");
    expect(lines.filter((l) => l.startsWith("  PASS  "))).toHaveLength(9);
    expect(lines.at(-1)).toBe("9 golden sessions: 9 passed, 0 failed");
  });

  it("passes the CPO tariff set, whose idle fee runs in the script sandbox", () => {
    const run = voltrate("rules", "test", "rulesets/cpo-abc-purchase", "--verbose");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  PASS  golden/05-dc-hpc-idle-cap.json");
    expect(run.stdout).toContain("→ idle-fee: matched (parkingMinutes 660 > 60)");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("7 golden sessions: 7 passed, 0 failed");
  });

  it("a broken golden session fails: exit 1, the differences and the rules tried", () => {
    const d = copy("msp-nl-retail");
    const file = path.join(d, "golden/01-own-ac.json");
    const golden = JSON.parse(readFileSync(file, "utf8"));
    golden.expect.totals.exclVat = "7.01";
    writeFileSync(file, JSON.stringify(golden, null, 2));
    const run = voltrate("rules", "test", d);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("  FAIL  golden/01-own-ac.json  Own network, AC, 20 kWh, no subscription\n");
    expect(run.stdout).toContain("          totals.exclVat: expected 7.01, got 7.00\n");
    expect(run.stdout).toContain("          got: 7.00 excl. VAT, 8.47 incl. VAT [ENERGY 7.00]\n");
    expect(run.stdout).toContain("          × no-agreement: not-matched (cpo NL*VLT is not in [DE*BLK])\n");
    expect(run.stdout).toContain("          → own-ac: matched (cpo NL*VLT = NL*VLT and powerType AC ≠ DC)\n");
    expect(run.stdout).toContain("  PASS  golden/02-own-dc-plus.json");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("9 golden sessions: 8 passed, 1 failed");
  });

  it("an invalid ruleset: exit 2, the file, line, column and path", () => {
    const d = copy("cpo-abc-purchase");
    const file = path.join(d, "ruleset.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("property: powerKw, value: 150 }", "property: powerKW, value: 150 }"),
    );
    const run = voltrate("rules", "test", d);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const rel = path.relative(ROOT, file);
    expect(run.stderr).toMatch(
      new RegExp(
        `^voltrate rules test: ${rel.replaceAll(".", "\\.")}:\\d+:\\d+: rules\\[2\\]\\.condition\\.conditions\\[1\\]\\.property: unknown property "powerKW"`,
      ),
    );
  });

  it("an invalid golden file: exit 2, naming the file and the path", () => {
    const d = copy("msp-nl-retail");
    writeFileSync(path.join(d, "golden/99-bad.json"), JSON.stringify({ session: {}, expect: {} }));
    const run = voltrate("rules", "test", d);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("golden/99-bad.json: reasoning: expected the hand-worked reasoning");
  });

  it("bad arguments and a directory without golden sessions: exit 2", () => {
    expect(voltrate("rules", "test").code).toBe(2);
    const missing = voltrate("rules", "test", "rulesets/nope");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("rulesets/nope: not a directory");
    const d = copy("msp-nl-retail");
    rmSync(path.join(d, "golden"), { recursive: true });
    const none = voltrate("rules", "test", d);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no golden sessions");
  });
});

describe("rules simulate", () => {
  it("an OCPI CDR on the purchase tariffs: lines, totals, version, trace, and the comparison with the CDR", () => {
    const golden = JSON.parse(
      readFileSync(path.join(ROOT, "rulesets/cpo-abc-purchase/golden/07-ocpi-cdr.json"), "utf8"),
    );
    const cdrFile = path.join(tmp, "abc-cdr.json");
    writeFileSync(cdrFile, JSON.stringify(golden.cdr));
    const run = voltrate(
      "rules",
      "simulate",
      "--ruleset",
      "rulesets/cpo-abc-purchase",
      "--session",
      cdrFile,
      "--side",
      "purchase",
      "--at",
      "2025-03-10T19:00:00Z",
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.ruleset).toMatchObject({
      id: "cpo-abc-purchase",
      side: "purchase",
      source: "file:rulesets/cpo-abc-purchase",
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(out.session).toEqual({ file: cdrFile, source: "ocpi-2.2.1", id: "ABC-CDR-88123" });
    expect(out.at).toBe("2025-03-10T19:00:00.000Z");
    expect(out.status).toBe("priced");
    expect(out.matchedRuleIds).toEqual(["ac"]);
    expect(out.lines.map((l: { code: string; amountExclVat: string }) => [l.code, l.amountExclVat])).toEqual([
      ["START_FEE", "0.30"],
      ["ENERGY", "3.45"],
    ]);
    expect(out.totals).toMatchObject({ exclVat: "3.75", vat: "0.79", inclVat: "4.54" });
    expect(out.comparison).toEqual({
      cdrTotalCost: { exclVat: "3.75", inclVat: "4.54" },
      computed: { exclVat: "3.75", inclVat: "4.54" },
      differenceExclVat: "0.00",
    });
    expect(out.properties).toEqual({ cpo: "NL*ABC", powerType: "AC", powerKw: null, parkingMinutes: "45" });
    expect(
      out.trace.map((t: { ruleId: string; status: string; reason: string }) => [t.ruleId, t.status, t.reason]),
    ).toEqual([
      ["other-cpo", "not-matched", "cpo NL*ABC = NL*ABC (expected ≠)"],
      ["ac", "matched", "powerType AC ≠ DC"],
      ["dc-fast", "not-matched", "powerType AC ≠ DC"],
      ["dc-hpc", "not-matched", "powerType AC ≠ DC"],
      ["idle-fee", "not-matched", "parkingMinutes 45 is not > 60"],
    ]);
    expect(out.trace[1].outcome.type).toBe("rate");
    expect(out.trace[1].outcome.pricer.length).toBeGreaterThan(0);
  });

  it("a session in the JSON form with facts and a purchase cost from the command line", () => {
    const sessionFile = path.join(tmp, "session.json");
    const factsFile = path.join(tmp, "facts.json");
    writeFileSync(
      sessionFile,
      JSON.stringify({
        start: "2025-03-06T10:00:00Z",
        end: "2025-03-06T10:25:00Z",
        timeZone: "Europe/Amsterdam",
        chargingPeriods: [{ start: "2025-03-06T10:00:00Z", energyKwh: "40" }],
      }),
    );
    writeFileSync(factsFile, JSON.stringify({ cpo: { countryCode: "NL", partyId: "FST" }, powerType: "DC" }));
    const run = voltrate(
      "rules",
      "simulate",
      "--ruleset",
      "rulesets/msp-nl-retail",
      "--session",
      sessionFile,
      "--facts",
      factsFile,
      "--purchase-cost",
      "22.00",
      "--no-trace",
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    // 22.00 × 1.10 + 0.05 × 40 = 26.20 (see golden 04-roaming-hpc).
    expect(out.totals).toMatchObject({ exclVat: "26.20", inclVat: "31.70" });
    expect(out.trace).toEqual([]);
    expect(out.session.source).toBe("session");
  });

  it("a drop-out is a result (exit 0); a golden file is an input document", () => {
    const run = voltrate(
      "rules",
      "simulate",
      "--ruleset",
      "rulesets/msp-nl-retail",
      "--session",
      "rulesets/msp-nl-retail/golden/08-no-agreement.json",
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.status).toBe("dropOut");
    expect(out.dropOut).toEqual({
      reason: "NO_AGREEMENT",
      message: "no roaming agreement with this CPO (contract ended 2024-12-31)",
      ruleId: "no-agreement",
    });
  });

  it("bad input: exit 2 with one message", () => {
    const side = voltrate(
      "rules",
      "simulate",
      "--ruleset",
      "rulesets/msp-nl-retail",
      "--session",
      "x.json",
      "--side",
      "purchase",
    );
    expect(side.code).toBe(2);
    expect(side.stderr).toContain("--side purchase: ruleset msp-nl-retail prices the sales side");
    const at = voltrate(
      "rules",
      "simulate",
      "--ruleset",
      "rulesets/msp-nl-retail",
      "--session",
      "x.json",
      "--at",
      "yesterday",
    );
    expect(at.code).toBe(2);
    expect(at.stderr).toContain("--at: expected an ISO 8601 instant");
    const file = voltrate("rules", "simulate", "--ruleset", "rulesets/msp-nl-retail", "--session", "nope.json");
    expect(file.code).toBe(2);
    expect(file.stderr).toBe("voltrate rules simulate: nope.json: cannot read the file: no such file\n");
    const badSession = path.join(tmp, "bad-session.json");
    writeFileSync(badSession, JSON.stringify({ start: "2025-03-06T10:00:00Z", chargingPeriods: [] }));
    const bad = voltrate("rules", "simulate", "--ruleset", "rulesets/msp-nl-retail", "--session", badSession);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${badSession}: end: `);
  });

  it("is listed by --help", () => {
    const run = voltrate("--help");
    expect(run.stdout).toMatch(/rules test\s+Run the golden sessions of a ruleset directory/);
    expect(run.stdout).toMatch(/rules simulate\s+Evaluate a ruleset directory on one session/);
  });
});
