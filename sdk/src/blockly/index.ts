// The Voltrate rule blocks for Blockly: definitions, toolbox and the conversion of rules into a workspace. Shared by
// the studio (which edits with them) and the server (which compiles saved workspaces into rules). See
// docs/rule-versions.md › Blockly.
export * from "./blocks.ts";
export * from "./to-workspace.ts";
export * from "./toolbox.ts";
