// The runtime's Blockly compiler, for the rule editor's table view: the rules a block workspace stands for, so the
// table shows what the blocks say before they are saved.
import type { Rule } from "@voltrate/sdk/rules";
import { request } from "./api.ts";

export function compileBlocks(workspace: object, currency: string, scriptNames: string[]): Promise<Rule[]> {
  return request<{ rules: Rule[] }>("POST", "/api/v1/rules/blockly/compile", { workspace, currency, scriptNames }).then(
    (r) => r.rules,
  );
}
