import { readFileSync } from "node:fs";
import path from "node:path";
import { type Config, configKeys, configSchema } from "./schema.ts";

/** A configuration problem, phrased as one line that names the key and what is expected. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`VOLTRATE_CONFIG_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`VOLTRATE_CONFIG_FILE: ${file} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`VOLTRATE_CONFIG_FILE: ${file} must hold a JSON object of configuration keys`);
  }
  const unknownKey = Object.keys(parsed).find((key) => !(configKeys as string[]).includes(key));
  if (unknownKey) {
    throw new ConfigError(`${unknownKey}: unknown key in ${file}; expected one of ${configKeys.join(", ")}`);
  }
  // File values may be JSON numbers, booleans or objects; the schema reads strings like the environment does.
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [
      k,
      typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v),
    ]),
  );
}

/**
 * Reads and validates the configuration. `env` defaults to process.env; blank values count as unset.
 * Relative paths are resolved against `cwd`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fromFile = env.VOLTRATE_CONFIG_FILE ? readConfigFile(path.resolve(cwd, env.VOLTRATE_CONFIG_FILE)) : {};
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of configKeys) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? "configuration");
    // Secrets are never echoed back.
    const secret =
      key === "VOLTRATE_ADMIN_API_KEY" || key === "VOLTRATE_ADMIN_PASSWORD" || key === "VOLTRATE_MONGODB_URL";
    const given = input[key] === undefined || secret ? "" : ` (got "${String(input[key])}")`;
    throw new ConfigError(`${key}: ${issue?.message ?? "invalid value"}${given}`);
  }
  return { ...result.data, VOLTRATE_DATA_DIR: path.resolve(cwd, result.data.VOLTRATE_DATA_DIR) };
}
