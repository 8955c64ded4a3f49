// Errors of the rules service, each with a stable code; the REST layer turns them into problem JSON.

/** One problem in a rule set, a script or a Blockly workspace. */
export interface RulesIssue {
  /** Model path ("rules[2].condition.value"), "scripts.<name>", or "blockly" for workspace problems. */
  path: string;
  message: string;
  /** Script diagnostics: the script's name, 1-based line and column, and the compiler code ("TS2322"). */
  script?: string;
  line?: number;
  column?: number;
  code?: string;
  /** Blockly problems: the block, its type, and the field or input concerned. */
  blockId?: string;
  blockType?: string;
  field?: string;
  input?: string;
}

export type RulesErrorCode =
  /** 404: no such rule set, version or draft revision. */
  | "not-found"
  /** 409: the rule set exists, the draft moved on, the version can no longer be cancelled, … */
  | "conflict"
  /** 422: the content (or workspace) is not valid; `issues` says where. */
  | "invalid-ruleset"
  /** 400: a request that cannot be carried out as asked (e.g. an effective date in the past without consent). */
  | "bad-request";

const STATUS: Record<RulesErrorCode, number> = {
  "not-found": 404,
  conflict: 409,
  "invalid-ruleset": 422,
  "bad-request": 400,
};

export class RulesError extends Error {
  override name = "RulesError";
  readonly code: RulesErrorCode;
  readonly issues: readonly RulesIssue[];
  /** A field of the request the problem concerns ("effectiveFrom"). */
  readonly field: string | undefined;

  constructor(code: RulesErrorCode, message: string, options: { issues?: RulesIssue[]; field?: string } = {}) {
    super(message);
    this.code = code;
    this.issues = options.issues ?? [];
    this.field = options.field;
  }

  get status(): number {
    return STATUS[this.code];
  }
}
