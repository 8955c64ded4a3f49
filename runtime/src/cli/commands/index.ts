import type { CliCommand } from "../command.ts";
import { priceCdrCommand } from "./price-cdr.ts";

/** Every command of `./voltrate`, in the order `--help` lists them. */
export const commands: CliCommand[] = [priceCdrCommand];
