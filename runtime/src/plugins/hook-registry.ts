import type {
  HookHandler,
  HookLine,
  HookOptions,
  HookPhase,
  HookRegistrar,
  PipelineStage,
  TraceNote,
} from "@voltrate/sdk";
import { pipelineStages } from "@voltrate/sdk";
import { z } from "zod";

interface RegisteredHook {
  plugin: string;
  order: number;
  sequence: number;
  handler: HookHandler;
}

/** A note in a session's trace written by a hook. */
export interface HookTraceEntry extends TraceNote {
  plugin: string;
  stage: PipelineStage;
  phase: HookPhase;
}

export interface HookDropOut {
  code: string;
  message: string;
  plugin: string;
  stage: PipelineStage;
  phase: HookPhase;
  data?: Record<string, unknown>;
}

/** A price line added by a hook (only in after:rateDetermination), attributed to the plugin. */
export interface HookAddedLine extends HookLine {
  plugin: string;
}

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, { error: 'expected a decimal string such as "-1.25"' });
const hookLineSchema = z.strictObject({
  side: z.enum(["sales", "purchase"]),
  code: z.string().min(1).max(64),
  description: z.string().min(1).max(500),
  amount: decimal,
  quantity: decimal.optional(),
  unit: z.string().min(1).max(32).optional(),
  vatPercent: decimal.optional(),
});

/** The stage and phase whose hooks may add price lines. */
export const LINE_HOOK = { stage: "rateDetermination", phase: "after" } as const;

export interface HookRunResult {
  notes: HookTraceEntry[];
  /** Price lines the hooks added (after:rateDetermination only), in the order they were added. */
  lines: HookAddedLine[];
  /** Set when a hook asked for a drop-out or failed; later hooks of the run did not run. */
  dropOut?: HookDropOut;
}

/** Plugin hooks may not hold a session forever. */
export const HOOK_TIMEOUT_MS = 5_000;

/**
 * Hooks around pipeline stages. Runs the hooks of one stage and phase in ascending order (ties: the
 * order they were registered, i.e. plugin load order). A hook that throws, rejects or exceeds the
 * timeout turns the session into a drop-out whose reason names the plugin; the process is unaffected.
 */
export class HookRegistry {
  private readonly hooks = new Map<string, RegisteredHook[]>();
  private readonly timeoutMs: number;
  private sequence = 0;

  constructor(options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? HOOK_TIMEOUT_MS;
  }

  registrarFor(plugin: string): HookRegistrar {
    const add = (phase: HookPhase, stage: PipelineStage, handler: HookHandler, options?: HookOptions) => {
      if (!pipelineStages.includes(stage)) {
        throw new TypeError(`plugin "${plugin}": unknown pipeline stage "${stage}" (${pipelineStages.join(", ")})`);
      }
      if (typeof handler !== "function") throw new TypeError(`plugin "${plugin}": a hook must be a function`);
      const key = `${phase}:${stage}`;
      const list = this.hooks.get(key) ?? [];
      list.push({ plugin, order: options?.order ?? 0, sequence: this.sequence++, handler });
      list.sort((a, b) => a.order - b.order || a.sequence - b.sequence);
      this.hooks.set(key, list);
    };
    return {
      before: (stage, handler, options) => add("before", stage, handler, options),
      after: (stage, handler, options) => add("after", stage, handler, options),
    };
  }

  count(stage: PipelineStage, phase: HookPhase): number {
    return this.hooks.get(`${phase}:${stage}`)?.length ?? 0;
  }

  async run(
    stage: PipelineStage,
    phase: HookPhase,
    session: Readonly<Record<string, unknown>>,
  ): Promise<HookRunResult> {
    const notes: HookTraceEntry[] = [];
    const lines: HookAddedLine[] = [];
    for (const hook of this.hooks.get(`${phase}:${stage}`) ?? []) {
      let requested: HookDropOut | undefined;
      const context = {
        stage,
        phase,
        session,
        annotate: (note: TraceNote) => {
          notes.push({
            plugin: hook.plugin,
            stage,
            phase,
            message: String(note.message),
            ...(note.data ? { data: note.data } : {}),
          });
        },
        dropOut: (reason: { code: string; message: string; data?: Record<string, unknown> }) => {
          requested ??= { ...reason, plugin: hook.plugin, stage, phase };
        },
        addLine: (line: HookLine) => {
          if (stage !== LINE_HOOK.stage || phase !== LINE_HOOK.phase) {
            throw new Error(
              `addLine is allowed in ${LINE_HOOK.phase}:${LINE_HOOK.stage} hooks only, not in ${phase}:${stage}`,
            );
          }
          const parsed = hookLineSchema.safeParse(line);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "line"}: ${i.message}`).join("; ");
            throw new Error(`addLine: ${issues}`);
          }
          const l = parsed.data;
          lines.push({
            plugin: hook.plugin,
            side: l.side,
            code: l.code,
            description: l.description,
            amount: l.amount,
            ...(l.quantity === undefined ? {} : { quantity: l.quantity }),
            ...(l.unit === undefined ? {} : { unit: l.unit }),
            ...(l.vatPercent === undefined ? {} : { vatPercent: l.vatPercent }),
          });
        },
      };
      try {
        await withTimeout(Promise.resolve(hook.handler(context)), this.timeoutMs);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          notes,
          lines,
          dropOut: {
            code: "PLUGIN_HOOK_FAILED",
            message: `plugin "${hook.plugin}" failed in its ${phase}:${stage} hook: ${message}`,
            plugin: hook.plugin,
            stage,
            phase,
          },
        };
      }
      if (requested) return { notes, lines, dropOut: requested };
    }
    return { notes, lines };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
