// The master data model as the runtime imports it: one place that names its location.
export * from "@voltrate/sdk/master-data";
