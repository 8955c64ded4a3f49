// `./voltrate rules import DIR`: loads ruleset directories into the store as new DRAFT revisions (publishing stays a
// deliberate step in the studio or the API). DIR is one ruleset directory (with ruleset.yaml) or a folder of them.
// The store comes from the runtime's configuration (VOLTRATE_DATA_DIR or VOLTRATE_MONGODB_URL); the embedded store
// is locked while the runtime runs on the same data folder.
import { readdir, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../config/index.ts";
import { type LoadedRuleset, loadRulesetDir, RULESET_FILE, RulesetFileError } from "../../rules/files/index.ts";
import { type Actor, createRulesService, RulesError } from "../../rules/versions/index.ts";
import { openStore, type Store, StoreError } from "../../store/index.ts";
import type { CliCommand, CliIo } from "../command.ts";
import { UsageError } from "../command.ts";
import { fileIssuesError } from "./rules-shared.ts";

const USAGE = `Usage: ./voltrate rules import DIR [--comment TEXT] [--user NAME]

Loads rule sets from files into the store as new draft revisions. DIR is a ruleset directory (holding
${RULESET_FILE}) or a folder of ruleset directories (such as rulesets/); folders without ${RULESET_FILE} are
skipped. A rule set that does not exist yet is created; one whose latest draft already has the same content is
left alone. Nothing is published: review and publish the drafts in the studio or through the API.

The store is the runtime's: VOLTRATE_DATA_DIR (embedded, default ./data) or VOLTRATE_MONGODB_URL. The embedded
store can only be opened by one process: stop the runtime first (or save the draft through the API:
PUT /api/v1/rulesets/{id}/draft).

Options:
  --comment TEXT   Why, recorded with each draft revision and in the audit trail.
  --user NAME      Who, for the audit trail (default: the operating system user).`;

const ARG_OPTIONS = { comment: { type: "string" }, user: { type: "string" } } as const;

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function hasRulesetFile(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, RULESET_FILE))).isFile();
  } catch {
    return false;
  }
}

/** The ruleset directories DIR stands for: itself, or its sub-directories holding a ruleset file. */
async function rulesetDirs(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) throw new UsageError(`${dir}: not a directory`);
  if (await hasRulesetFile(dir)) return [dir];
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const sub = path.join(dir, name);
    if ((await isDirectory(sub)) && (await hasRulesetFile(sub))) out.push(sub);
  }
  if (out.length === 0) throw new UsageError(`${dir}: no ${RULESET_FILE} in it or in its sub-directories`);
  return out;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof ARG_OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: ARG_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const [dirArg, ...extra] = parsed.positionals;
  if (dirArg === undefined) throw new UsageError(`DIR is required\n\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`one DIR only, got also ${extra.join(" ")}\n\n${USAGE}`);
  const dir = path.resolve(io.cwd, dirArg);

  // Everything is read and validated before the store is opened: a bad file changes nothing.
  const loaded: LoadedRuleset[] = [];
  for (const sub of await rulesetDirs(dir)) {
    try {
      loaded.push(await loadRulesetDir(sub));
    } catch (error) {
      if (error instanceof RulesetFileError) throw fileIssuesError(error.issues, io.cwd);
      throw error;
    }
  }
  const ids = new Map<string, string>();
  for (const l of loaded) {
    const other = ids.get(l.ruleset.id);
    if (other !== undefined) {
      throw new UsageError(
        `${path.relative(io.cwd, l.file)}: rule set id "${l.ruleset.id}" is also used by ${path.relative(io.cwd, other)}`,
      );
    }
    ids.set(l.ruleset.id, l.file);
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, io.cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  let store: Store;
  try {
    store = await openStore({
      dataDir: config.VOLTRATE_DATA_DIR,
      ...(config.VOLTRATE_MONGODB_URL ? { mongodbUrl: config.VOLTRATE_MONGODB_URL } : {}),
    });
  } catch (error) {
    if (error instanceof StoreError && error.code === "LOCKED") {
      io.stderr(
        `voltrate rules import: the data folder ${config.VOLTRATE_DATA_DIR} is in use (${error.message}). ` +
          "Stop the runtime first, or save the drafts through the API (PUT /api/v1/rulesets/{id}/draft).\n",
      );
      return 1;
    }
    if (error instanceof StoreError) {
      io.stderr(`voltrate rules import: cannot open the store: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const user = parsed.values.user ?? safeUser();
  const actor: Actor = { id: `cli:${user}`, name: user, via: "cli" };
  const comment = parsed.values.comment;
  try {
    const service = createRulesService({ store });
    await service.init();
    for (const l of loaded) {
      const from = path.relative(io.cwd, l.dir) || ".";
      try {
        const r = await service.importDraft(l.ruleset, actor, from, comment);
        const what =
          r.result === "created"
            ? `created, draft revision ${r.revision}`
            : r.result === "updated"
              ? `draft revision ${r.revision}`
              : `unchanged (draft revision ${r.revision} has this content)`;
        io.stdout(`${r.rulesetId}: ${what} ← ${from}\n`);
      } catch (error) {
        if (error instanceof RulesError) {
          const issues = error.issues.map((i) => `  ${i.path}: ${i.message}`);
          throw new UsageError([`${from}: ${error.message}`, ...issues].join("\n"));
        }
        throw error;
      }
    }
  } finally {
    await store.close();
  }
  return 0;
}

function safeUser(): string {
  try {
    return userInfo().username || "cli";
  } catch {
    return "cli";
  }
}

export const rulesImportCommand: CliCommand = {
  name: ["rules", "import"],
  summary: "Load ruleset directories into the store as new draft revisions",
  usage: USAGE,
  run,
};
