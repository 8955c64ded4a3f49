import type { CliCommand } from "../command.ts";
import { priceCdrCommand } from "./price-cdr.ts";
import { rulesImportCommand } from "./rules-import.ts";
import { rulesSimulateCommand } from "./rules-simulate.ts";
import { rulesTestCommand } from "./rules-test.ts";

/** Every command of `./voltrate`, in the order `--help` lists them. */
export const commands: CliCommand[] = [priceCdrCommand, rulesTestCommand, rulesSimulateCommand, rulesImportCommand];
