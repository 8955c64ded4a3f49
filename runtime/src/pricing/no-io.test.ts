// The pricer is pure computation: its source files import nothing that does I/O, and use no clock or randomness.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const folder = import.meta.dirname;
const ALLOWED_PACKAGES = new Set(["@voltrate/sdk", "countries-and-timezones"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "fixtures") out.push(...sourceFiles(full));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      out.push(full);
    }
  }
  return out;
}

function imports(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bfrom\s+["']([^"']+)["']/g,
    /\bimport\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) specifiers.push(m[1] as string);
  return specifiers;
}

describe("runtime/src/pricing has no I/O", () => {
  const files = sourceFiles(folder);

  it("finds the pricer's source files", () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["price.ts", "reconcile.ts", "zone.ts"]));
  });

  it.each(files.map((f) => [path.relative(folder, f), f]))(
    "%s imports only the SDK, tz data and its own folder",
    (_, file) => {
      const source = readFileSync(file, "utf8");
      for (const specifier of imports(source)) {
        if (specifier.startsWith(".")) {
          const target = path.resolve(path.dirname(file), specifier);
          expect(target.startsWith(folder), `${specifier} leaves the pricing folder`).toBe(true);
        } else {
          expect(ALLOWED_PACKAGES.has(specifier), `forbidden import "${specifier}"`).toBe(true);
        }
      }
    },
  );

  it.each(files.map((f) => [path.relative(folder, f), f]))(
    "%s uses no process, network, clock or randomness",
    (_, file) => {
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      for (const forbidden of [
        /\bprocess\./,
        /\bfetch\s*\(/,
        /\bDate\.now\s*\(/,
        /\bnew Date\(\s*\)/,
        /\bMath\.random\s*\(/,
        /\bglobalThis\./,
      ]) {
        expect(forbidden.test(code), `${forbidden} in ${path.basename(file)}`).toBe(false);
      }
    },
  );
});
