// `./voltrate price-cdr`, run as a child process. Expected prices are computed by hand from the tariffs; the
// reasoning is written next to each assertion.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../../..");
const MAIN = join(ROOT, "runtime/src/cli/main.ts");
const FIXTURES = "runtime/src/protocols/ocpi/fixtures";
const CDR_221 = `${FIXTURES}/spec-2.2.1/cdr_example.json`;
const TARIFF_1 = `${FIXTURES}/spec-2.2.1/tariff_1_simple_2hour.json`;
const CDR_211 = `${FIXTURES}/v2_1_1/cdr.json`;
const TARIFF_211_COMPLEX = `${FIXTURES}/v2_1_1/tariff_complex.json`;

const tmp = mkdtempSync(join(tmpdir(), "voltrate-price-cdr-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function priceCdr(...args: string[]): Run {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", MAIN, "price-cdr", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Loosely typed JSON: the command's output and edited fixtures are inspected field by field. */
// biome-ignore lint/suspicious/noExplicitAny: JSON inspected and edited field by field.
type Json = any;

function json(run: Run): Json {
  return JSON.parse(run.stdout);
}

function fixtureJson(path: string): Json {
  return JSON.parse(readFileSync(join(ROOT, path), "utf8"));
}

/** Writes a JSON (or raw text) file into the temporary folder and returns its path. */
function write(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

describe("price-cdr", () => {
  it("prices the spec CDR with its own tariff and agrees with its totals", () => {
    const run = priceCdr("--cdr", CDR_221);
    expect(run.code).toBe(0);
    const out = json(run);
    expect(out.cdr).toEqual({ file: CDR_221, ocpiVersion: "2.2.1", id: "12345" });
    expect(out.tariffs).toEqual({ source: "cdr", ids: ["12"] });
    // Tariff 12: TIME 2.00 EUR/h excl. VAT, vat 10 %, step_size 300 s. The session runs 21:39:09Z–23:37:32Z =
    // 7103 s (its TIME volume 1.973 h = 7102.8 s). Rounded up to whole 300 s blocks: 24 × 300 s = 7200 s = 2 h.
    // 2 h × 2.00 = 4.00 EUR excl. VAT; + 10 % = 4.40 EUR incl. VAT — exactly the CDR's own total_cost.
    expect(out.totals.total_cost).toEqual({ excl_vat: "4.0000", incl_vat: "4.4000" });
    expect(out.totals.total_time_cost).toEqual({ excl_vat: "4.0000", incl_vat: "4.4000" });
    expect(out.totals.total_fixed_cost.excl_vat).toBe("0.0000");
    expect(out.reconciliation.kind).toBe("none");
    expect(out.breakdown.periods).toHaveLength(1);
    expect(out.breakdown.periods[0].lines.map((l: { dimension: string }) => l.dimension)).toEqual(["TIME", "TIME"]);
    expect(out.trace.length).toBeGreaterThan(0);
    // The example's cdr_token lacks country_code and party_id: warnings, not errors.
    expect(run.stderr).toContain(`warning: ${CDR_221}: cdr_token.country_code: required field is missing`);
    expect(run.stderr).toContain(`warning: ${CDR_221}: cdr_token.party_id: required field is missing`);
  });

  it("prices with a tariff file instead of the CDR's own tariffs and reports the difference", () => {
    const run = priceCdr("--cdr", CDR_221, "--tariff", TARIFF_1);
    expect(run.code).toBe(0);
    const out = json(run);
    expect(out.tariffs).toEqual({ source: "files", files: [TARIFF_1], ids: ["12"] });
    // tariff_1 (also id 12): TIME 2.00 EUR/h, vat 10 %, step_size 60 s. 7103 s → ceil(7103 / 60) = 119 blocks =
    // 7140 s = 1.98333… h; × 2.00 = 3.96666… EUR → 3.97 excl. VAT; × 1.10 = 4.36333… → 4.36 incl. VAT.
    expect(out.totals.total_cost).toEqual({ excl_vat: "3.9700", incl_vat: "4.3600" });
    // The CDR reports 4.00 / 4.40 (computed with step_size 300): 0.03 / 0.04 EUR more than ours.
    expect(out.reconciliation.kind).not.toBe("none");
    expect(out.reconciliation.difference).toEqual({ exclVat: "0.03", inclVat: "0.04" });
  });

  it("accepts a tariff file holding an OCPI response envelope", () => {
    const envelope = write("envelope.json", {
      data: [fixtureJson(TARIFF_1)],
      status_code: 1000,
      status_message: "Success",
      timestamp: "2015-06-30T21:59:59Z",
    });
    const out = json(priceCdr("--cdr", CDR_221, "--tariff", envelope));
    // The same tariff as above: 3.97 / 4.36 EUR.
    expect(out.totals.total_cost).toEqual({ excl_vat: "3.9700", incl_vat: "4.3600" });
  });

  it("still prices a CDR without id and token, warning about them on stderr", () => {
    const cdr = fixtureJson(CDR_221);
    delete cdr.id;
    delete cdr.cdr_token;
    delete cdr.auth_method;
    const file = write("no-id-token.json", cdr);
    const run = priceCdr("--cdr", file);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `warning: ${file}: id: required field is missing (does not affect the price; ignored)`,
    );
    expect(run.stderr).toContain(`warning: ${file}: cdr_token: required field is missing`);
    expect(run.stderr).toContain(`warning: ${file}: auth_method: required field is missing`);
    const out = json(run);
    expect(out.cdr).toEqual({ file, ocpiVersion: "2.2.1" });
    // Same session and tariff as the first test: 2 h × 2.00 = 4.00 excl., 4.40 incl. VAT.
    expect(out.totals.total_cost).toEqual({ excl_vat: "4.0000", incl_vat: "4.4000" });
    expect(out.warnings).toContain(`${file}: id: required field is missing (does not affect the price; ignored)`);
  });

  it("prices an OCPI 2.1.1 CDR (version detected) with its embedded tariff", () => {
    const run = priceCdr("--cdr", CDR_211);
    expect(run.code).toBe(0);
    const out = json(run);
    expect(out.cdr.ocpiVersion).toBe("2.1.1");
    // Tariff 12 (2.1.1): TIME 2.00 EUR/h, step_size 300, no VAT field. 7103 s → 24 blocks = 2 h → 4.00 EUR excl.
    // VAT. 2.1.1 gives no VAT, so no amount incl. VAT is computed (the default profile leaves it unknown).
    expect(out.totals.total_cost).toEqual({ excl_vat: "4.0000" });
    // The CDR's total_cost 4.00 is excl. VAT in 2.1.1.
    expect(out.reconciliation.kind).toBe("none");
    expect(run.stderr).toBe("");
  });

  it("prices the 2.1.1 CDR with the 2.1.1 complex tariff in the location's time zone", () => {
    const run = priceCdr("--cdr", CDR_211, "--tariff", TARIFF_211_COMPLEX);
    expect(run.code).toBe(0);
    const out = json(run);
    // The CDR's location says Europe/Brussels (CEST, UTC+2): the session runs Monday 23:39:09 – Tuesday 01:37:32
    // local. Average power 15.342 kWh / 1.973 h ≈ 7.8 kW < 32 kW, so TIME is priced by element 1 (1.00 EUR/h,
    // step_size 900 s) on both sides of midnight (the min_power 32 elements never apply). FLAT 2.50 once.
    // TIME: 7103 s → ceil(7103 / 900) = 8 blocks = 7200 s = 2 h × 1.00 = 2.00. Total 2.50 + 2.00 = 4.50 EUR excl. VAT.
    expect(out.timeZone).toBe("Europe/Brussels");
    expect(out.totals.total_fixed_cost).toEqual({ excl_vat: "2.5000" });
    expect(out.totals.total_time_cost).toEqual({ excl_vat: "2.0000" });
    expect(out.totals.total_cost).toEqual({ excl_vat: "4.5000" });
    // The CDR reports 4.00 EUR (its own 2 EUR/h tariff): 0.50 EUR less than this tariff gives.
    expect(out.reconciliation.difference.exclVat).toBe("-0.5");
  });

  it("takes --tz over the location's zone", () => {
    const out = json(priceCdr("--cdr", CDR_211, "--tariff", TARIFF_211_COMPLEX, "--tz", "UTC"));
    // In UTC the session (21:39:09–23:37:32) does not cross midnight; the price is the same 4.50 EUR (no local-time
    // restriction applies to it), but the zone used is the option's.
    expect(out.timeZone).toBe("UTC");
    expect(out.timeZoneSource).toBe("option");
    expect(out.totals.total_cost).toEqual({ excl_vat: "4.5000" });
  });

  it("applies --profile", () => {
    const out = json(priceCdr("--cdr", CDR_221, "--profile", "cpo-per-line"));
    expect(out.profile).toBe("cpo-per-line");
    // Same 2 h × 2.00 EUR: 4.00 / 4.40 EUR under any rounding.
    expect(out.totals.total_cost).toEqual({ excl_vat: "4.0000", incl_vat: "4.4000" });
  });
});

describe("price-cdr bad input: exit 2, one message naming the file and the field", () => {
  it("a tariff with an invalid step_size", () => {
    const tariff = fixtureJson(TARIFF_1);
    tariff.elements[0].price_components[0].step_size = "60";
    const file = write("bad-step.json", tariff);
    const run = priceCdr("--cdr", CDR_221, "--tariff", file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `voltrate price-cdr: ${file}: invalid tariff: elements[0].price_components[0].step_size: expected a positive integer\n`,
    );
  });

  it("a CDR without its start", () => {
    const cdr = fixtureJson(CDR_221);
    delete cdr.start_date_time;
    const file = write("no-start.json", cdr);
    const run = priceCdr("--cdr", file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("voltrate price-cdr:") && !l.includes("warning"));
    expect(errors).toEqual([
      `voltrate price-cdr: ${file}: invalid OCPI 2.2.1 CDR: start_date_time: required field is missing`,
    ]);
  });

  it("a CDR without tariffs and no --tariff", () => {
    const cdr = fixtureJson(CDR_221);
    delete cdr.tariffs;
    const file = write("no-tariffs.json", cdr);
    const run = priceCdr("--cdr", file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: invalid OCPI 2.2.1 CDR: tariffs: expected at least one tariff`);
  });

  it("invalid JSON", () => {
    const file = write("broken.json", '{"id": "1", ');
    const run = priceCdr("--cdr", file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(new RegExp(`^voltrate price-cdr: ${file}: invalid JSON: .+\\n$`));
  });

  it("a missing file", () => {
    const run = priceCdr("--cdr", CDR_221, "--tariff", "no/such/tariff.json");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("voltrate price-cdr: no/such/tariff.json: cannot read the file: no such file");
  });

  it("several errors in one message, the first on the first line", () => {
    const tariff = fixtureJson(TARIFF_1);
    tariff.currency = "XYZ";
    tariff.elements[0].price_components[0].type = "TIMES";
    const file = write("two-errors.json", tariff);
    const run = priceCdr("--cdr", CDR_221, "--tariff", file);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `voltrate price-cdr: ${file}: invalid tariff: currency: expected an ISO 4217 currency code such as EUR\n` +
        "  also elements[0].price_components[0].type: expected one of ENERGY, FLAT, PARKING_TIME, TIME\n",
    );
  });

  it("bad options", () => {
    expect(priceCdr().code).toBe(2);
    expect(priceCdr().stderr).toContain("--cdr FILE is required");
    const tz = priceCdr("--cdr", CDR_221, "--tz", "Mars/Olympus");
    expect(tz.code).toBe(2);
    expect(tz.stderr).toContain('--tz: unknown IANA time zone "Mars/Olympus"');
    expect(priceCdr("--cdr", CDR_221, "--ocpi-version", "2.0").stderr).toContain(
      "--ocpi-version: expected 2.2.1 or 2.1.1",
    );
    expect(priceCdr("--cdr", CDR_221, "--profile", "nope").stderr).toContain('--profile: unknown profile "nope"');
    expect(priceCdr("--cdr", CDR_221, "--bogus").code).toBe(2);
  });

  it("a 2.2.1 CDR read as 2.1.1", () => {
    const run = priceCdr("--cdr", CDR_221, "--ocpi-version", "2.1.1");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${CDR_221}: invalid OCPI 2.1.1 CDR: stop_date_time: required field is missing`);
  });

  it("prints its usage with --help", () => {
    const run = priceCdr("--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: ./voltrate price-cdr --cdr FILE");
  });
});
