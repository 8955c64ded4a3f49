// The shipped rulesets (rulesets/msp-nl-retail: sales; rulesets/cpo-abc-purchase: purchase at AllBright) imported
// from their directories and published effective 1 January 2026, before every demo session.
import path from "node:path";
import { loadRulesetDir } from "../rules/files/index.ts";
import type { Actor } from "../rules/versions/types.ts";
import type { Store } from "../store/index.ts";
import type { DemoDataset } from "./seed.ts";

const rulesetsRoot = path.resolve(import.meta.dirname, "../../../rulesets");
const demoActor: Actor = { id: "demo", name: "demo data", via: "cli" };

/** The rulesets the demo master data refers to, by directory under rulesets/. */
export const DEMO_RULESETS = ["msp-nl-retail", "cpo-abc-purchase"] as const;
/** 1 January 2026, midnight in Amsterdam: the versions apply to every demo session. */
export const DEMO_RULESETS_EFFECTIVE_FROM = "2026-01-01T00:00:00+01:00";

export const rulesetsDemoDataset: DemoDataset = {
  id: "rulesets-v1",
  description: "the shipped rulesets msp-nl-retail (sales) and cpo-abc-purchase (purchase), published from 2026-01-01",
  async load(_store: Store, { rules }) {
    if (!rules) throw new Error("the rulesets demo dataset needs the rules service");
    let published = 0;
    const existing = new Map((await rules.listRulesets()).map((r) => [r.id, r]));
    for (const name of DEMO_RULESETS) {
      const dir = path.join(rulesetsRoot, name);
      const { ruleset } = await loadRulesetDir(dir);
      // A ruleset someone already imported or edited here is theirs: left as it is.
      const known = existing.get(ruleset.id);
      if (known && (known.lastVersion > 0 || known.openDraftRevision !== null)) continue;
      await rules.importDraft(ruleset, demoActor, `rulesets/${name}`, "imported from the shipped ruleset files");
      await rules.publish(
        ruleset.id,
        {
          comment: "demo: prices in effect from 1 January 2026",
          effectiveFrom: DEMO_RULESETS_EFFECTIVE_FROM,
          allowRetroactive: true,
        },
        demoActor,
      );
      published++;
    }
    return published;
  },
};
