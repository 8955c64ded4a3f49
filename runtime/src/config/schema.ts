import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * Every configuration key of the runtime. Environment variables win over the optional config file
 * (VOLTRATE_CONFIG_FILE, a JSON object with the same keys). Documented in README.md › Configuration.
 */
export const configSchema = z.object({
  VOLTRATE_HOST: z.string().min(1, "expected a host name or IP address").default("127.0.0.1"),
  VOLTRATE_PORT: z.coerce
    .number({ error: "expected a port number" })
    .int("expected a whole port number")
    .min(0, "expected a port number from 0 to 65535")
    .max(65535, "expected a port number from 0 to 65535")
    .default(8080),
  VOLTRATE_DATA_DIR: z.string().min(1, "expected a folder path").default("./data"),
  VOLTRATE_MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, "expected a MongoDB connection string (mongodb:// or mongodb+srv://)")
    .optional(),
  VOLTRATE_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "expected one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  VOLTRATE_LOG_FORMAT: z.enum(["auto", "json", "pretty"], { error: "expected auto, json or pretty" }).default("auto"),
  VOLTRATE_DEMO_DATA: booleanFlag.default(true),
  VOLTRATE_ADMIN_API_KEY: z
    .string()
    .regex(/^vr_[A-Za-z0-9_-]{29,}$/, 'expected an API key: "vr_" followed by at least 29 letters, digits, "_" or "-"')
    .optional(),
  VOLTRATE_ADMIN_PASSWORD: z
    .string()
    .min(12, "expected a password of at least 12 characters")
    .max(1024, "expected at most 1024 characters")
    .optional(),
  VOLTRATE_PLUGINS: z
    .string()
    .default("@voltrate/plugin-vat,@voltrate/plugin-fx")
    .transform((list) =>
      list
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .refine((list) => new Set(list).size === list.length, "expected each plugin once"),
  VOLTRATE_PLUGIN_CONFIG: z
    .string()
    .default("{}")
    .transform((text, ctx) => {
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === "object" && value !== null && !Array.isArray(value))
          return value as Record<string, unknown>;
      } catch {}
      ctx.addIssue({ code: "custom", message: "expected a JSON object of plugin name → configuration" });
      return z.NEVER;
    }),
  VOLTRATE_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: "expected milliseconds" })
    .int("expected whole milliseconds")
    .min(0, "expected a non-negative number of milliseconds")
    .default(10_000),
});

export type Config = z.output<typeof configSchema>;
export type ConfigKey = keyof Config;
export const configKeys = Object.keys(configSchema.shape) as ConfigKey[];
