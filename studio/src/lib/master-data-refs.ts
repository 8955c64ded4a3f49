// The choices of reference fields (a roaming agreement's CPO party, a contract's price plan, …) and the names of
// referenced records in lists and details. Read once per page visit and kept: an entity written by a form is
// dropped from the cache so the next form sees it.
import type { EntityType } from "@voltrate/sdk/master-data";
import { api } from "./api.ts";
import { masterDataApi } from "./api-master-data.ts";
import type { RefTarget } from "./master-data-fields.ts";
import { titleOf } from "./master-data-fields.ts";

export type RefOption = { id: string; label: string };

const cache = new Map<string, Promise<RefOption[]>>();

const keyOf = (target: RefTarget) => ("entity" in target ? target.entity : `ruleset:${target.ruleset}`);

function load(target: RefTarget): Promise<RefOption[]> {
  if ("entity" in target) {
    // The records valid now (the form keeps a current value that is not among them as a choice of its own).
    return masterDataApi
      .list(target.entity, { limit: 1000 })
      .then((list) =>
        list.items
          .map((item) => ({ id: item.entityId, label: labelOf(target.entity, item.data, item.entityId) }))
          .sort((a, b) => a.label.localeCompare(b.label)),
      );
  }
  return api.listRulesets().then((rulesets) =>
    rulesets
      .filter((r) => r.side === target.ruleset)
      .map((r) => ({ id: r.id, label: r.name === r.id ? r.id : `${r.name} (${r.id})` }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  );
}

/** A record's label in a choice: parties with their OCPI id ("GreenCharge (NL*GRN)"). */
export function labelOf(type: EntityType, data: unknown, id: string): string {
  const d = (data ?? {}) as Record<string, unknown>;
  if (type === "party" && typeof d.countryCode === "string") {
    return `${titleOf(data, id)} (${d.countryCode}*${String(d.partyId)})`;
  }
  if (type === "administration" && typeof d.code === "string") return `${titleOf(data, id)} (${d.code})`;
  if (type === "contract" && typeof d.productCode === "string") {
    return `${typeof d.contractNumber === "string" ? d.contractNumber : id} (${d.productCode})`;
  }
  return titleOf(data, id);
}

/** The choices for a reference field; a failed read is not kept, so the next form tries again. */
export function refOptions(target: RefTarget): Promise<RefOption[]> {
  const key = keyOf(target);
  let found = cache.get(key);
  if (!found) {
    found = load(target);
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

/** Forget the records of a type (after a write), so choices and names are read again. */
export function forgetRefs(type: EntityType): void {
  cache.delete(type);
}
