// Hooks around the stages of the session pipeline. A hook sees the session as it is at that point, can
// add notes to the trace, and can turn the session into a drop-out with a reason. Hooks of one stage and
// phase run in ascending `order` (then plugin load order); a hook that throws turns the session into a
// drop-out whose reason names the plugin — never a crash.

/** The pipeline stages, in the order a session passes them. */
export const pipelineStages = [
  "basicChecks",
  "lookups",
  "advancedChecks",
  "rateDetermination",
  "calculations",
  "pricedSession",
] as const;

export type PipelineStage = (typeof pipelineStages)[number];
export type HookPhase = "before" | "after";

/** A note written into the session's trace, attributed to the plugin that wrote it. */
export interface TraceNote {
  message: string;
  data?: Record<string, unknown>;
}

/**
 * A price line a hook adds to one side of the session. Amounts are decimal strings excl. VAT in that side's currency
 * (rounded half-up to its minor units); a negative amount is a discount.
 */
export interface HookLine {
  side: "sales" | "purchase";
  /** Stable code, e.g. "LOYALTY". */
  code: string;
  /** What the customer or partner reads. */
  description: string;
  amount: string;
  quantity?: string;
  unit?: string;
  vatPercent?: string;
}

/** What a hook sees and may do. `session` is a read-only view of the session at this point. */
export interface HookContext<Session = Readonly<Record<string, unknown>>> {
  readonly stage: PipelineStage;
  readonly phase: HookPhase;
  readonly session: Session;
  /** Adds a note to the session's trace. */
  annotate(note: TraceNote): void;
  /** Stops the pipeline for this session and opens a drop-out with this reason code and message. */
  dropOut(reason: { code: string; message: string; data?: Record<string, unknown> }): void;
  /**
   * Adds a price line to one side. Allowed in `after:rateDetermination` hooks only (elsewhere it throws): the line
   * joins that side's lines before calculations, so VAT, FX and the margin include it.
   */
  addLine(line: HookLine): void;
}

export type HookHandler<Session = Readonly<Record<string, unknown>>> = (
  context: HookContext<Session>,
) => void | Promise<void>;

export interface HookOptions {
  /** Lower runs first; default 0. */
  order?: number;
}

export interface HookRegistrar {
  before(stage: PipelineStage, handler: HookHandler, options?: HookOptions): void;
  after(stage: PipelineStage, handler: HookHandler, options?: HookOptions): void;
}
