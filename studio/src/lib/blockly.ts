// Blockly for the rule editor: the Voltrate blocks and toolbox from the SDK (the same definitions the server compiles
// saved workspaces with), English messages, and media served by the studio itself.
import { emptyRulesWorkspace, registerVoltrateBlocks, voltrateToolbox } from "@voltrate/sdk/blockly";
import * as Blockly from "blockly/core";
import * as En from "blockly/msg/en";

Blockly.setLocale(En as unknown as Record<string, string>);
registerVoltrateBlocks(Blockly);

export { Blockly };

/** Whether Blockly knows the Voltrate blocks (the SDK's definitions). */
export const hasVoltrateBlocks = () => Blockly.Blocks.vr_rules !== undefined;

export interface RulesWorkspaceOptions {
  currency: string;
  readOnly?: boolean;
  /** Blockly serialization JSON; default: an empty rule list. */
  state?: unknown;
}

/** Draws the rule editor into `host`: the category toolbox, zoom controls, a trash can, and the rule list. */
export function createRulesWorkspace(host: HTMLElement, options: RulesWorkspaceOptions): Blockly.WorkspaceSvg {
  const workspace = Blockly.inject(host, {
    toolbox: voltrateToolbox(options.currency) as Blockly.utils.toolbox.ToolboxDefinition,
    media: __BLOCKLY_MEDIA__,
    readOnly: options.readOnly ?? false,
    trashcan: !options.readOnly,
    sounds: false,
    renderer: "thrasos",
    grid: { spacing: 24, length: 2, colour: "#d7dde5", snap: true },
    zoom: { controls: true, wheel: false, startScale: 0.85, maxScale: 2, minScale: 0.4, scaleSpeed: 1.15 },
    move: { scrollbars: true, drag: true, wheel: true },
  });
  const state = options.state ?? emptyRulesWorkspace();
  // Opening is not an edit: no change events while the saved state is loaded.
  Blockly.Events.disable();
  try {
    Blockly.serialization.workspaces.load(state as object, workspace);
  } finally {
    Blockly.Events.enable();
  }
  return workspace;
}

export function saveWorkspace(workspace: Blockly.Workspace): object {
  return Blockly.serialization.workspaces.save(workspace);
}
