// The script API: the types scripts are written against (declared once, in `script-api.d.ts`) and its text, for
// the compiler that type-checks scripts and for editors.
import { SCRIPT_API_DTS, SCRIPT_API_DTS_SHA256 } from "./script-api-text.ts";

export type {
  Dec,
  DecInput,
  Duration,
  Energy,
  LineSpec,
  RoundingMode,
  ScriptFunction,
  ScriptHelpers,
  ScriptLine,
  ScriptParam,
  ScriptParams,
  ScriptProperty,
  ScriptResult,
  ScriptSession,
  TokenType,
} from "./script-api.d.ts";
export { SCRIPT_API_DTS, SCRIPT_API_DTS_SHA256 };

/** The module name scripts import the API from; the only import a script may have. */
export const SCRIPT_API_MODULE = "voltrate:script";

/**
 * The version of the script API. Raise the major version for changes that break existing scripts; every change of
 * the declarations also changes `SCRIPT_API_DTS_SHA256`, which is part of the compiled scripts' cache key.
 */
export const SCRIPT_API_VERSION = "1.0.0";

/**
 * The declarations wrapped as an ambient module (`declare module "voltrate:script" { … }`), for editors that take
 * extra type definitions as global files (Monaco's `addExtraLib`).
 */
export const SCRIPT_API_AMBIENT_DTS = `declare module ${JSON.stringify(SCRIPT_API_MODULE)} {\n${SCRIPT_API_DTS}\n}\n`;
