// Demo data for a first start: each dataset is loaded once, recorded in the `meta` collection, so a restart never
// loads it twice and data a user changed is never overwritten. Master data and rulesets are loaded before the plugins;
// the demo sessions after the pipeline exists (they are priced through it).
import type { Logger } from "../logging/logger.ts";
import type { Pipeline } from "../pipeline/index.ts";
import type { RulesService } from "../rules/versions/index.ts";
import type { Store } from "../store/index.ts";
import { demoDatasets } from "./datasets.ts";

/** The services a dataset may load through. */
export interface DemoContext {
  rules?: RulesService;
  pipeline?: Pipeline;
}

export interface DemoDataset {
  /** Stable id; a new version of a dataset gets a new id. */
  id: string;
  description: string;
  /** "sessions": loaded once the pipeline exists; otherwise at the start, before the plugins. */
  phase?: "setup" | "sessions";
  load(store: Store, context: DemoContext): Promise<number>;
}

export async function seedDemoData(
  store: Store,
  logger: Logger,
  datasets: DemoDataset[] = demoDatasets,
  context: DemoContext = {},
) {
  const meta = store.collection<{ _id: string; loadedAt: Date; documents: number }>("meta");
  for (const dataset of datasets) {
    const markerId = `demo:${dataset.id}`;
    if (await meta.findOne({ _id: markerId })) continue;
    const documents = await dataset.load(store, context);
    await meta.insertOne({ _id: markerId, loadedAt: new Date(), documents });
    logger.info({ dataset: dataset.id, documents }, `loaded demo data: ${dataset.description}`);
  }
}
