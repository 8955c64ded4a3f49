// The master data model (sdk/src/master-data) as the runtime imports it: one place that names its location.
export * from "../../../sdk/src/master-data/index.ts";
