// Picks the engine: MongoDB when a URL is configured, otherwise the embedded engine in `dataDir`.
import type { StoreLogger } from "./logger.ts";
import type { Store } from "./types.ts";

export interface OpenStoreOptions {
  /** MongoDB connection string; when set, the MongoDB engine is used and `dataDir` is ignored. */
  mongodbUrl?: string | undefined;
  /** Data folder of the embedded engine. */
  dataDir: string;
  logger?: StoreLogger | undefined;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const logger = options.logger;
  if (options.mongodbUrl) {
    // Loaded on demand: the driver is not needed by the embedded engine.
    const { MongoStore } = await import("./mongodb/mongo-store.ts");
    return MongoStore.open({ url: options.mongodbUrl, ...(logger ? { logger } : {}) });
  }
  const { EmbeddedStore } = await import("./embedded/embedded-store.ts");
  return EmbeddedStore.open({ dataDir: options.dataDir, ...(logger ? { logger } : {}) });
}
