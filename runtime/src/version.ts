import runtimePackage from "../package.json" with { type: "json" };

/** The runtime's version, as released (from runtime/package.json). */
export const version: string = runtimePackage.version;
