// The store interface is part of the SDK (plugins use it too); the runtime implements it.
export * from "@voltrate/sdk/store";
