import { masterDataDemoDataset } from "./master-data.ts";
import type { DemoDataset } from "./seed.ts";

/** The demo datasets, loaded once each on a first start (see seed.ts). */
export const demoDatasets: DemoDataset[] = [masterDataDemoDataset];
