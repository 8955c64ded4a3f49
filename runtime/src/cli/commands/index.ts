import type { CliCommand } from "../command.ts";

/** Every command of `./voltrate`, in the order `--help` lists them. */
export const commands: CliCommand[] = [];
