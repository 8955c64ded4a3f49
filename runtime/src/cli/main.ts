// Entry point of `./voltrate <command>`.
import type { CliCommand, CliIo } from "./command.ts";
import { UsageError } from "./command.ts";
import { commands } from "./commands/index.ts";

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.join(" ").length), 10);
  const lines = commands.map((c) => `  ${c.name.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "Usage: ./voltrate <command> [options]",
    "",
    "Commands:",
    ...(lines.length > 0 ? lines : ["  (none yet)"]),
    "",
    "Run ./voltrate <command> --help for the options of one command.",
  ].join("\n");
}

/** Finds the command whose name words are the longest prefix of args. */
function resolve(args: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const matches = command.name.every((word, i) => args[i] === word);
    if (matches && (!best || command.name.length > best.name.length)) best = command;
  }
  return best ? { command: best, rest: args.slice(best.name.length) } : undefined;
}

export async function main(args: string[], io: CliIo): Promise<number> {
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    io.stdout(`${helpText()}\n`);
    return 0;
  }
  const found = resolve(args);
  if (!found) {
    io.stderr(`voltrate: unknown command "${args.join(" ")}"\n\n${helpText()}\n`);
    return 2;
  }
  if (found.rest.includes("--help") || found.rest.includes("-h")) {
    io.stdout(`${found.command.usage}\n`);
    return 0;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`voltrate ${found.command.name.join(" ")}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
