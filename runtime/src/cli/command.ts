// A CLI command of `./voltrate`. Each command lives in its own file under ./commands and is listed in
// ./commands/index.ts. stdout carries only the command's result; diagnostics go to stderr.

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The directory relative paths are resolved against. */
  cwd: string;
}

export interface CliCommand {
  /** The words that select the command, e.g. ["price-cdr"] or ["rules", "test"]. */
  name: string[];
  summary: string;
  usage: string;
  /** Returns the process exit code: 0 success, 1 a negative result (e.g. a failed test), 2 bad input. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown by a command for bad input; the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
