// Demo data for a first start: each dataset is loaded once, recorded in the `meta` collection, so a
// restart never loads it twice and data a user changed is never overwritten.
import type { Logger } from "../logging/logger.ts";
import type { Store } from "../store/index.ts";
import { demoDatasets } from "./datasets.ts";

export interface DemoDataset {
  /** Stable id; a new version of a dataset gets a new id. */
  id: string;
  description: string;
  load(store: Store): Promise<number>;
}

export async function seedDemoData(store: Store, logger: Logger, datasets: DemoDataset[] = demoDatasets) {
  const meta = store.collection<{ _id: string; loadedAt: Date; documents: number }>("meta");
  for (const dataset of datasets) {
    const markerId = `demo:${dataset.id}`;
    if (await meta.findOne({ _id: markerId })) continue;
    const documents = await dataset.load(store);
    await meta.insertOne({ _id: markerId, loadedAt: new Date(), documents });
    logger.info({ dataset: dataset.id, documents }, `loaded demo data: ${dataset.description}`);
  }
}
