// Monaco for script rules: TypeScript with the compiler options of the runtime's script compiler and the script API
// (`voltrate:script`) from the SDK as an extra library, so editors see the same types and errors the server does.
// The workers are files of the build (Vite `?worker` imports); nothing is fetched from another host.
import { SCRIPT_API_AMBIENT_DTS, SCRIPT_API_MODULE } from "@voltrate/sdk/script";
import * as monaco from "monaco-editor";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import TsWorker from "monaco-editor/languages/features/typescript/ts.worker?worker";

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker();
  },
};

const ts = monaco.typescript;
ts.typescriptDefaults.setCompilerOptions({
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  lib: ["lib.es2024.d.ts"],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  useUnknownInCatchVariables: true,
  isolatedModules: true,
  allowNonTsExtensions: true,
  noEmit: true,
});
ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
ts.typescriptDefaults.addExtraLib(SCRIPT_API_AMBIENT_DTS, "file:///node_modules/@types/voltrate-script/index.d.ts");
ts.typescriptDefaults.setEagerModelSync(true);

export { monaco, SCRIPT_API_MODULE };

/** A new script, as the examples start. */
export const SCRIPT_TEMPLATE = `import { defineScript } from "${SCRIPT_API_MODULE}";

export default defineScript((session, h) => {
  return { lines: [] };
});
`;
