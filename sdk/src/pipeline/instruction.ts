// Instructions: what a person tells the pipeline when a session is reprocessed (one session, or a drop-out case in
// bulk). The instruction is applied in the stage it concerns and written into the trace of the new revision.
import { z } from "zod";

/** Price one side with this ruleset instead of the one the master data names (at its version in effect at the start). */
export interface UseRulesetInstruction {
  type: "useRuleset";
  side: "purchase" | "sales";
  rulesetId: string;
  /** A fixed version; default the version in effect at the session start. */
  version?: number;
  comment?: string;
}

/** Look the session up as if it had been authorized with this token (a known uid). */
export interface TreatTokenAsInstruction {
  type: "treatTokenAs";
  tokenUid: string;
  comment?: string;
}

/**
 * Accept what the CPO charged: the purchase cost is the CDR's total_cost (the CPO-total check is skipped and no
 * purchase ruleset or tariff is evaluated).
 */
export interface AcceptCpoPriceInstruction {
  type: "acceptCpoPrice";
  comment?: string;
}

/** Close the session without pricing it: the cost is written off (nothing is invoiced). */
export interface WriteOffInstruction {
  type: "writeOff";
  comment?: string;
}

/** Close the session as rejected (e.g. disputed with the CPO): nothing is priced or invoiced. */
export interface RejectInstruction {
  type: "reject";
  comment?: string;
}

export type Instruction =
  | UseRulesetInstruction
  | TreatTokenAsInstruction
  | AcceptCpoPriceInstruction
  | WriteOffInstruction
  | RejectInstruction;

export const INSTRUCTION_TYPES = ["useRuleset", "treatTokenAs", "acceptCpoPrice", "writeOff", "reject"] as const;

const comment = z.string().max(2000).optional();

export const instructionSchema: z.ZodType<Instruction> = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("useRuleset"),
      side: z.enum(["purchase", "sales"], { error: 'expected "purchase" or "sales"' }),
      rulesetId: z.string().min(1).max(100),
      version: z.number().int().positive().optional(),
      comment,
    }),
    z.strictObject({ type: z.literal("treatTokenAs"), tokenUid: z.string().min(1).max(64), comment }),
    z.strictObject({ type: z.literal("acceptCpoPrice"), comment }),
    z.strictObject({ type: z.literal("writeOff"), comment }),
    z.strictObject({ type: z.literal("reject"), comment }),
  ],
  { error: `expected an instruction: "type" must be one of ${INSTRUCTION_TYPES.join(", ")}` },
);

/** One line for traces and lists. */
export function describeInstruction(instruction: Instruction): string {
  switch (instruction.type) {
    case "useRuleset":
      return `use ruleset ${instruction.rulesetId}${instruction.version === undefined ? "" : ` version ${instruction.version}`} for the ${instruction.side} side`;
    case "treatTokenAs":
      return `treat the token as ${instruction.tokenUid}`;
    case "acceptCpoPrice":
      return "accept the CPO's price (its total_cost is the purchase cost)";
    case "writeOff":
      return "write the session off";
    case "reject":
      return "reject the session";
  }
}
