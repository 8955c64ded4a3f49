// `./voltrate rules import DIR` against a real embedded store in a temporary data folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRulesService } from "../../rules/versions/index.ts";
import { openStore } from "../../store/index.ts";
import { main } from "../main.ts";

let root: string;
let dataDir: string;
let saved: { data?: string; mongo?: string };

const RULESET = (id: string, price: string) => `id: ${id}
name: Test ${id}
administrationId: adm-nl
side: sales
currency: EUR
rules:
  - id: all
    name: Everything
    condition: { op: always }
    outcome:
      type: rate
      tariff:
        elements:
          - components:
              - { dimension: ENERGY, price: ${price} }
`;

function writeRuleset(dir: string, id: string, price: string): void {
  mkdirSync(path.join(root, "rulesets", dir), { recursive: true });
  writeFileSync(path.join(root, "rulesets", dir, "ruleset.yaml"), RULESET(id, price));
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["rules", "import", ...args], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: root,
  });
  return { code, stdout, stderr };
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "voltrate-import-test-"));
  dataDir = path.join(root, "data");
  saved = {
    ...(process.env.VOLTRATE_DATA_DIR !== undefined ? { data: process.env.VOLTRATE_DATA_DIR } : {}),
    ...(process.env.VOLTRATE_MONGODB_URL !== undefined ? { mongo: process.env.VOLTRATE_MONGODB_URL } : {}),
  };
  process.env.VOLTRATE_DATA_DIR = dataDir;
  delete process.env.VOLTRATE_MONGODB_URL;
  writeRuleset("alpha", "alpha", "0.30");
  writeRuleset("beta", "beta", "0.40");
  mkdirSync(path.join(root, "rulesets", "examples"));
});

afterEach(() => {
  if (saved.data === undefined) delete process.env.VOLTRATE_DATA_DIR;
  else process.env.VOLTRATE_DATA_DIR = saved.data;
  if (saved.mongo !== undefined) process.env.VOLTRATE_MONGODB_URL = saved.mongo;
  rmSync(root, { recursive: true, force: true });
});

describe("rules import", () => {
  it("imports a folder of ruleset directories as draft revisions; unchanged content makes no new revision", async () => {
    const first = await run("rulesets", "--comment", "from git", "--user", "carol");
    expect(first).toEqual({
      code: 0,
      stdout: "alpha: created, draft revision 1 ← rulesets/alpha\nbeta: created, draft revision 1 ← rulesets/beta\n",
      stderr: "",
    });
    writeRuleset("alpha", "alpha", "0.32");
    const second = await run("rulesets", "--user", "carol");
    expect(second.stdout).toBe(
      "alpha: draft revision 2 ← rulesets/alpha\nbeta: unchanged (draft revision 1 has this content) ← rulesets/beta\n",
    );
    // One ruleset directory works too.
    expect((await run("rulesets/beta")).code).toBe(0);

    const store = await openStore({ dataDir });
    try {
      const service = createRulesService({ store });
      const detail = await service.getRuleset("alpha");
      expect(detail).toMatchObject({ openDraftRevision: 2, activeVersion: null, lastVersion: 0 });
      const draft = await service.getDraft("alpha");
      expect(draft).toMatchObject({
        source: "import",
        importedFrom: "rulesets/alpha",
        savedBy: { name: "carol", via: "cli" },
      });
      const audit = await service.auditTrail("alpha");
      expect(audit.map((e) => e.action)).toEqual(["draft.imported", "draft.imported", "ruleset.created"]);
      expect(audit[0]?.summary).toBe("imported draft revision 2 from rulesets/alpha (1 rule changed)");
      expect(audit[1]).toMatchObject({ comment: "from git", actor: { id: "cli:carol" } });
    } finally {
      await store.close();
    }
  });

  it("says clearly when the runtime holds the data folder", async () => {
    const store = await openStore({ dataDir });
    try {
      const result = await run("rulesets");
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^voltrate rules import: the data folder .* is in use \(/);
      expect(result.stderr).toMatch(/Stop the runtime first/);
    } finally {
      await store.close();
    }
  });

  it("refuses invalid files before touching the store (exit 2, naming file, path and line)", async () => {
    writeFileSync(path.join(root, "rulesets", "beta", "ruleset.yaml"), RULESET("beta", "cheap"));
    const result = await run("rulesets");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /rulesets\/beta\/ruleset\.yaml:15:\d+: rules\[0\]\.outcome\.tariff\.elements\[0\]\.components\[0\]\.price/,
    );
    expect((await run("nowhere")).stderr).toMatch(/not a directory/);
    expect((await run()).stderr).toMatch(/DIR is required/);
  });
});
