export { EmbeddedStore, type EmbeddedStoreOptions, openEmbeddedStore } from "./embedded/embedded-store.ts";
export { type StoreLogger, silentLogger } from "./logger.ts";
// Types only: the driver is loaded by openStore when a MongoDB URL is configured.
export type { MongoStore, MongoStoreOptions } from "./mongodb/mongo-store.ts";
export { type OpenStoreOptions, openStore } from "./open-store.ts";
export * from "./types.ts";
