import { masterDataDemoDataset } from "./master-data.ts";
import { rulesetsDemoDataset } from "./rulesets.ts";
import type { DemoDataset } from "./seed.ts";
import { sessionsDemoDataset } from "./sessions.ts";

/** The demo datasets, loaded once each on a first start (see seed.ts), in this order. */
export const demoDatasets: DemoDataset[] = [masterDataDemoDataset, rulesetsDemoDataset, sessionsDemoDataset];

/** Loaded at the start, before the plugins: master data and published rulesets. */
export const demoSetupDatasets: DemoDataset[] = demoDatasets.filter((d) => d.phase !== "sessions");
/** Loaded once the pipeline exists: charge sessions priced through it. */
export const demoSessionDatasets: DemoDataset[] = demoDatasets.filter((d) => d.phase === "sessions");
