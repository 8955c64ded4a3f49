// The pipeline's shared vocabulary lives in the SDK (sdk/src/pipeline). Everything in the runtime imports it from here,
// so that the one import below is all that changes once the SDK exports it as "@voltrate/sdk/pipeline".
export * from "@voltrate/sdk/pipeline";
