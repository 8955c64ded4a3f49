import type { EventBus, RuntimeEventName, RuntimeEvents } from "@voltrate/sdk";
import type { Logger } from "../logging/logger.ts";

type Handler = { owner: string; fn: (payload: never) => void | Promise<void> };

/**
 * Publishes runtime events to subscribers. Handlers run after the fact, each isolated: one that throws
 * or rejects is logged with its owner's name and the others still run. `emit` waits for all of them.
 */
export class RuntimeEventBus {
  private readonly handlers = new Map<RuntimeEventName, Handler[]>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** A view of the bus for one subscriber (a plugin), which can subscribe but not publish. */
  forOwner(owner: string): EventBus {
    return {
      on: (event, handler) => {
        const entry: Handler = { owner, fn: handler as Handler["fn"] };
        const list = this.handlers.get(event) ?? [];
        list.push(entry);
        this.handlers.set(event, list);
        return () => {
          const current = this.handlers.get(event) ?? [];
          this.handlers.set(
            event,
            current.filter((h) => h !== entry),
          );
        };
      },
    };
  }

  async emit<E extends RuntimeEventName>(event: E, payload: RuntimeEvents[E]): Promise<void> {
    const list = this.handlers.get(event) ?? [];
    await Promise.all(
      list.map(async (handler) => {
        try {
          await (handler.fn as (p: RuntimeEvents[E]) => void | Promise<void>)(payload);
        } catch (error) {
          this.logger.error({ err: error, event, plugin: handler.owner }, "event handler failed");
        }
      }),
    );
  }
}
